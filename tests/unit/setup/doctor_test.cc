#include "setup/doctor.h"

#include <git2.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/build_info.h"
#include "core/file.h"
#include "core/temp_dir.h"
#include "git/libgit2.h"
#include "setup/commands.h"
#include "setup/init.h"

namespace pgstate::setup {
namespace {

TEST(DoctorText, FirstWordOfACommand) {
  EXPECT_EQ(FirstWord("/opt/bin/pgstate-merge --marker-size %L %O %A %B %P"),
            "/opt/bin/pgstate-merge");
  EXPECT_EQ(FirstWord("  pgstate-merge %O"), "pgstate-merge");
  EXPECT_EQ(FirstWord("\"/my tools/pgstate-merge\" %O"), "/my tools/pgstate-merge");
  EXPECT_EQ(FirstWord("pgstate-merge"), "pgstate-merge");
  EXPECT_EQ(FirstWord("   "), "");
}

TEST(DoctorText, BinariesCalledSkipsCommentsAndLongerNames) {
  std::string script =
      "#!/bin/sh\n"
      "# runs pgstate-verify, in a comment\n"
      "if ! command -v pgstate-check >/dev/null 2>&1; then\n"
      "  echo \"pgstate: pgstate-check is not on PATH\" >&2\n"
      "fi\n"
      "my-pgstate-thing; pgstate-changes --format summary\n";
  EXPECT_EQ(BinariesCalled(script), (std::vector<std::string>{"pgstate-check", "pgstate-changes"}));
  EXPECT_TRUE(BinariesCalled("#!/bin/sh\nexit 0\n").empty());
}

TEST(DoctorText, ParseHookWrapperOfSomethingElse) {
  HookWrapperInfo info = ParseHookWrapper("#!/bin/sh\nmake lint\n");
  EXPECT_EQ(info.bin_dir, "");
  EXPECT_EQ(info.hook_script, "");
}

TEST(DoctorText, HumanReportWithAProblem) {
  std::vector<Check> checks = {
      {"postgresql", true, "PostgreSQL 15 in /usr/lib/postgresql/15/bin (the newest)", ""},
      {"hooks", false, ".git/hooks/pre-commit is not executable, so git does not run it",
       "chmod +x .git/hooks/pre-commit"}};
  EXPECT_EQ(RenderDoctorHuman(checks, false),
            "ok       postgresql: PostgreSQL 15 in /usr/lib/postgresql/15/bin (the newest)\n"
            "problem  hooks: .git/hooks/pre-commit is not executable, so git does not run it\n"
            "         fix: chmod +x .git/hooks/pre-commit\n"
            "pgstate doctor: 2 checks, 1 problem\n");
  EXPECT_EQ(RenderDoctorHuman({checks[0]}, true),
            "\033[32mok\033[0m       postgresql: PostgreSQL 15 in /usr/lib/postgresql/15/bin "
            "(the newest)\n"
            "pgstate doctor: 1 check, no problems\n");
  EXPECT_EQ(RenderDoctorJson(checks),
            "[\n"
            "  {\n"
            "    \"name\": \"postgresql\",\n"
            "    \"ok\": true,\n"
            "    \"detail\": \"PostgreSQL 15 in /usr/lib/postgresql/15/bin (the newest)\",\n"
            "    \"fix\": null\n"
            "  },\n"
            "  {\n"
            "    \"name\": \"hooks\",\n"
            "    \"ok\": false,\n"
            "    \"detail\": \".git/hooks/pre-commit is not executable, so git does not run it\",\n"
            "    \"fix\": \"chmod +x .git/hooks/pre-commit\"\n"
            "  }\n"
            "]\n");
}

// A repository, a fake installation (every pgstate-<command> answers --version) and no
// PostgreSQL: the repository checks against init's real output.
class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = core::ScopedTempDir::Create("pgstate-doctor-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    root_ = dir_->path() + "/repo";
    git_repository* raw = nullptr;
    ASSERT_EQ(git_repository_init(&raw, root_.c_str(), 0), 0);
    git_repository_free(raw);
    bin_ = dir_->path() + "/bin";
    ASSERT_EQ(::mkdir(bin_.c_str(), 0755), 0);
    for (const Command& c : kCommands) {
      std::string name = std::string("pgstate-") + c.name;
      WriteExecutable(bin_ + "/" + name, "#!/bin/sh\necho " + name + " " + core::kVersion + "\n");
    }
    options_.path = root_;
    options_.bin_dir = bin_;
    options_.path_env = "/usr/bin:/bin";
    options_.cache_dir = dir_->path() + "/cache";
    options_.pg_lib_root = dir_->path() + "/no-postgresql";
  }
  void WriteExecutable(const std::string& path, const std::string& text) {
    ASSERT_TRUE(core::WriteFileAtomic(path, text).ok());
    ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
  }
  std::vector<Check> Run() {
    auto checks = RunDoctor(options_);
    EXPECT_TRUE(checks.ok());
    return checks.ok() ? *checks : std::vector<Check>{};
  }
  void Init() {
    InitOptions init;
    init.path = root_;
    init.bin_dir = bin_;
    init.hooks_source_dir = std::string(core::kSourceDir) + "/hooks";
    auto report = RunInit(init);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
  }
  static Check Find(const std::vector<Check>& checks, const std::string& name) {
    for (const Check& c : checks) {
      if (c.name == name) return c;
    }
    return {"(none)", false, "", ""};
  }

