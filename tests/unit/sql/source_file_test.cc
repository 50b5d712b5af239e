#include "sql/source_file.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "sql/lexer.h"

namespace pgstate::sql {
namespace {

std::string Concat(const SourceFile& f) {
  std::string out;
  for (const Statement& s : f.statements()) out += f.TextOf(s.chunk);
  out += f.TextOf(f.tail());
  return out;
}

std::vector<std::string> Texts(const SourceFile& f) {
  std::vector<std::string> out;
  for (const Statement& s : f.statements()) out.emplace_back(f.TextOf(s.text));
  return out;
}

TEST(SplitTest, SpansTextChunksAndLocations) {
  std::string sql =
      "-- Name: users; Type: TABLE\n"
      "\n"
      "CREATE TABLE users (id int);  -- trailing\n"
      "/* between */ CREATE INDEX users_id_idx ON users (id);\n"
      "\n"
      "-- the end\n";
  SourceFile f = SourceFile::Parse("schema/users.sql", sql);
  ASSERT_TRUE(f.errors().empty());
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_EQ(Texts(f), (std::vector<std::string>{"CREATE TABLE users (id int);",
                                                "CREATE INDEX users_id_idx ON users (id);"}));
  const Statement& a = f.statements()[0];
  EXPECT_EQ(f.TextOf(a.chunk),
            "-- Name: users; Type: TABLE\n\nCREATE TABLE users (id int);  -- trailing\n");
  EXPECT_EQ(a.location.ToString(), "schema/users.sql:3:1");
  const Statement& b = f.statements()[1];
  EXPECT_EQ(f.TextOf(b.chunk), "/* between */ CREATE INDEX users_id_idx ON users (id);\n");
  EXPECT_EQ(b.location.ToString(), "schema/users.sql:4:15");
  EXPECT_EQ(f.TextOf(f.tail()), "\n-- the end\n");
  EXPECT_EQ(Concat(f), sql);
}

TEST(SplitTest, LastStatementWithoutSemicolon) {
  std::string sql = "SELECT 1;\nCREATE SCHEMA app -- no semicolon\n";
  SourceFile f = SourceFile::Parse("a.sql", sql);
  ASSERT_TRUE(f.errors().empty());
  EXPECT_EQ(Texts(f), (std::vector<std::string>{"SELECT 1;", "CREATE SCHEMA app"}));
  EXPECT_EQ(f.TextOf(f.statements()[1].chunk), "CREATE SCHEMA app -- no semicolon\n");
  EXPECT_EQ(Concat(f), sql);
}

TEST(SplitTest, EmptyAndCommentOnlyFiles) {
  for (std::string sql : {"", "\n\n", "-- only a comment", "/* a */\n-- b\n"}) {
    SourceFile f = SourceFile::Parse("a.sql", sql);
    EXPECT_TRUE(f.errors().empty()) << sql;
    EXPECT_TRUE(f.statements().empty()) << sql;
    EXPECT_EQ(f.TextOf(f.tail()), sql);
  }
}

TEST(SplitTest, MetaCommandsAreStatementsAndNeverErrors) {
  std::string sql =
      "\\restrict abc123\n"
      "\\set ON_ERROR_STOP 1\n"
      "CREATE TABLE t (a int);\n"
      "  \\i other.sql\n"
      "SELECT '\n\\not a command';\n"
      "\\unrestrict abc123\n";
  SourceFile f = SourceFile::Parse("a.sql", sql);
  EXPECT_TRUE(f.errors().empty());
  ASSERT_EQ(f.statements().size(), 6u);
  EXPECT_EQ(Texts(f), (std::vector<std::string>{
                          "\\restrict abc123", "\\set ON_ERROR_STOP 1", "CREATE TABLE t (a int);",
                          "\\i other.sql", "SELECT '\n\\not a command';", "\\unrestrict abc123"}));
  EXPECT_EQ(f.statements()[0].cls, StatementClass::kMetaCommand);
  EXPECT_EQ(f.statements()[0].unkeyed_reason, "psql meta-command");
  EXPECT_EQ(f.statements()[0].canonical, 0u);
  EXPECT_EQ(f.statements()[3].location.ToString(), "a.sql:4:3");
  EXPECT_EQ(f.TextOf(f.statements()[3].chunk), "  \\i other.sql\n");
  EXPECT_EQ(f.statements()[4].cls, StatementClass::kData);
  EXPECT_EQ(Concat(f), sql);
}

TEST(SplitTest, TransactionWrappers) {
  std::string sql = "BEGIN;\nCREATE SCHEMA app;\nCOMMIT;\n";
  SourceFile f = SourceFile::Parse("a.sql", sql);
  ASSERT_EQ(f.statements().size(), 3u);
  EXPECT_EQ(f.statements()[0].cls, StatementClass::kTransaction);
  EXPECT_EQ(f.statements()[0].unkeyed_reason, "transaction control");
  EXPECT_EQ(f.statements()[1].key.ToString(), "schema app");
  EXPECT_EQ(f.statements()[2].cls, StatementClass::kTransaction);
}

TEST(SplitTest, DollarQuotesAndAtomicBodiesKeepTheirSemicolons) {
  std::string sql =
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
      "BEGIN\n"
      "\\not a meta command; RETURN 1;\n"
      "END $body$;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC\n"
      "  SELECT 1;\n"
      "  SELECT CASE WHEN true THEN 2 END;\n"
      "END;\n"
      "SELECT $x$ ; $x$, a$b$c, $1 FROM t;\n";
  SourceFile f = SourceFile::Parse("a.sql", sql);
  EXPECT_TRUE(f.errors().empty()) << f.errors()[0].message;
  ASSERT_EQ(f.statements().size(), 3u);
  EXPECT_EQ(f.statements()[0].key.ToString(), "function public.f()");
  EXPECT_EQ(f.statements()[1].key.ToString(), "function public.g()");
  EXPECT_EQ(f.TextOf(f.statements()[1].text).substr(0, 22), "CREATE FUNCTION g() RE");
  EXPECT_EQ(f.statements()[1].location.line, 5);
  EXPECT_EQ(Concat(f), sql);
}

TEST(SplitTest, CopyFromStdinDataBelongsToTheStatement) {
  std::string sql = "COPY t (a) FROM stdin;\n1\n\\N\n\\.\nCREATE SCHEMA s;\n";
  SourceFile f = SourceFile::Parse("a.sql", sql);
  EXPECT_TRUE(f.errors().empty());
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_EQ(f.TextOf(f.statements()[0].text), "COPY t (a) FROM stdin;\n1\n\\N\n\\.");
  EXPECT_EQ(f.statements()[1].key.ToString(), "schema s");
  EXPECT_EQ(Concat(f), sql);
}

TEST(SyntaxErrorTest, ExactMessageAndLocation) {
  std::string sql;
  for (int i = 1; i < 12; ++i) sql += "-- line " + std::to_string(i) + "\n";
  sql += "CREATE TABEL users (id int);\n";
  SourceFile f = SourceFile::Parse("x.sql", sql);
  ASSERT_EQ(f.errors().size(), 1u);
  const core::Diagnostic& d = f.errors()[0];
  EXPECT_EQ(d.location.ToString() + ": " + d.message,
            "x.sql:12:8: syntax error at or near \"TABEL\"");
  EXPECT_EQ(d.rule, "syntax");
  EXPECT_EQ(d.source_line, "CREATE TABEL users (id int);");
  ASSERT_EQ(f.statements().size(), 1u);
  EXPECT_EQ(f.statements()[0].cls, StatementClass::kInvalid);
  EXPECT_EQ(f.statements()[0].unkeyed_reason, "syntax error");
  EXPECT_EQ(Concat(f), sql);
}

TEST(SyntaxErrorTest, ColumnsCountCharactersAfterNonAscii) {
  std::string sql =
      "COMMENT ON TABLE t IS 'Grüße, 日本';\n"
      "\\echo ünïcödé\n"
      "SELECT 'é' AS ä, 'ö' FRM t;\n";
  SourceFile f = SourceFile::Parse("u.sql", sql);
  ASSERT_EQ(f.errors().size(), 1u);
  EXPECT_EQ(f.errors()[0].location.ToString() + ": " + f.errors()[0].message,
            "u.sql:3:26: syntax error at or near \"t\"");
  EXPECT_EQ(f.statements()[0].key.ToString(), "comment on table public.t");
}

TEST(SyntaxErrorTest, EveryErrorIsReportedAndGoodStatementsKept) {
  std::string sql =
      "CREATE TABLE a (id int);\n"
      "CREATE TABEL b (id int);\n"
      "CREATE TABLE c (id int);\n"
      "SELEC 1;\n"
      "CREATE TABLE d (id int)\n";
  SourceFile f = SourceFile::Parse("m.sql", sql);
  ASSERT_EQ(f.errors().size(), 2u);
  EXPECT_EQ(f.errors()[0].location.ToString() + ": " + f.errors()[0].message,
            "m.sql:2:8: syntax error at or near \"TABEL\"");
  EXPECT_EQ(f.errors()[1].location.ToString() + ": " + f.errors()[1].message,
            "m.sql:4:1: syntax error at or near \"SELEC\"");
  std::vector<std::string> keys;
  for (const Statement& s : f.statements()) keys.push_back(s.key.ToString());
  EXPECT_EQ(keys, (std::vector<std::string>{"table public.a", "", "table public.c", "",
                                            "table public.d"}));
  EXPECT_EQ(Concat(f), sql);
}

TEST(SourceFileTest, DeepNestingDoesNotOverflowTheStack) {
  // 100,000 chained additions nest the tree 100,000 levels deep: more than an 8 MB stack holds
  // for libpg_query (pg_query_parse alone crashes on it) and for our walks over the tree.
  std::string sql = "SELECT ";
  for (int i = 0; i < 100000; ++i) sql += "1+";
  sql += "1;\nSELECT 2;\n";
  SourceFile f = SourceFile::Parse("deep.sql", sql);
  EXPECT_TRUE(f.errors().empty());
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_NE(f.statements()[0].canonical, 0u);
  EXPECT_EQ(f.statements()[1].location.ToString(), "deep.sql:2:1");
}

TEST(SourceFileTest, ParsesFromSeveralThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> keys(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &keys] {
      for (int i = 0; i < 50; ++i) {
        SourceFile f =
            SourceFile::Parse("t.sql", "CREATE TABLE t" + std::to_string(t) + " (a int DEFAULT -" +
                                           std::to_string(i) + ");");
        keys[t] = f.statements().at(0).key.ToString();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(keys, (std::vector<std::string>{"table public.t0", "table public.t1", "table public.t2",
                                            "table public.t3"}));
}

TEST(SourceFileTest, MoveKeepsLineIndexValid) {
  SourceFile a = SourceFile::Parse("s.sql", "SELECT 1;");
  SourceFile b = std::move(a);
  SourceFile c = SourceFile::Parse("t.sql", "SELECT 2;\nSELECT 3;");
  c = std::move(b);
  EXPECT_EQ(c.lines().LineAt(3), "SELECT 1;");
  EXPECT_EQ(c.lines().Locate(7, "s.sql").ToString(), "s.sql:1:8");
}

}  // namespace
}  // namespace pgstate::sql

namespace pgstate::sql {
namespace {

TEST(SourceFileTest, CommentsNestedPastTheLimitAreRefusedWithoutParsing) {
  auto nested = [](size_t depth) {
    std::string s = "SELECT 1;\n";
    for (size_t i = 0; i < depth; ++i) s += "/*";
    s += " x ";
    for (size_t i = 0; i < depth; ++i) s += "*/";
    return s + "\nSELECT 2;\n";
  };
  SourceFile ok = SourceFile::Parse("a.sql", nested(lexer::kMaxCommentNesting));
  EXPECT_TRUE(ok.errors().empty());
  EXPECT_EQ(ok.statements().size(), 2u);
  // 100,000 levels took PostgreSQL's scanner a minute; refused at once, at the comment.
  SourceFile deep = SourceFile::Parse("a.sql", nested(100000));
  ASSERT_EQ(deep.errors().size(), 1u);
  EXPECT_EQ(deep.errors()[0].location.ToString(), "a.sql:2:1");
  EXPECT_NE(deep.errors()[0].message.find("nested 100000 levels deep"), std::string::npos);
}

}  // namespace
}  // namespace pgstate::sql
