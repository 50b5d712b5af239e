#include "db/ephemeral_cluster.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "core/subprocess.h"
#include "core/temp_dir.h"
#include "db/run_cleanup.h"
#include "db_test_support.h"

namespace pgstate::db {
namespace {

using testing::Exists;
using testing::ProcessesInside;

std::string Show(Connection& conn, const std::string& setting) {
  core::Result<QueryResult> r = conn.Query("SHOW " + setting);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r->rows[0][0].value_or("") : "";
}

uid_t OwnerOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_uid;
}

uid_t ProcessUid(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return static_cast<uid_t>(std::atol(line.c_str() + 4));
  }
  return static_cast<uid_t>(-1);
}

class EphemeralClusterTest : public ::testing::Test {
 protected:
  void SetUp() override { PGSTATE_SKIP_WITHOUT_POSTGRES(); }
};

TEST_F(EphemeralClusterTest, StartsPrivateServerAndRemovesEverythingOnStop) {
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EphemeralCluster& cluster = **started;
  std::string run_dir = cluster.run_dir();
  pid_t pid = cluster.server_pid();

  EXPECT_TRUE(core::ProcessAlive(pid));
  struct stat st {};
  ASSERT_EQ(::stat(cluster.socket_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(run_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(Exists(cluster.socket_dir() + "/.s.PGSQL.5432"));

  core::Result<Connection> conn = Connection::Open(cluster.ConnectionString());
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  EXPECT_EQ(Show(*conn, "listen_addresses"), "");  // never TCP
  EXPECT_EQ(Show(*conn, "unix_socket_directories"), cluster.socket_dir());
  EXPECT_EQ(Show(*conn, "fsync"), "off");
  EXPECT_EQ(Show(*conn, "full_page_writes"), "off");
  EXPECT_EQ(Show(*conn, "synchronous_commit"), "off");
  EXPECT_EQ(Show(*conn, "server_encoding"), "UTF8");
  EXPECT_EQ(cluster.server_version() / 10000, cluster.binaries().major);
  EXPECT_EQ(cluster.binaries().version.rfind(std::to_string(cluster.binaries().major) + ".", 0),
            0u);

  cluster.Stop();
  EXPECT_FALSE(core::ProcessAlive(pid));
  EXPECT_FALSE(Exists(run_dir));
  EXPECT_EQ(ProcessesInside(run_dir), 0);
  cluster.Stop();  // idempotent
}

TEST_F(EphemeralClusterTest, TwoClustersRunSideBySide) {
  core::Result<std::unique_ptr<EphemeralCluster>> a = EphemeralCluster::Start();
  core::Result<std::unique_ptr<EphemeralCluster>> b = EphemeralCluster::Start();
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_NE((*a)->run_dir(), (*b)->run_dir());
  EXPECT_NE((*a)->server_pid(), (*b)->server_pid());

  core::Result<Connection> ca = Connection::Open((*a)->ConnectionString());
  core::Result<Connection> cb = Connection::Open((*b)->ConnectionString());
  ASSERT_TRUE(ca.ok() && cb.ok());
  ASSERT_TRUE(ca->Execute("CREATE TABLE only_in_a (x int)").ok());
  core::Result<QueryResult> in_b =
      cb->Query("SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'");
  ASSERT_TRUE(in_b.ok());
  EXPECT_EQ(in_b->rows[0][0], std::optional<std::string>("0"));
}

TEST_F(EphemeralClusterTest, ExceptionUnwindingStopsTheServer) {
  std::string run_dir;
  pid_t pid = 0;
  try {
    core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    run_dir = (*started)->run_dir();
    pid = (*started)->server_pid();
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  ASSERT_FALSE(run_dir.empty());
  EXPECT_FALSE(core::ProcessAlive(pid));
  EXPECT_FALSE(Exists(run_dir));
}

TEST_F(EphemeralClusterTest, FailedStartLeavesNothingBehind) {
  core::Result<core::ScopedTempDir> root = core::ScopedTempDir::Create("pgstate-runs-test-");
  ASSERT_TRUE(root.ok());
  ClusterOptions options;
  options.runs_root = root->path() + "/runs";
  options.start_timeout_ms = 0;  // gives up at once
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start(options);
  if (started.ok()) GTEST_SKIP() << "the server was ready before the first check";
  EXPECT_EQ(started.error().code, core::kExitEnvironment);
  EXPECT_EQ(started.error().message.rfind("cannot start PostgreSQL ", 0), 0u)
      << started.error().message;
  EXPECT_NE(started.error().message.find("the server did not accept connections within 0 s"),
            std::string::npos)
      << started.error().message;
  EXPECT_EQ(ProcessesInside(options.runs_root), 0);
  EXPECT_EQ(::rmdir(options.runs_root.c_str()), 0) << "the runs root is not empty";
}

TEST_F(EphemeralClusterTest, MissingBinariesIsAnEnvironmentError) {
  ClusterOptions options;
  options.binaries.path = "";
  options.binaries.lib_root = "/nonexistent-pgstate";
  options.binaries.major = 15;
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, core::kExitEnvironment);
  EXPECT_EQ(started.error().message,
            "cannot find the PostgreSQL 15 server binaries (initdb, postgres): looked in "
            "'pg_config --bindir', PATH and '/nonexistent-pgstate/15/bin'; install them, e.g. "
            "'apt-get install postgresql-15'");
}

TEST_F(EphemeralClusterTest, InheritedPgVariablesAreIgnored) {
  const char* vars[][2] = {{"PGDATA", "/nonexistent"}, {"PGPORT", "1"},
                           {"PGHOST", "/nonexistent"}, {"PGUSER", "nobody"},
                           {"PGDATABASE", "nope"},     {"PGOPTIONS", "-c work_mem=bogus"},
                           {"PGSSLMODE", "require"}};
  for (auto& v : vars) ::setenv(v[0], v[1], 1);
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
  core::Result<Connection> conn =
      started.ok() ? Connection::Open((*started)->ConnectionString())
                   : core::Result<Connection>(core::Error(core::kExitFatal, "not started"));
  std::string port = conn.ok() ? Show(*conn, "port") : "";
  for (auto& v : vars) ::unsetenv(v[0]);
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  EXPECT_EQ(port, "5432");
}

TEST_F(EphemeralClusterTest, RunsTheServerAsAnUnprivilegedUserWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "only meaningful as root";
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  uid_t server_uid = ProcessUid((*started)->server_pid());
  EXPECT_NE(server_uid, 0u);
  EXPECT_NE(server_uid, static_cast<uid_t>(-1));
  EXPECT_EQ(OwnerOf((*started)->data_dir()), server_uid);
  EXPECT_EQ(OwnerOf((*started)->data_dir() + "/PG_VERSION"), server_uid);
  // Root (we) can still connect and use it.
  core::Result<Connection> conn = Connection::Open((*started)->ConnectionString());
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  EXPECT_TRUE(conn->Execute("CREATE TABLE t (x int)").ok());
}

TEST_F(EphemeralClusterTest, ColdStartCreatesTheTemplateOnceForConcurrentRuns) {
  core::Result<core::ScopedTempDir> cache = core::ScopedTempDir::Create("pgstate-cache-test-");
  ASSERT_TRUE(cache.ok());
  ClusterOptions options;
  options.cache_dir = cache->path() + "/pgstate";
  core::Result<std::unique_ptr<EphemeralCluster>> results[2] = {
      core::Error(core::kExitFatal, "not run"), core::Error(core::kExitFatal, "not run")};
  std::thread first([&] { results[0] = EphemeralCluster::Start(options); });
  std::thread second([&] { results[1] = EphemeralCluster::Start(options); });
  first.join();
  second.join();
  ASSERT_TRUE(results[0].ok()) << results[0].error().message;
  ASSERT_TRUE(results[1].ok()) << results[1].error().message;
  // Exactly one of them ran initdb; the other waited for the lock and found the template.
  EXPECT_NE((*results[0])->timings().cold, (*results[1])->timings().cold);
  int major = (*results[0])->binaries().major;
  // One template directory for the major version, plus its lock file.
  std::vector<std::string> entries;
  DIR* d = ::opendir(options.cache_dir.c_str());
  ASSERT_NE(d, nullptr);
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') entries.push_back(e->d_name);
  }
  ::closedir(d);
  std::sort(entries.begin(), entries.end());
  std::string prefix = "template-" + std::to_string(major) + "-v";
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].rfind(prefix, 0), 0u);
  EXPECT_EQ(entries[1], entries[0] + ".lock");
  EXPECT_TRUE(Exists(options.cache_dir + "/" + entries[0] + "/PG_VERSION"));

  core::Result<std::unique_ptr<EphemeralCluster>> warm = EphemeralCluster::Start(options);
  ASSERT_TRUE(warm.ok()) << warm.error().message;
  EXPECT_FALSE((*warm)->timings().cold);
  EXPECT_EQ((*warm)->timings().template_ms, 0);
}