  git::LibGit2Guard guard_;
  std::optional<core::ScopedTempDir> dir_;
  std::string root_, bin_;
  DoctorOptions options_;
};

TEST_F(DoctorTest, NotADirectoryIsBadInput) {
  options_.path = dir_->path() + "/nowhere";
  auto checks = RunDoctor(options_);
  ASSERT_FALSE(checks.ok());
  EXPECT_EQ(checks.error().code, core::kExitBadInput);
}

TEST_F(DoctorTest, OutsideARepositoryOnlyTheInstallation) {
  options_.path = dir_->path();
  options_.path_env = dir_->path() + "/bin-without-postgresql";  // no pg_config either
  std::vector<Check> checks = Run();
  ASSERT_EQ(checks.size(), 5u);
  EXPECT_EQ(checks[4].name, "repository");
  EXPECT_TRUE(checks[4].ok);
  EXPECT_NE(checks[4].detail.find("repository checks skipped"), std::string::npos);
  EXPECT_TRUE(checks[0].ok) << checks[0].detail;
  EXPECT_FALSE(checks[1].ok);  // no PostgreSQL under pg_lib_root, none on this PATH
  EXPECT_EQ(checks[1].fix, "apt-get install postgresql");
  EXPECT_TRUE(checks[3].ok) << checks[3].detail;
}

TEST_F(DoctorTest, MissingAndStaleBinaries) {
  ASSERT_EQ(::unlink((bin_ + "/pgstate-plan").c_str()), 0);
  WriteExecutable(bin_ + "/pgstate-check", "#!/bin/sh\necho pgstate-check 0.0.1\n");
  Check c = Find(Run(), "pgstate binaries");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.detail, bin_ + "/pgstate-check is version 0.0.1, not " + core::kVersion +
                          "; missing pgstate-plan (looked in '" + bin_ + "' and PATH)");
  EXPECT_EQ(
      c.fix,
      "reinstall pgstate (./install.sh in its source tree) so every pgstate-<command> is in " +
          bin_);
}

TEST_F(DoctorTest, BeforeInitThreeProblems) {
  std::vector<Check> checks = Run();
  ASSERT_EQ(checks.size(), 8u);
  EXPECT_EQ(Find(checks, ".pgstate").detail, "no .pgstate in " + root_);
  Check hooks = Find(checks, "hooks");
  EXPECT_FALSE(hooks.ok);
  EXPECT_EQ(hooks.detail,
            "not installed in .git/hooks: pre-commit, pre-push, post-merge, "
            "post-checkout");
  EXPECT_EQ(hooks.fix, "pgstate init");
  Check driver = Find(checks, "merge driver");
  EXPECT_FALSE(driver.ok);
  EXPECT_EQ(driver.detail,
            "merge.pgstate.driver is not set in git config, so schema files merge as text; "
            ".gitattributes does not give merge=pgstate to db/schema/**/*.sql, db/baseline.sql");
  EXPECT_EQ(driver.fix,
            "pgstate init (adds 'db/schema/**/*.sql merge=pgstate' and 'db/baseline.sql "
            "merge=pgstate' to .gitattributes)");
}

