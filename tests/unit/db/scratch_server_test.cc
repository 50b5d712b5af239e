#include "db/scratch_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "db/scratch.h"
#include "db_test_support.h"

namespace pgstate::db {
namespace {

TEST(UniqueDatabaseNameTest, SanitizedAndUnique) {
  std::set<std::string> names;
  for (int i = 0; i < 50; ++i) names.insert(UniqueDatabaseName("Desired State!"));
  EXPECT_EQ(names.size(), 50u);
  for (const std::string& n : names) {
    EXPECT_EQ(n.rfind("pgstate_desiredstate_", 0), 0u) << n;
    EXPECT_LE(n.size(), 63u);
    EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos);
  }
  EXPECT_LE(UniqueDatabaseName(std::string(200, 'a')).size(), 63u);
}

// A dev server reached by URL; the ephemeral cluster stands in for a CI service container.
class DevServerTest : public testing::ClusterTest {
 protected:
  // A URL with a password (trust authentication ignores it) and the socket as host.
  std::string Url() const {
    return "postgresql://postgres:s3cret-pw@/postgres?host=" + cluster_->socket_dir() +
           "&sslmode=disable";
  }
};

TEST_F(DevServerTest, CreatesAndDropsScratchDatabases) {
  core::Result<std::unique_ptr<DevServer>> server = DevServer::Connect(Url());
  ASSERT_TRUE(server.ok()) << server.error().message;
  EXPECT_EQ((*server)->Describe(), "PostgreSQL at 'postgresql://postgres:***@/postgres?host=" +
                                       cluster_->socket_dir() + "&sslmode=disable'");
  EXPECT_EQ((*server)->server_version(), cluster_->server_version());

  core::Result<ScratchDatabase> db = (*server)->CreateDatabase("verify");
  ASSERT_TRUE(db.ok()) << db.error().message;
  core::Result<Connection> conn = Connection::Open(db->conninfo);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  core::Result<QueryResult> name = conn->Query("SELECT current_database()");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->rows[0][0], std::optional<std::string>(db->name));
  EXPECT_EQ(conn->description().find("s3cret-pw"), std::string::npos);

  EXPECT_TRUE((*server)->DropDatabase(*db).ok());
  EXPECT_FALSE(Connection::Open(db->conninfo).ok());
}

TEST_F(DevServerTest, DestructorDropsWhatWasLeft) {
  std::string conninfo;
  {
    core::Result<std::unique_ptr<DevServer>> server = DevServer::Connect(Url());
    ASSERT_TRUE(server.ok()) << server.error().message;
    core::Result<ScratchDatabase> db = (*server)->CreateDatabase("left");
    ASSERT_TRUE(db.ok()) << db.error().message;
    conninfo = db->conninfo;
    ASSERT_TRUE(Connection::Open(conninfo).ok());
  }
  EXPECT_FALSE(Connection::Open(conninfo).ok());
}

