#include "merge/driver.h"

#include <git2.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "core/defer.h"
#include "core/file.h"
#include "core/temp_dir.h"
#include "git/libgit2.h"
#include "merge/result_check.h"

namespace pgstate::merge {
namespace {

constexpr const char* kBase = "CREATE TABLE a (\n    id integer\n);\n";
constexpr const char* kOurs = "CREATE TABLE a (\n    id integer,\n    x text\n);\n";
constexpr const char* kTheirs = "CREATE TABLE a (\n    id integer,\n    y text\n);\n";
constexpr const char* kMerged = "CREATE TABLE a (\n    id integer,\n    x text,\n    y text\n);\n";

class DriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = core::ScopedTempDir::Create("pgstate-merge-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<core::ScopedTempDir>(std::move(dir).value());
    options_.base_file = Path(".merge_file_O");
    options_.ours_file = Path(".merge_file_A");
    options_.theirs_file = Path(".merge_file_B");
    options_.path = "db/schema.sql";
    options_.style = git::ConflictStyle::kMerge;
  }
  std::string Path(const std::string& name) const { return dir_->path() + "/" + name; }
  void Write(const std::string& base, const std::string& ours, const std::string& theirs) {
    ASSERT_TRUE(core::WriteFileAtomic(options_.base_file, base).ok());
    ASSERT_TRUE(core::WriteFileAtomic(options_.ours_file, ours).ok());
    ASSERT_TRUE(core::WriteFileAtomic(options_.theirs_file, theirs).ok());
  }
  std::string Ours() const { return *core::ReadFile(options_.ours_file); }
  // Every merge checked as in the other merge tests.
  DriverOutcome Run(const std::string& base, const std::string& ours, const std::string& theirs) {
    Write(base, ours, theirs);
    DriverOutcome r = RunMergeDriver(options_);
    std::string result = options_.to_stdout ? r.stdout_text : Ours();
    std::vector<std::string> problems =
        CheckMergeResult(base, ours, theirs, result, options_.marker_size);
    EXPECT_TRUE(problems.empty()) << problems.front();
    return r;
  }

  std::unique_ptr<core::ScopedTempDir> dir_;
  MergeDriverOptions options_;
};

TEST_F(DriverTest, CleanMergeReplacesOursAndExitsZero) {
  DriverOutcome r = Run(kBase, kOurs, kTheirs);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.error.has_value());
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(Ours(), kMerged);
}

TEST_F(DriverTest, ConflictsAreCountedAndLabelled) {
  options_.ours_label = "HEAD";
  options_.theirs_label = "feature";
  options_.marker_size = 9;
  DriverOutcome r = Run("CREATE VIEW v AS SELECT 1;\n\nCREATE VIEW w AS SELECT 1;\n",
                        "CREATE VIEW v AS SELECT 2;\n\nCREATE VIEW w AS SELECT 2;\n",
                        "CREATE VIEW v AS SELECT 3;\n\nCREATE VIEW w AS SELECT 3;\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Ours(),
            "<<<<<<<<< HEAD\nCREATE VIEW v AS SELECT 2;\n=========\nCREATE VIEW v AS SELECT 3;\n"
            ">>>>>>>>> feature\n\n"
            "<<<<<<<<< HEAD\nCREATE VIEW w AS SELECT 2;\n=========\nCREATE VIEW w AS SELECT 3;\n"
            ">>>>>>>>> feature\n");
}

TEST_F(DriverTest, ExitStatusIsCappedAt127) {
  std::string base, ours, theirs;
  for (int i = 0; i < 130; ++i) {
    std::string v = "CREATE VIEW v" + std::to_string(i) + " AS SELECT ";
    base += v + "1;\n\n\n\n\n";
    ours += v + "2;\n\n\n\n\n";
    theirs += v + "3;\n\n\n\n\n";
  }
  DriverOutcome r = Run(base, ours, theirs);
  EXPECT_EQ(r.exit_code, 127);
}

TEST_F(DriverTest, UnreadableInputExits255AndLeavesOursAlone) {
  Write(kBase, kOurs, kTheirs);
  options_.theirs_file = Path("missing.sql");
  DriverOutcome r = RunMergeDriver(options_);
  EXPECT_EQ(r.exit_code, 255);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->ToString(),
            "cannot open '" + Path("missing.sql") + "': No such file or directory");
  EXPECT_EQ(Ours(), kOurs);
}

TEST_F(DriverTest, StdoutLeavesOursAlone) {
  options_.to_stdout = true;
  DriverOutcome r = Run(kBase, kOurs, kTheirs);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_text, kMerged);
  EXPECT_EQ(Ours(), kOurs);
}

