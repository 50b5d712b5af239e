#include "db/connection.h"

#include <gtest/gtest.h>

#include "db_test_support.h"

namespace pgstate::db {
namespace {

TEST(SeparatePasswordTest, ThePasswordLeavesTheConnectionStringInEveryForm) {
  for (const char* conninfo : {"postgresql://app:hunter2@db.example:5433/prod?sslmode=require",
                               "postgresql://app:hunter%32@db.example/prod",
                               "host=db user=app password=hunter2 dbname=prod",
                               "postgresql://app@db.example/prod?password=hunter2"}) {
    SCOPED_TRACE(conninfo);
    core::Result<SeparatedPassword> s = SeparatePassword(conninfo);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->password, std::optional<std::string>("hunter2"));
    EXPECT_EQ(s->conninfo.find("hunter"), std::string::npos) << s->conninfo;
    EXPECT_NE(s->conninfo.find("user='app'"), std::string::npos) << s->conninfo;
  }
  core::Result<SeparatedPassword> none = SeparatePassword("host=db dbname=prod");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->password, std::nullopt);
  EXPECT_EQ(none->conninfo, "dbname='prod' host='db'");  // in libpq's order
}

TEST(SeparatePasswordTest, AnInvalidStringIsRefusedWithoutItsPassword) {
  for (const char* bad : {"postgresql://app:hunter2@db/prod?sslmode=%zz",
                          "host=db password=hunter2 nonsense", "postgresql://app:hunter2@[db/x"}) {
    SCOPED_TRACE(bad);
    core::Result<SeparatedPassword> s = SeparatePassword(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, core::kExitBadInput);
    EXPECT_EQ(s.error().message.find("hunter2"), std::string::npos) << s.error().message;
  }
}

TEST(RedactTest, KeyValueForm) {
  EXPECT_EQ(RedactConnectionString("host=db user=app password=hunter2 dbname=x"),
            "host=db user=app password=*** dbname=x");
  // libpq escapes a quote inside a quoted value with a backslash.
  EXPECT_EQ(RedactConnectionString("password = 'it\\'s a secret' host=db"),
            "password = *** host=db");
  EXPECT_EQ(RedactConnectionString("host=password dbname=password"),
            "host=password dbname=password");
}

TEST(RedactTest, UrlForm) {
  EXPECT_EQ(RedactConnectionString("postgresql://app:hunter2@db.example:5432/prod?sslmode=require"),
            "postgresql://app:***@db.example:5432/prod?sslmode=require");
  EXPECT_EQ(RedactConnectionString("postgres://app@db/prod?password=hunter2&sslmode=disable"),
            "postgres://app@db/prod?password=***&sslmode=disable");
  EXPECT_EQ(RedactConnectionString("postgresql://db/prod"), "postgresql://db/prod");
  EXPECT_EQ(RedactConnectionString("postgresql://app:p%40ss@db"), "postgresql://app:***@db");
}

TEST(WithDatabaseTest, ReplacesTheDatabase) {
  EXPECT_EQ(WithDatabase("host=db dbname=postgres", "pgstate_x"),
            "host=db dbname=postgres dbname='pgstate_x'");
  EXPECT_EQ(WithDatabase("postgresql://u@db/postgres", "pgstate_x"),
            "postgresql://u@db/postgres?dbname=pgstate_x");
  EXPECT_EQ(WithDatabase("postgresql://u@db/postgres?sslmode=disable", "a b"),
            "postgresql://u@db/postgres?sslmode=disable&dbname=a%20b");
}

TEST(QuoteTest, IdentifiersAndLiterals) {
  EXPECT_EQ(QuoteIdentifier("users"), "\"users\"");
  EXPECT_EQ(QuoteIdentifier("My \"Table\""), "\"My \"\"Table\"\"\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

TEST(ConnectionTest, UnreachableServerIsAnEnvironmentErrorWithoutThePassword) {
  core::Result<Connection> conn = Connection::Open(
      "host=/nonexistent-pgstate-dir port=5432 user=postgres password=hunter2 dbname=x");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.error().code, core::kExitEnvironment);
  EXPECT_EQ(conn.error().message,
            "cannot connect to 'host=/nonexistent-pgstate-dir port=5432 user=postgres "
            "password=*** dbname=x': No such file or directory");
}

class ConnectionOnClusterTest : public testing::ClusterTest {};

TEST_F(ConnectionOnClusterTest, ScriptErrorCarriesSqlstateAndPosition) {
  Connection conn = Database("");
  // "é" is two bytes but one character: PostgreSQL counts characters.
  std::string script =
      "CREATE TABLE a (id int);\n"
      "-- café\n"
      "CREATE VIEW v AS SELECT * FROM missing;\n";
  SqlStatus s = ExecuteScript(conn, script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, core::kExitBadInput);
  EXPECT_EQ(s.error().sqlstate, "42P01");
  EXPECT_EQ(s.error().message, "relation \"missing\" does not exist");
  size_t byte = script.find("missing");
  EXPECT_EQ(s.error().byte_offset, byte);
  EXPECT_EQ(s.error().position, byte);  // 1-based characters = 0-based bytes - 1 + 1
  EXPECT_EQ(s.error().statement_offset, script.find("CREATE VIEW"));
  // Nothing of the failed script stayed.
  core::Result<QueryResult> r = conn.Query("SELECT count(*) FROM pg_class WHERE relname = 'a'");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rows[0][0], std::optional<std::string>("0"));
}

