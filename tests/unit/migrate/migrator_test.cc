#include "migrate/migrator.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/temp_dir.h"
#include "migrate/backup.h"
#include "unit/db/test_cluster.h"

namespace pgstate::migrate {
namespace {

class MigratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::Cluster().CreateDatabase("migrate");
    ASSERT_TRUE(database.ok()) << database.error().ToString();
    database_ = *database;
    auto dir = core::ScopedTempDir::Create("pgstate-migrate-test-");
    ASSERT_TRUE(dir.ok());
    root_.emplace(std::move(*dir));
    std::filesystem::create_directories(root() + "/db/migrations");
  }
  void TearDown() override { (void)testing::Cluster().DropDatabase(database_); }

  const std::string& root() const { return root_->path(); }
  void Write(const std::string& path, const std::string& text) {
    std::ofstream(root() + "/" + path) << text;
  }
  void Remove(const std::string& path) { std::filesystem::remove(root() + "/" + path); }

  MigrationSource Source() {
    auto source = LoadMigrationSource(root(), config::Config{});
    EXPECT_TRUE(source.ok()) << source.error().ToString();
    return source.ok() ? std::move(*source) : MigrationSource{};
  }

  core::Result<MigrateReport> Run(Env env, std::vector<MigrateEvent>* events = nullptr) {
    MigrateOptions options;
    options.url = database_.conninfo;
    options.env = env;
    options.backup_dir = root() + "/backups";
    return RunMigrate(options, Source(), [events](const MigrateEvent& e) {
      if (events) events->push_back(e);
    });
  }

  db::Connection Connect() {
    auto c = db::Connection::Open(database_.conninfo);
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }
  // The first column of a one-row query.
  std::string Scalar(const std::string& sql) {
    db::Connection c = Connect();
    auto rows = c.Query(sql);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().ToString());
    if (!rows.ok() || rows->rows.empty()) return "<none>";
    return rows->rows[0][0].value_or("NULL");
  }
  // "version:first 8 hex digits of the hash" for each row; NULL for no hash (or no column).
  std::string Recorded() {
    return Scalar(
        "SELECT string_agg(to_char(version, 'YYYYMMDDHH24MISS') || ':' || "
        "coalesce(left(to_jsonb(m) ->> 'hash', 8), 'NULL'), ' ' ORDER BY version) "
        "FROM public.migrations m");
  }

  db::ScratchDatabase database_;
  std::optional<core::ScopedTempDir> root_;
};

TEST_F(MigratorTest, EmptyDatabaseIsBuiltFromTheBaselineThenMigrated) {
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n");
  Write("db/migrations/20240202000000_b.sql", "ALTER TABLE t ADD COLUMN b int;\n");
  Write("db/migrations/20240201000000_a.sql", "ALTER TABLE t ADD COLUMN a int;\n");
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kDev, &events);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->failure);
  EXPECT_EQ(report->applied, 2);
  EXPECT_EQ(Scalar("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                   "WHERE attrelid = 't'::regclass AND attnum > 0"),
            "id,a,b");
  EXPECT_EQ(Recorded(),
            "20240101000000:NULL 20240201000000:" +
                Sha256Hex("ALTER TABLE t ADD COLUMN a int;\n").substr(0, 8) +
                " 20240202000000:" + Sha256Hex("ALTER TABLE t ADD COLUMN b int;\n").substr(0, 8));
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(DescribeEvent(events[0]), "loaded db/baseline.sql (version 20240101000000)");

  // A second run has nothing to do.
  auto again = Run(Env::kDev);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0);
  EXPECT_EQ(SummarizeRun(*again), "database is up to date");
}

TEST_F(MigratorTest, BaselineErrorsPointAtTheBaseline) {
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n"
        "CREATE TABLE u (id nosuchtype);\n");
  auto report = Run(Env::kDev);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().ToString(), "db/baseline.sql:3:20: type \"nosuchtype\" does not exist");
  EXPECT_EQ(Scalar("SELECT to_regclass('public.t') IS NULL AND to_regclass('public.migrations') "
                   "IS NULL"),
            "t");
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n\n"
        "SELECT 1/0;\n");
  auto again = Run(Env::kDev);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().ToString(), "db/baseline.sql:4:1: division by zero");
}