TEST_F(DoctorTest, AfterInitTheRepositoryIsOk) {
  Init();
  std::vector<Check> checks = Run();
  for (const char* name : {"repository", ".pgstate", "hooks", "merge driver"}) {
    Check c = Find(checks, name);
    EXPECT_TRUE(c.ok) << name << ": " << c.detail << " / " << c.fix;
  }
  EXPECT_EQ(Find(checks, "hooks").detail,
            "pre-commit, pre-push, post-merge, post-checkout in .git/hooks, calling pgstate-check, "
            "pgstate-verify, pgstate-changes");
  EXPECT_EQ(Find(checks, "merge driver").detail,
            bin_ + "/pgstate-merge for db/schema/**/*.sql and db/baseline.sql");
}

TEST_F(DoctorTest, HookWrapperNamesBinDirAndScript) {
  Init();
  auto text = core::ReadFile(root_ + "/.git/hooks/pre-push");
  ASSERT_TRUE(text.ok());
  HookWrapperInfo info = ParseHookWrapper(*text);
  EXPECT_EQ(info.bin_dir, bin_);
  EXPECT_EQ(info.hook_script, std::string(core::kSourceDir) + "/hooks/pre-push");
}

TEST_F(DoctorTest, HookProblemsNameTheHookAndTheFix) {
  Init();
  std::string hooks = root_ + "/.git/hooks";
  ASSERT_EQ(::chmod((hooks + "/pre-push").c_str(), 0644), 0);
  WriteExecutable(hooks + "/post-merge.pre-pgstate", "#!/bin/sh\nexit 0\n");
  ASSERT_EQ(::chmod((hooks + "/post-merge.pre-pgstate").c_str(), 0644), 0);
  ASSERT_EQ(::unlink((bin_ + "/pgstate-changes").c_str()), 0);
  Check c = Find(Run(), "hooks");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.detail,
            ".git/hooks/pre-push is not executable, so git does not run it; "
            ".git/hooks/post-merge.pre-pgstate (the hook pgstate init kept) is not executable, so "
            "it does not run; .git/hooks/post-merge calls pgstate-changes, which is neither in '" +
                bin_ +
                "' nor in PATH; .git/hooks/post-checkout calls pgstate-changes, which is "
                "neither in '" +
                bin_ + "' nor in PATH");
  EXPECT_EQ(c.fix,
            "chmod +x .git/hooks/pre-push; chmod +x .git/hooks/post-merge.pre-pgstate; pgstate "
            "init (points the hooks at this installation)");
}

TEST_F(DoctorTest, ForeignHookAndBadConfig) {
  Init();
  WriteExecutable(root_ + "/.git/hooks/pre-commit", "#!/bin/sh\nmake lint\n");
  ASSERT_TRUE(
      core::WriteFileAtomic(root_ + "/.pgstate", "[paths]\n\tschema = db/schema\n\tshema = x\n")
          .ok());
  std::vector<Check> checks = Run();
  Check hooks = Find(checks, "hooks");
  EXPECT_EQ(hooks.detail, "pre-commit in .git/hooks not written by pgstate");
  EXPECT_EQ(hooks.fix, "pgstate init (keeps it and chains it)");
  Check cfg = Find(checks, ".pgstate");
  EXPECT_FALSE(cfg.ok);
  EXPECT_EQ(cfg.detail, ".pgstate:3: unknown key 'paths.shema'");
  EXPECT_EQ(cfg.fix, "edit .pgstate line 3 (keys and values: 'Configuration' in the README)");
}

TEST_F(DoctorTest, MergeDriverPointingNowhere) {
  Init();
  ASSERT_EQ(::unlink((bin_ + "/pgstate-merge").c_str()), 0);
  Check c = Find(Run(), "merge driver");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.detail, "merge.pgstate.driver runs '" + bin_ +
                          "/pgstate-merge', which does not exist or is not executable");
  EXPECT_EQ(c.fix, "pgstate init (sets the driver to this installation's pgstate-merge)");
}

}  // namespace
}  // namespace pgstate::setup