// Starts a cluster in a forked child, which reports its run directory and server pid through a
// pipe and then waits to be killed.
struct ChildCluster {
  pid_t child = -1;
  std::string run_dir;
  pid_t server = 0;
};

ChildCluster ForkClusterChild() {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
    std::string report = started.ok() ? (*started)->run_dir() + "\n" +
                                            std::to_string((*started)->server_pid()) + "\n"
                                      : "error: " + started.error().message + "\n";
    ssize_t ignored = ::write(fds[1], report.data(), report.size());
    (void)ignored;
    for (;;) ::pause();
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) {
    report.append(buf, static_cast<size_t>(n));
    if (std::count(report.begin(), report.end(), '\n') >= 2) break;
  }
  ::close(fds[0]);
  ChildCluster c;
  c.child = child;
  size_t nl = report.find('\n');
  EXPECT_EQ(report.rfind("error: ", 0), std::string::npos) << report;
  c.run_dir = report.substr(0, nl);
  c.server = static_cast<pid_t>(std::atol(report.c_str() + nl + 1));
  return c;
}

void ExpectSignalCleansUp(int sig) {
  ChildCluster c = ForkClusterChild();
  ASSERT_GT(c.server, 0);
  ASSERT_TRUE(Exists(c.run_dir));
  ASSERT_TRUE(core::ProcessAlive(c.server));
  ASSERT_EQ(::kill(c.child, sig), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(c.child, &status, 0), c.child);
  // The handler cleaned up, then let the signal end the process as it would have.
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), sig);
  EXPECT_FALSE(core::ProcessAlive(c.server));
  EXPECT_EQ(ProcessesInside(c.run_dir), 0);
  EXPECT_FALSE(Exists(c.run_dir));
}