TEST_F(MigratorTest, ProductionTableHasExactlyTheDesignedColumns) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  auto report = Run(Env::kProd);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(Scalar("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || "
                   "CASE WHEN attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' "
                   "|| pg_get_expr(adbin, adrelid), ''), ', ' ORDER BY attnum) "
                   "FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = "
                   "attnum WHERE attrelid = 'public.migrations'::regclass AND attnum > 0"),
            "version timestamp without time zone not null, create timestamp with time zone not "
            "null default clock_timestamp()");
  EXPECT_EQ(Scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                   "'public.migrations'::regclass"),
            "PRIMARY KEY (version)");
  EXPECT_EQ(Recorded(), "20240201000000:NULL");
  // The same database is not a dev database.
  auto dev = Run(Env::kDev);
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.error().message,
            "the migrations table of this database has no hash column, so it is a production "
            "database, not dev (--env dev)");
}

TEST_F(MigratorTest, LateMigrationIsAppliedAndReportedAsLate) {
  Write("db/migrations/20240301000000_new.sql", "CREATE TABLE n (id int);\n");
  ASSERT_TRUE(Run(Env::kStaging).ok());
  Write("db/migrations/20240201000000_branch.sql", "CREATE TABLE b (id int);\n");
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kStaging, &events);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->applied, 1);
  EXPECT_EQ(report->late, 1);
  std::vector<std::string> lines;
  for (const MigrateEvent& e : events) {
    if (e.kind == MigrateEvent::Kind::kApplied) lines.push_back(DescribeEvent(e));
  }
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("applied db/migrations/20240201000000_branch.sql ("), std::string::npos);
  EXPECT_NE(lines[0].find("late: older than 20240301000000, the newest applied)"),
            std::string::npos);
  EXPECT_EQ(SummarizeRun(*report), "1 migration applied (1 late)");
  EXPECT_EQ(Scalar("SELECT to_regclass('b') IS NOT NULL"), "t");
}

TEST_F(MigratorTest, FailureStopsAtFileLineAndKeepsWhatWasApplied) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  Write("db/migrations/20240202000000_b.sql",
        "CREATE TABLE b (id int);\n-- the next one fails\nINSERT INTO nope VALUES (1);\n");
  Write("db/migrations/20240203000000_c.sql", "CREATE TABLE c (id int);\n");
  auto report = Run(Env::kDev);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_TRUE(report->failure);
  EXPECT_EQ(report->failure->ToString(),
            "db/migrations/20240202000000_b.sql:3:13: relation \"nope\" does not exist");
  EXPECT_EQ(report->failure->code, core::kExitBadInput);
  EXPECT_EQ(SummarizeRun(*report), "1 migration applied before the failure");
  EXPECT_EQ(Recorded().substr(0, 14), "20240201000000");
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.migrations"), "1");
  // b's first statement was rolled back with it; c never ran.
  EXPECT_EQ(Scalar("SELECT to_regclass('b') IS NULL AND to_regclass('c') IS NULL"), "t");
}

TEST_F(MigratorTest, ErrorWithoutPositionPointsAtTheStatement) {
  Write("db/migrations/20240201000000_a.sql", "SELECT 1;\n\n  SELECT 1/0;\n");
  auto report = Run(Env::kDev);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->failure);
  EXPECT_EQ(report->failure->ToString(),
            "db/migrations/20240201000000_a.sql:3:3: division by zero");
}

TEST_F(MigratorTest, NoTransactionMigrationCanCreateIndexesConcurrently) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  Write("db/migrations/20240202000000_b.sql",
        "-- pgstate:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n");
  auto report = Run(Env::kDev);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->failure) << report->failure->ToString();
  EXPECT_EQ(Scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'a_id'::regclass"), "t");
  EXPECT_EQ(Scalar("SELECT count(*) FROM public.migrations"), "2");
}