TEST_F(DriverTest, KillSwitchMergesAsText) {
  ASSERT_EQ(::setenv("PGSTATE_MERGE", "text", 1), 0);
  auto unset = core::Defer([] { ::unsetenv("PGSTATE_MERGE"); });
  options_.ours_label = "HEAD";
  options_.theirs_label = "feature";
  DriverOutcome r = Run(kBase, kOurs, kTheirs);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(Ours(),
            "CREATE TABLE a (\n    id integer,\n<<<<<<< HEAD\n    x text\n=======\n    y text\n"
            ">>>>>>> feature\n);\n");
}

TEST_F(DriverTest, SyntaxErrorWarnsOnceAndMergesAsText) {
  DriverOutcome r = Run(kBase, "CREATE TABL a (\n    id integer,\n    x text\n);\n", kBase);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "merged 'db/schema.sql' as text: ours does not parse: db/schema.sql:1:8: syntax error "
            "at or near \"TABL\"");
}

TEST(ResolveLabelTest, PlaceholdersOlderGitLeavesUnexpandedAreGuessed) {
  EXPECT_EQ(ResolveLabel(std::string("feature"), "/tmp/B", "theirs"), "feature");
  EXPECT_EQ(ResolveLabel(std::string("%Y"), "/tmp/B", "theirs"), "theirs");
  EXPECT_EQ(ResolveLabel(std::string("%X"), "/tmp/A", "HEAD"), "HEAD");
  EXPECT_EQ(ResolveLabel(std::string(""), "/tmp/O", "base"), "base");
  EXPECT_EQ(ResolveLabel(std::nullopt, "ours.sql", "HEAD"), "ours.sql");
}

TEST(ResolveLabelTest, TheirsIsTheBranchGitMergeNames) {
  ASSERT_EQ(::setenv("GITHEAD_0123456789abcdef0123456789abcdef01234567", "topic", 1), 0);
  auto unset = core::Defer([] { ::unsetenv("GITHEAD_0123456789abcdef0123456789abcdef01234567"); });
  EXPECT_EQ(GuessTheirsLabel(), "topic");
}

TEST(ConflictStyleTest, ReadFromTheRepositoryConfig) {
  auto dir = core::ScopedTempDir::Create("pgstate-merge-repo-");
  ASSERT_TRUE(dir.ok());
  git::InitLibGit2Once();
  git_repository* raw = nullptr;
  ASSERT_EQ(git_repository_init(&raw, dir->path().c_str(), 0), 0);
  git::Repository repo(raw);
  git_config* cfg = nullptr;
  ASSERT_EQ(git_repository_config(&cfg, raw), 0);
  git::Config config(cfg);
  ASSERT_EQ(git_config_set_string(cfg, "merge.conflictStyle", "zdiff3"), 0);
  EXPECT_EQ(ConfiguredConflictStyle(dir->path()), git::ConflictStyle::kZdiff3);
  ASSERT_EQ(git_config_set_string(cfg, "merge.conflictStyle", "diff3"), 0);
  EXPECT_EQ(ConfiguredConflictStyle(dir->path() + "/.git"), git::ConflictStyle::kDiff3);
}

TEST_F(DriverTest, ConflictStyleComesFromTheRepositoryInTheWorkingDirectory) {
  git::InitLibGit2Once();
  git_repository* raw = nullptr;
  ASSERT_EQ(git_repository_init(&raw, dir_->path().c_str(), 0), 0);
  git::Repository repo(raw);
  git_config* cfg = nullptr;
  ASSERT_EQ(git_repository_config(&cfg, raw), 0);
  git::Config config(cfg);
  ASSERT_EQ(git_config_set_string(cfg, "merge.conflictStyle", "diff3"), 0);
  char cwd[PATH_MAX];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(::chdir(dir_->path().c_str()), 0);
  auto back = core::Defer([&] { (void)::chdir(cwd); });
  options_.style.reset();
  options_.ours_label = "HEAD";
  options_.theirs_label = "feature";
  options_.ancestor_label = "%S";
  DriverOutcome r = Run("CREATE VIEW v AS SELECT 1;\n", "CREATE VIEW v AS SELECT 2;\n",
                        "CREATE VIEW v AS SELECT 3;\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Ours(),
            "<<<<<<< HEAD\nCREATE VIEW v AS SELECT 2;\n||||||| base\nCREATE VIEW v AS SELECT 1;\n"
            "=======\nCREATE VIEW v AS SELECT 3;\n>>>>>>> feature\n");
}

}  // namespace
}  // namespace pgstate::merge