TEST_F(DevServerTest, ARunKilledBeforeDroppingItsDatabasesHasThemDroppedLater) {
  core::Result<Connection> admin = Connection::Open(Url());
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  auto make = [&](const std::string& name, const std::string& comment) {
    ASSERT_TRUE(admin->Execute("CREATE DATABASE " + name).ok());
    if (!comment.empty()) {
      ASSERT_TRUE(
          admin->Execute("COMMENT ON DATABASE " + name + " IS " + QuoteLiteral(comment)).ok());
    }
  };
  make("pgstate_killed_1", std::string(kScratchComment) + "2020-01-01 00:00:00+00");
  make("pgstate_running_1", "");
  ASSERT_TRUE(admin
                  ->Execute("DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE "
                            "pgstate_running_1 IS %L', '" +
                            std::string(kScratchComment) + "' || now()::text); END $$")
                  .ok());
  make("pgstate_someones_own", "");
  make("pgstate_old_but_used", std::string(kScratchComment) + "2020-01-01 00:00:00+00");
  core::Result<Connection> user = Connection::Open(WithDatabase(Url(), "pgstate_old_but_used"));
  ASSERT_TRUE(user.ok());

  core::Result<std::unique_ptr<DevServer>> server = DevServer::Connect(Url());
  ASSERT_TRUE(server.ok()) << server.error().message;
  core::Result<QueryResult> left =
      admin->Query("SELECT datname FROM pg_database WHERE datname LIKE 'pgstate%' ORDER BY 1");
  ASSERT_TRUE(left.ok());
  std::vector<std::string> names;
  for (const auto& row : left->rows) names.push_back(row[0].value_or(""));
  EXPECT_EQ(names, (std::vector<std::string>{"pgstate_old_but_used", "pgstate_running_1",
                                             "pgstate_someones_own"}));
  // A scratch database of this run carries the comment a later run reads.
  core::Result<ScratchDatabase> db = (*server)->CreateDatabase("fresh");
  ASSERT_TRUE(db.ok());
  core::Result<QueryResult> note = admin->Query(
      "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = " +
      QuoteLiteral(db->name));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->rows.at(0).at(0).value_or("").rfind(kScratchComment, 0), 0u);
}

TEST_F(DevServerTest, FailuresNeverShowThePassword) {
  core::Result<std::unique_ptr<DevServer>> bad =
      DevServer::Connect("postgresql://postgres:s3cret-pw@/postgres?host=/nonexistent-pgstate");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::kExitEnvironment);
  EXPECT_EQ(bad.error().message,
            "cannot connect to 'postgresql://postgres:***@/postgres?host=/nonexistent-pgstate': "
            "No such file or directory");

  core::Result<std::unique_ptr<DevServer>> server = DevServer::Connect(Url());
  ASSERT_TRUE(server.ok());
  core::Result<Connection> admin = Connection::Open(cluster_->ConnectionString());
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->Execute("CREATE ROLE limited LOGIN").ok());
  core::Result<std::unique_ptr<DevServer>> limited =
      DevServer::Connect("postgresql://limited:s3cret-pw@/postgres?host=" + cluster_->socket_dir());
  ASSERT_TRUE(limited.ok()) << limited.error().message;
  core::Result<ScratchDatabase> denied = (*limited)->CreateDatabase("x");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, core::kExitEnvironment);
  EXPECT_NE(denied.error().message.find("permission denied to create database"), std::string::npos)
      << denied.error().message;
  EXPECT_EQ(denied.error().message.find("s3cret-pw"), std::string::npos);
}

TEST_F(DevServerTest, OpenScratchServerPrefersAConfiguredUrl) {
  ::setenv("PGSTATE_DEV_URL", Url().c_str(), 1);
  core::Result<std::unique_ptr<ScratchServer>> from_env = OpenScratchServer({});
  ::unsetenv("PGSTATE_DEV_URL");
  ASSERT_TRUE(from_env.ok()) << from_env.error().message;
  EXPECT_EQ((*from_env)->Describe().rfind("PostgreSQL at 'postgresql://postgres:***@", 0), 0u);

  ScratchServerOptions options;
  options.dev_url = Url();
  core::Result<std::unique_ptr<ScratchServer>> explicit_url = OpenScratchServer(options);
  ASSERT_TRUE(explicit_url.ok());
  EXPECT_EQ((*explicit_url)->Describe().rfind("PostgreSQL at ", 0), 0u);

  core::Result<std::unique_ptr<ScratchServer>> ephemeral = OpenScratchServer({});
  ASSERT_TRUE(ephemeral.ok()) << ephemeral.error().message;
  EXPECT_EQ((*ephemeral)->Describe().rfind("ephemeral PostgreSQL ", 0), 0u);
  core::Result<ScratchDatabase> db = (*ephemeral)->CreateDatabase("plan");
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(Connection::Open(db->conninfo).ok());
}

}  // namespace
}  // namespace pgstate::db