TEST_F(MigratorTest, TransactionControlInsideAMigrationIsRefused) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\nCOMMIT;\n");
  auto report = Run(Env::kDev);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->failure);
  EXPECT_EQ(report->failure->ToString(),
            "db/migrations/20240201000000_a.sql:2:1: migration controls transactions itself; "
            "pgstate runs each migration in its own transaction (start the file with '-- "
            "pgstate:no-transaction' to run it without one)");
  EXPECT_EQ(Scalar("SELECT to_regclass('a') IS NULL"), "t");
}

TEST_F(MigratorTest, SessionSettingsOfOneMigrationDoNotLeakIntoTheNext) {
  Write("db/migrations/20240201000000_a.sql", "SET search_path = pg_catalog;\n");
  Write("db/migrations/20240202000000_b.sql", "CREATE TABLE b (id int);\n");
  auto report = Run(Env::kDev);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->failure);
  EXPECT_EQ(Scalar("SELECT to_regclass('public.b') IS NOT NULL"), "t");
}

TEST_F(MigratorTest, DevRollsBackEditedMigrationsThroughDownSections) {
  Write("db/migrations/20240201000000_a.sql",
        "CREATE TABLE a (id int);\n-- pgstate:down\nDROP TABLE a;\n");
  Write("db/migrations/20240202000000_b.sql",
        "CREATE TABLE b (id int);\n-- pgstate:down\nDROP TABLE b;\n");
  ASSERT_TRUE(Run(Env::kDev).ok());
  {
    db::Connection c = Connect();
    ASSERT_TRUE(c.Execute("INSERT INTO b VALUES (1)").ok());
  }
  Write("db/migrations/20240201000000_a.sql",
        "CREATE TABLE a (id int, name text);\n-- pgstate:down\nDROP TABLE a;\n");
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kDev, &events);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->failure);
  EXPECT_EQ(report->rolled_back, 2);
  EXPECT_EQ(report->applied, 2);
  EXPECT_FALSE(report->rebuilt);
  std::vector<std::string> lines;
  for (const MigrateEvent& e : events) {
    if (e.kind == MigrateEvent::Kind::kRolledBack) lines.push_back(DescribeEvent(e));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "rolled back db/migrations/20240202000000_b.sql (its down section)",
                       "rolled back db/migrations/20240201000000_a.sql (its down section)"}));
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'a'::regclass AND "
                   "attname = 'name'"),
            "1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM b"), "0");
  EXPECT_EQ(Recorded(), "20240201000000:" +
                            Sha256Hex("CREATE TABLE a (id int, name text);\n-- pgstate:down\n"
                                      "DROP TABLE a;\n")
                                .substr(0, 8) +
                            " 20240202000000:" +
                            Sha256Hex("CREATE TABLE b (id int);\n-- pgstate:down\nDROP TABLE "
                                      "b;\n")
                                .substr(0, 8));
}

TEST_F(MigratorTest, DevRebuildsFromTheBaselineAfterABackupWithoutDownSections) {
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n");
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  ASSERT_TRUE(Run(Env::kDev).ok());
  {
    db::Connection c = Connect();
    ASSERT_TRUE(c.Execute("INSERT INTO t VALUES (42); CREATE SCHEMA scratch").ok());
  }
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id bigint);\n");
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kDev, &events);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->failure);
  EXPECT_TRUE(report->rebuilt);
  ASSERT_TRUE(report->backup_path);
  EXPECT_EQ(report->backup_path->rfind(root() + "/backups/", 0), 0u);
  std::ifstream backup(*report->backup_path);
  std::string dump((std::istreambuf_iterator<char>(backup)), std::istreambuf_iterator<char>());
  EXPECT_NE(dump.find("42"), std::string::npos) << "the backup holds the data";
  struct stat st;
  ASSERT_EQ(::stat(report->backup_path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), "0");
  EXPECT_EQ(Scalar("SELECT to_regnamespace('scratch') IS NULL"), "t");
  EXPECT_EQ(Scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                   "'a'::regclass AND attname = 'id'"),
            "bigint");
  EXPECT_EQ(Recorded(), "20240101000000:NULL 20240201000000:" +
                            Sha256Hex("CREATE TABLE a (id bigint);\n").substr(0, 8));
  bool printed = false;
  for (const MigrateEvent& e : events) {
    printed |= DescribeEvent(e) == "backup written to " + *report->backup_path;
  }
  EXPECT_TRUE(printed);
}

