#include "core/subprocess.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "core/file.h"
#include "core/temp_dir.h"

namespace pgstate::core {
namespace {

SubprocessOptions Args(std::vector<std::string> argv) {
  SubprocessOptions o;
  o.argv = std::move(argv);
  return o;
}

TEST(SubprocessTest, CapturesOutputAndExitStatus) {
  Result<SubprocessResult> r = RunSubprocess(Args({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->signal, 0);
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->Describe(), "exited with status 3");
}

TEST(SubprocessTest, ArgumentsAreNotInterpretedByAShell) {
  Result<SubprocessResult> r = RunSubprocess(Args({"printf", "%s|", "a b", "$HOME", "*"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "a b|$HOME|*|");
  EXPECT_TRUE(r->ok());
}

TEST(SubprocessTest, FeedsLargeStdinWhileDrainingOutput) {
  std::string input(3 << 20, 'x');  // larger than any pipe buffer in both directions
  for (size_t i = 0; i < input.size(); i += 97) input[i] = '\n';
  SubprocessOptions o = Args({"cat"});
  o.stdin_data = input;
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out.size(), input.size());
  EXPECT_TRUE(r->out == input);
}

TEST(SubprocessTest, ChildThatStopsReadingDoesNotKillUs) {
  SubprocessOptions o = Args({"true"});
  o.stdin_data = std::string(1 << 20, 'x');
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
}

TEST(SubprocessTest, UsesExactlyTheGivenEnvironment) {
  SubprocessOptions o = Args({"/usr/bin/env"});
  o.env = std::vector<std::string>{"A=1", "B=two words"};
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "A=1\nB=two words\n");
}

TEST(SubprocessTest, FilteredEnvironmentDropsVariables) {
  ::setenv("PGSTATE_TEST_DROP_ME", "1", 1);
  ::setenv("PGSTATE_TEST_KEEP_ME", "2", 1);
  std::vector<std::string> env =
      FilteredEnvironment([](const std::string& name) { return name == "PGSTATE_TEST_DROP_ME"; });
  ::unsetenv("PGSTATE_TEST_DROP_ME");
  ::unsetenv("PGSTATE_TEST_KEEP_ME");
  bool kept = false;
  for (const std::string& e : env) {
    EXPECT_NE(e.rfind("PGSTATE_TEST_DROP_ME=", 0), 0u);
    if (e == "PGSTATE_TEST_KEEP_ME=2") kept = true;
  }
  EXPECT_TRUE(kept);
}

TEST(SubprocessTest, RunsInTheGivenDirectory) {
  Result<ScopedTempDir> dir = ScopedTempDir::Create("pgstate-subprocess-");
  ASSERT_TRUE(dir.ok());
  SubprocessOptions o = Args({"pwd"});
  o.cwd = dir->path();
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, dir->path() + "\n");
}

TEST(SubprocessTest, ReportsDeathBySignal) {
  Result<SubprocessResult> r = RunSubprocess(Args({"sh", "-c", "kill -TERM $$"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_EQ(r->Describe(), "killed by signal 15 (Terminated)");
}

TEST(SubprocessTest, MissingProgramIsAnError) {
  Result<SubprocessResult> r = RunSubprocess(Args({"pgstate-no-such-program"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kExitEnvironment);
  EXPECT_EQ(r.error().message, "cannot find 'pgstate-no-such-program' in PATH");
}

TEST(SubprocessTest, UnexecutableProgramIsAnError) {
  Result<ScopedTempDir> dir = ScopedTempDir::Create("pgstate-subprocess-");
  ASSERT_TRUE(dir.ok());
  std::string path = dir->path() + "/not-executable";
  ASSERT_TRUE(WriteFileAtomic(path, "#!/bin/sh\n").ok());
  Result<SubprocessResult> r = RunSubprocess(Args({path}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot run '" + path + "': Permission denied");
}

TEST(SubprocessTest, MissingWorkingDirectoryIsAnError) {
  SubprocessOptions o = Args({"/bin/true"});
  o.cwd = "/nonexistent-pgstate-dir";
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "cannot change directory for '/bin/true': No such file or directory");
}

TEST(SubprocessTest, RunsAsAnotherUserWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  struct passwd* nobody = ::getpwnam("nobody");
  if (!nobody) GTEST_SKIP() << "no user 'nobody'";
  SubprocessOptions o = Args({"id", "-u"});
  o.uid = nobody->pw_uid;
  o.gid = nobody->pw_gid;
  o.cwd = "/";
  Result<SubprocessResult> r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->out, std::to_string(nobody->pw_uid) + "\n");
  Result<SubprocessResult> groups = RunSubprocess([&] {
    SubprocessOptions g = o;
    g.argv = {"id", "-G"};
    return g;
  }());
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->out, std::to_string(nobody->pw_gid) + "\n");
}

TEST(SubprocessTest, SpawnedChildRunsUntilSignalled) {
  Result<ScopedTempDir> dir = ScopedTempDir::Create("pgstate-subprocess-");
  ASSERT_TRUE(dir.ok());
  SubprocessOptions o = Args({"sh", "-c", "echo started; exec sleep 30"});
  o.output_file = dir->path() + "/log";
  o.new_process_group = true;
  Result<Subprocess> child = Subprocess::Spawn(o);
  ASSERT_TRUE(child.ok()) << child.error().message;
  pid_t pid = child->pid();
  // Wait until the child has written its line, then check it still runs.
  Result<std::string> log = ReadFile(dir->path() + "/log");
  for (int i = 0; i < 10000 && !(log.ok() && *log == "started\n"); ++i) {
    ::usleep(1000);
    log = ReadFile(dir->path() + "/log");
  }
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "started\n");
  EXPECT_TRUE(ProcessAlive(pid));
  EXPECT_EQ(::getpgid(pid), pid);  // its own process group
  EXPECT_FALSE(child->Poll().has_value());
  EXPECT_NE(ProcessStartTime(pid), 0u);
  child->Signal(SIGTERM);
  SubprocessResult ended = child->Wait();
  EXPECT_EQ(ended.signal, SIGTERM);
  EXPECT_FALSE(child->running());
  EXPECT_FALSE(ProcessAlive(pid));
}

TEST(SubprocessTest, DestroyingASpawnedChildKillsIt) {
  pid_t pid;
  {
    Result<Subprocess> child = Subprocess::Spawn(Args({"sleep", "30"}));
    ASSERT_TRUE(child.ok());
    pid = child->pid();
    ASSERT_TRUE(ProcessAlive(pid));
  }
  EXPECT_FALSE(ProcessAlive(pid));
}

TEST(SubprocessTest, FindExecutableSearchesThePathInOrder) {
  EXPECT_EQ(FindExecutable("sh", "/nonexistent:/bin:/usr/bin"),
            std::optional<std::string>("/bin/sh"));
  EXPECT_EQ(FindExecutable("sh", "/nonexistent"), std::nullopt);
  EXPECT_EQ(FindExecutable("/bin/sh", ""), std::optional<std::string>("/bin/sh"));
  EXPECT_EQ(FindExecutable("/etc/passwd", ""), std::nullopt);  // not executable
}

}  // namespace
}  // namespace pgstate::core