TEST_F(EphemeralClusterTest, SigtermStopsTheServerAndRemovesTheDirectory) {
  ExpectSignalCleansUp(SIGTERM);
}

TEST_F(EphemeralClusterTest, SigintStopsTheServerAndRemovesTheDirectory) {
  ExpectSignalCleansUp(SIGINT);
}

TEST_F(EphemeralClusterTest, ExitWithoutDestroyingTheClusterStillCleansUp) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
    if (!started.ok()) ::_exit(3);
    EphemeralCluster* leaked = started->release();  // never destroyed
    std::string report = leaked->run_dir() + "\n" + std::to_string(leaked->server_pid()) + "\n";
    ssize_t ignored = ::write(fds[1], report.data(), report.size());
    (void)ignored;
    std::exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  size_t nl = report.find('\n');
  ASSERT_NE(nl, std::string::npos);
  std::string run_dir = report.substr(0, nl);
  pid_t server = static_cast<pid_t>(std::atol(report.c_str() + nl + 1));
  EXPECT_FALSE(core::ProcessAlive(server));
  EXPECT_FALSE(Exists(run_dir));
  EXPECT_EQ(ProcessesInside(run_dir), 0);
}

TEST_F(EphemeralClusterTest, NextRunCleansUpAfterAKilledRun) {
  ChildCluster c = ForkClusterChild();
  ASSERT_GT(c.server, 0);
  ASSERT_EQ(::kill(c.child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(c.child, &status, 0), c.child);
  // Nothing could clean up after SIGKILL: the server still runs, the directory is still there.
  ASSERT_TRUE(Exists(c.run_dir));
  ASSERT_TRUE(core::ProcessAlive(c.server));

  core::Result<std::unique_ptr<EphemeralCluster>> next = EphemeralCluster::Start();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_FALSE(Exists(c.run_dir));
  EXPECT_FALSE(core::ProcessAlive(c.server));
  EXPECT_EQ(ProcessesInside(c.run_dir), 0);
  EXPECT_TRUE(core::ProcessAlive((*next)->server_pid()));
}

TEST_F(EphemeralClusterTest, StaleCleanupLeavesLiveRunsAlone) {
  core::Result<std::unique_ptr<EphemeralCluster>> mine = EphemeralCluster::Start();
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  ChildCluster other = ForkClusterChild();  // alive: its owner still runs
  ASSERT_GT(other.server, 0);
  CleanStaleRuns(DefaultRunsRoot());
  EXPECT_TRUE(Exists((*mine)->run_dir()));
  EXPECT_TRUE(Exists(other.run_dir));
  EXPECT_TRUE(core::ProcessAlive(other.server));
  ::kill(other.child, SIGTERM);
  ::waitpid(other.child, nullptr, 0);
  EXPECT_FALSE(Exists(other.run_dir));
}

TEST_F(EphemeralClusterTest, ScratchDatabasesAreUniqueAndDroppable) {
  core::Result<std::unique_ptr<EphemeralCluster>> started = EphemeralCluster::Start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  core::Result<ScratchDatabase> a = (*started)->CreateDatabase("desired");
  core::Result<ScratchDatabase> b = (*started)->CreateDatabase("desired");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_NE(a->name, b->name);
  EXPECT_EQ(a->name.rfind("pgstate_desired_", 0), 0u);
  core::Result<Connection> conn = Connection::Open(a->conninfo);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  ASSERT_TRUE(conn->Execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)").ok());

  // A copy of a database (nobody may be connected to the source).
  conn = core::Error(core::kExitFatal, "closed");
  core::Result<ScratchDatabase> copy = (*started)->CreateDatabase("copy", a->name);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  core::Result<Connection> copy_conn = Connection::Open(copy->conninfo);
  ASSERT_TRUE(copy_conn.ok());
  core::Result<QueryResult> rows = copy_conn->Query("SELECT x FROM t");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->rows.size(), 1u);

  // Dropping works even while someone is still connected.
  EXPECT_TRUE((*started)->DropDatabase(*copy).ok());
  EXPECT_FALSE(Connection::Open(copy->conninfo).ok());
}

}  // namespace
}  // namespace pgstate::db