TEST_F(MigratorTest, StagingOnlyWarnsAboutEditedMigrations) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  ASSERT_TRUE(Run(Env::kStaging).ok());
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id bigint);\n");
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kStaging, &events);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->applied, 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(DescribeEvent(events[0]),
            "warning: db/migrations/20240201000000_a.sql: edited after it was applied to this "
            "database");
}

TEST_F(MigratorTest, DatabaseWithObjectsButNoTableGetsOnlyTheTable) {
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n");
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  {
    db::Connection c = Connect();
    ASSERT_TRUE(c.Execute("CREATE TABLE t (id int)").ok());
  }
  std::vector<MigrateEvent> events;
  auto report = Run(Env::kProd, &events);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->failure);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(DescribeEvent(events[0]), "created the migrations table public.migrations (prod)");
  EXPECT_EQ(Recorded(), "20240201000000:NULL");
}

TEST_F(MigratorTest, AdvisoryLockMakesASecondRunWait) {
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  db::Connection holder = Connect();
  ASSERT_TRUE(
      holder.Execute("SELECT pg_advisory_lock(" + std::to_string(kAdvisoryLockKey) + ")").ok());
  std::vector<MigrateEvent> events;
  std::optional<core::Result<MigrateReport>> result;
  std::thread runner([&] { result.emplace(Run(Env::kDev, &events)); });
  // The run must not get past the lock while it is held.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(Scalar("SELECT to_regclass('a') IS NULL"), "t");
  ASSERT_TRUE(
      holder.Execute("SELECT pg_advisory_unlock(" + std::to_string(kAdvisoryLockKey) + ")").ok());
  runner.join();
  ASSERT_TRUE(result && result->ok());
  EXPECT_EQ((*result)->applied, 1);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(DescribeEvent(events[0]), "waiting: another pgstate migrate is running");
}

TEST_F(MigratorTest, StatusListsEveryState) {
  Write("db/baseline.sql",
        "-- pgstate:baseline version=20240101000000\nCREATE TABLE t (id int);\n");
  Write("db/migrations/20240201000000_a.sql", "CREATE TABLE a (id int);\n");
  Write("db/migrations/20240202000000_b.sql", "CREATE TABLE b (id int);\n");
  Write("db/migrations/20240203000000_c.sql", "CREATE TABLE c (id int);\n");
  ASSERT_TRUE(Run(Env::kDev).ok());
  Write("db/migrations/20240202000000_b.sql", "CREATE TABLE b (id bigint);\n");
  Remove("db/migrations/20240203000000_c.sql");
  Write("db/migrations/20240301000000_d.sql", "CREATE TABLE d (id int);\n");
  auto status = ReadStatus(database_.conninfo, Source());
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->UpToDate());
  std::string text = RenderStatus(*status);
  std::string without_times;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl - start);
    size_t applied = line.find("  applied 2");
    if (applied != std::string::npos) line.resize(applied);
    without_times += line + "\n";
    start = nl + 1;
  }
  EXPECT_EQ(without_times,
            "in baseline 20240101000000\n"
            "applied     db/migrations/20240201000000_a.sql\n"
            "edited      db/migrations/20240202000000_b.sql\n"
            "missing     20240203000000\n"
            "pending     db/migrations/20240301000000_d.sql\n"
            "1 pending, 1 edited, 1 missing\n");
}

}  // namespace
}  // namespace pgstate::migrate
