#pragma once
// Shared by the db tests: skip without PostgreSQL, start a cluster, open scratch databases.

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "db/binaries.h"
#include "db/connection.h"
#include "db/ephemeral_cluster.h"

namespace pgstate::db::testing {

inline bool HavePostgres() { return FindPostgresBinaries().ok(); }

#define PGSTATE_SKIP_WITHOUT_POSTGRES()                                         \
  do {                                                                          \
    if (!::pgstate::db::testing::HavePostgres()) {                              \
      GTEST_SKIP() << "no PostgreSQL server binaries (initdb, postgres) found"; \
    }                                                                           \
  } while (0)

/// Number of processes whose working directory is `dir` or inside it (PostgreSQL's postmaster
/// and backends all work in their data directory).
inline int ProcessesInside(const std::string& dir) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  while (struct dirent* e = ::readdir(proc)) {
    std::string pid = e->d_name;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    char target[4096];
    ssize_t n = ::readlink(("/proc/" + pid + "/cwd").c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (std::string(target).rfind(dir, 0) == 0) ++count;
  }
  ::closedir(proc);
  return count;
}

inline bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

/// A running cluster for the test, and databases in it.
class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PGSTATE_SKIP_WITHOUT_POSTGRES();
    core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    cluster_ = std::move(*started);
  }

  /// A new database with `sql` loaded; fails the test when the script fails.
  Connection Database(const std::string& sql, const std::string& purpose = "test") {
    core::Result<ScratchDatabase> db = cluster_->CreateDatabase(purpose);
    EXPECT_TRUE(db.ok()) << db.error().message;
    core::Result<Connection> conn = Connection::Open(db->conninfo);
    EXPECT_TRUE(conn.ok()) << conn.error().message;
    SqlStatus loaded = ExecuteScript(*conn, sql);
    EXPECT_TRUE(loaded.ok()) << loaded.error().message << " at byte " << loaded.error().byte_offset;
    return std::move(*conn);
  }

  /// Runs `sql` in the cluster's "postgres" database (roles are shared by all databases).
  void Admin(const std::string& sql) {
    core::Result<Connection> conn = Connection::Open(cluster_->ConnectionString());
    ASSERT_TRUE(conn.ok()) << conn.error().message;
    SqlStatus s = conn->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  std::unique_ptr<EphemeralCluster> cluster_;
};

}  // namespace pgstate::db::testing