TEST_F(ConnectionOnClusterTest, SyntaxErrorPosition) {
  Connection conn = Database("");
  SqlStatus s = ExecuteScript(conn, "SELECT 1;\nCREATE TABEL t (x int);");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().sqlstate, "42601");
  EXPECT_EQ(s.error().message, "syntax error at or near \"TABEL\"");
  EXPECT_EQ(s.error().position, 18u);
  EXPECT_EQ(s.error().byte_offset, 17u);
}

TEST_F(ConnectionOnClusterTest, ErrorWithoutPositionPointsAtTheFailingStatement) {
  Connection conn = Database("CREATE TABLE a (id int PRIMARY KEY);");
  std::string script =
      "CREATE TABLE c (x int);\n"
      "CREATE TABLE b (a_id int REFERENCES nope (id));\n"
      "CREATE TABLE d (x int);\n";
  SqlStatus s = ExecuteScript(conn, script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().sqlstate, "42P01");
  EXPECT_EQ(s.error().message, "relation \"nope\" does not exist");
  EXPECT_EQ(s.error().statement_offset, 24u);
  EXPECT_EQ(s.error().byte_offset, 24u);
  EXPECT_EQ(s.error().position, 25u);
  EXPECT_EQ(s.error().ToError().message, "relation \"nope\" does not exist");
  // The replay that found the statement was rolled back too.
  core::Result<QueryResult> r =
      conn.Query("SELECT count(*) FROM pg_class WHERE relname IN ('b', 'c', 'd')");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], std::optional<std::string>("0"));
}

TEST_F(ConnectionOnClusterTest, InnerQueryPositionIsReplacedByTheStatement) {
  Connection conn = Database("");
  // PostgreSQL reports "missing_fn" at character 8 of "SELECT missing_fn()", the query PL/pgSQL
  // runs for PERFORM: that is no place in the script.
  std::string script = "CREATE TABLE a (x int);\nDO $$ BEGIN PERFORM missing_fn(); END $$;\n";
  SqlStatus s = ExecuteScript(conn, script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "function missing_fn() does not exist");
  EXPECT_EQ(s.error().statement_offset, 24u);
  EXPECT_EQ(s.error().byte_offset, 24u);

  // A position inside a function body is the statement's own and stays exact.
  std::string body =
      "CREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT nope "
      "FROM a $$;";
  s = ExecuteScript(conn, body);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "column \"nope\" does not exist");
  EXPECT_EQ(s.error().byte_offset, body.find("nope"));
  EXPECT_EQ(s.error().statement_offset, 24u);
}

TEST_F(ConnectionOnClusterTest, ScriptsWithTheirOwnTransactionsAreNotReplayed) {
  Connection conn = Database("");
  SqlStatus s = ExecuteScript(conn, "BEGIN; CREATE TABLE t (x int); COMMIT; SELECT * FROM nope;");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().statement_offset, std::string::npos);
  EXPECT_EQ(s.error().position, 54u);  // the server's own position
  // What the script committed before failing stays, and was not created twice.
  core::Result<QueryResult> r = conn.Query("SELECT count(*) FROM pg_class WHERE relname = 't'");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], std::optional<std::string>("1"));
}

TEST_F(ConnectionOnClusterTest, FailedScriptInsideItsOwnTransactionLeavesConnectionUsable) {
  Connection conn = Database("");
  SqlStatus s = ExecuteScript(conn, "BEGIN; CREATE TABLE t (x int); SELECT 1/0;");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().sqlstate, "22012");
  EXPECT_EQ(s.error().message, "division by zero");
  EXPECT_TRUE(conn.Execute("CREATE TABLE u (x int)").ok());
}

TEST_F(ConnectionOnClusterTest, QueryWithParametersAndNulls) {
  Connection conn =
      Database("CREATE TABLE t (k text, v int); INSERT INTO t VALUES ('a', 1), ('b', NULL);");
  core::Result<QueryResult> r =
      conn.Query("SELECT k, v FROM t WHERE k = $1 OR $2::text IS NULL ORDER BY k",
                 {std::string("a"), std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->columns, (std::vector<std::string>{"k", "v"}));
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[1][0], std::optional<std::string>("b"));
  EXPECT_EQ(r->rows[1][1], std::nullopt);
  EXPECT_EQ(r->Column("v"), 1u);
  EXPECT_EQ(r->Column("nope"), std::string::npos);

  core::Result<QueryResult> bad = conn.Query("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::kExitBadInput);
  EXPECT_EQ(bad.error().message, "column \"nope\" does not exist");
}

TEST_F(ConnectionOnClusterTest, LostConnectionIsAnEnvironmentError) {
  Connection conn = Database("");
  core::Result<Connection> admin = Connection::Open(cluster_->ConnectionString());
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin
                  ->Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                            "pid <> pg_backend_pid() AND datname LIKE 'pgstate_%'")
                  .ok());
  SqlStatus s = conn.Execute("SELECT 1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, core::kExitEnvironment) << s.error().message;
}

}  // namespace
}  // namespace pgstate::db
