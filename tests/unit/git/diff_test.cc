#include "git/diff.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "git/repository.h"
#include "unit/git/test_repo.h"

namespace pgstate::git {
namespace {

std::string Describe(const FileDiff& f) {
  std::string s = std::string(FileStatusName(f.status)) + " " + f.old_path;
  if (f.old_path != f.new_path) s += " -> " + f.new_path;
  return s;
}

std::vector<std::string> Describe(const std::vector<FileDiff>& diffs) {
  std::vector<std::string> out;
  for (const FileDiff& f : diffs) out.push_back(Describe(f));
  return out;
}

using Lines = std::vector<std::string>;

const std::string kLong =
    "CREATE TABLE accounts (\n  id bigint PRIMARY KEY,\n  email text NOT NULL,\n"
    "  created_at timestamptz NOT NULL DEFAULT now()\n);\n"
    "CREATE INDEX accounts_email_idx ON accounts (email);\n";

class DiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("db/schema/accounts.sql", kLong);
    repo_.Write("db/schema/orders.sql", "CREATE TABLE orders (id int);\n");
    repo_.Write("db/schema/gone.sql", "CREATE TABLE gone (id int);\n");
    repo_.Write("src/app.c", "int main(void) { return 0; }\n");
    base_ = repo_.CommitAll("base");
  }
  Repository Open() {
    auto repo = OpenRepository(repo_.path());
    EXPECT_TRUE(repo.ok());
    return repo.ok() ? std::move(*repo) : Repository();
  }
  std::vector<FileDiff> Run(const Source& from, const Source& to, DiffOptions options = {}) {
    if (options.pathspec.empty()) options.pathspec = {"db/schema"};
    Repository repo = Open();
    auto diffs = DiffFiles(repo.get(), from, to, options);
    EXPECT_TRUE(diffs.ok()) << diffs.error().ToString();
    return diffs.ok() ? std::move(*diffs) : std::vector<FileDiff>();
  }
  LibGit2Guard guard_;
  testing::TestRepo repo_;
  std::string base_;
};

TEST_F(DiffTest, CommitToCommitWithRenamesAndContent) {
  repo_.Git("mv db/schema/accounts.sql db/schema/users.sql");
  repo_.Write("db/schema/orders.sql", "CREATE TABLE orders (id bigint);\n");
  repo_.Remove("db/schema/gone.sql");
  repo_.Write("db/schema/new.sql", "CREATE TABLE fresh (id int);\n");
  repo_.Write("src/app.c", "int main(void) { return 1; }\n");
  std::string head = repo_.CommitAll("change");
  auto diffs = Run(Source::Revision(base_), Source::Revision(head));
  EXPECT_EQ(Describe(diffs), (Lines{"deleted db/schema/gone.sql", "added db/schema/new.sql",
                                    "modified db/schema/orders.sql",
                                    "renamed db/schema/accounts.sql -> db/schema/users.sql"}));
  ASSERT_EQ(diffs.size(), 4u);
  EXPECT_EQ(diffs[0].old_content, "CREATE TABLE gone (id int);\n");
  EXPECT_FALSE(diffs[0].new_content.has_value());
  EXPECT_FALSE(diffs[1].old_content.has_value());
  EXPECT_EQ(diffs[2].old_content, "CREATE TABLE orders (id int);\n");
  EXPECT_EQ(diffs[2].new_content, "CREATE TABLE orders (id bigint);\n");
  EXPECT_EQ(diffs[3].similarity, 100);
  EXPECT_EQ(diffs[3].old_content, kLong);
  EXPECT_EQ(diffs[3].new_content, kLong);

  DiffOptions no_renames;
  no_renames.detect_renames = false;
  EXPECT_EQ(Describe(Run(Source::Revision(base_), Source::Revision(head), no_renames)),
            (Lines{"deleted db/schema/accounts.sql", "deleted db/schema/gone.sql",
                   "added db/schema/new.sql", "modified db/schema/orders.sql",
                   "added db/schema/users.sql"}));
}

TEST_F(DiffTest, PathspecAndPredicateRestrict) {
  repo_.Write("db/schema/notes.txt", "notes\n");
  repo_.Write("db/schema/orders.sql", "CREATE TABLE orders (id bigint);\n");
  repo_.Write("src/app.c", "changed\n");
  std::string head = repo_.CommitAll("change");
  DiffOptions all;
  all.pathspec = {"db/schema", "src"};
  EXPECT_EQ(
      Describe(Run(Source::Revision(base_), Source::Revision(head), all)),
      (Lines{"added db/schema/notes.txt", "modified db/schema/orders.sql", "modified src/app.c"}));
  DiffOptions sql;
  sql.predicate = [](std::string_view p) {
    return p.size() > 4 && p.substr(p.size() - 4) == ".sql";
  };
  EXPECT_EQ(Describe(Run(Source::Revision(base_), Source::Revision(head), sql)),
            (Lines{"modified db/schema/orders.sql"}));
}

TEST_F(DiffTest, RenameOutOfThePredicateIsADeletion) {
  repo_.Git("mv db/schema/gone.sql db/schema/gone.sql.bak");
  std::string head = repo_.CommitAll("park");
  DiffOptions sql;
  sql.predicate = [](std::string_view p) {
    return p.size() > 4 && p.substr(p.size() - 4) == ".sql";
  };
  EXPECT_EQ(Describe(Run(Source::Revision(base_), Source::Revision(head), sql)),
            (Lines{"deleted db/schema/gone.sql"}));
}

TEST_F(DiffTest, StagedUnstagedAndWorkTree) {
  repo_.Write("db/schema/orders.sql", "CREATE TABLE orders (id bigint);\n");
  repo_.Git("add db/schema/orders.sql");
  repo_.Write("db/schema/gone.sql", "CREATE TABLE gone (id bigint);\n");
  repo_.Write("db/schema/untracked.sql", "CREATE TABLE u (id int);\n");

  EXPECT_EQ(Describe(Run(Source::Revision("HEAD"), Source::IndexOnly())),
            (Lines{"modified db/schema/orders.sql"}));
  auto unstaged = Run(Source::IndexOnly(), Source::WorkTree());
  EXPECT_EQ(Describe(unstaged), (Lines{"modified db/schema/gone.sql"}));
  ASSERT_EQ(unstaged.size(), 1u);
  EXPECT_EQ(unstaged[0].new_content, "CREATE TABLE gone (id bigint);\n");
  EXPECT_EQ(Describe(Run(Source::Revision("HEAD"), Source::WorkTree())),
            (Lines{"modified db/schema/gone.sql", "modified db/schema/orders.sql"}));
  DiffOptions untracked;
  untracked.include_untracked = true;
  EXPECT_EQ(Describe(Run(Source::Revision("HEAD"), Source::WorkTree(), untracked)),
            (Lines{"modified db/schema/gone.sql", "modified db/schema/orders.sql",
                   "added db/schema/untracked.sql"}));
}

TEST_F(DiffTest, WorkTreeRenameOfAnUnstagedMove) {
  std::filesystem::rename(repo_.path() + "/db/schema/accounts.sql",
                          repo_.path() + "/db/schema/people.sql");
  DiffOptions untracked;
  untracked.include_untracked = true;
  EXPECT_EQ(Describe(Run(Source::Revision("HEAD"), Source::WorkTree(), untracked)),
            (Lines{"renamed db/schema/accounts.sql -> db/schema/people.sql"}));
}

TEST_F(DiffTest, EmptyTreeAndUnbornHead) {
  EXPECT_EQ(Describe(Run(Source::Revision(""), Source::Revision(base_))),
            (Lines{"added db/schema/accounts.sql", "added db/schema/gone.sql",
                   "added db/schema/orders.sql"}));
  testing::TestRepo fresh;
  fresh.Write("db/schema/a.sql", "CREATE TABLE a (id int);\n");
  fresh.Git("add .");
  auto repo = OpenRepository(fresh.path());
  ASSERT_TRUE(repo.ok());
  auto diffs = DiffFiles(repo->get(), Source::Revision("HEAD"), Source::IndexOnly(), {});
  ASSERT_TRUE(diffs.ok()) << diffs.error().ToString();
  EXPECT_EQ(Describe(*diffs), (Lines{"added db/schema/a.sql"}));
}

TEST_F(DiffTest, BinaryFilesAreFlagged) {
  repo_.Write("db/schema/blob.sql", std::string("\0\1\2", 3));
  std::string head = repo_.CommitAll("blob");
  auto diffs = Run(Source::Revision(base_), Source::Revision(head));
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_TRUE(diffs[0].new_binary);
  EXPECT_EQ(diffs[0].new_content->size(), 3u);
}

TEST_F(DiffTest, UnsupportedPairIsAnError) {
  Repository repo = Open();
  auto diffs = DiffFiles(repo.get(), Source::WorkTree(), Source::IndexOnly(), {});
  ASSERT_FALSE(diffs.ok());
  EXPECT_EQ(diffs.error().message, "cannot compare the work tree with the index");
}

class DiffRangeTest : public DiffTest {
 protected:
  void SetUp() override {
    DiffTest::SetUp();
    repo_.Git("checkout -q -b topic");
    repo_.Write("db/schema/orders.sql", "CREATE TABLE orders (id bigint);\n");
    topic_ = repo_.CommitAll("topic");
    repo_.Git("checkout -q main");
    repo_.Write("db/schema/gone.sql", "CREATE TABLE gone (id bigint);\n");
    main_ = repo_.CommitAll("main");
  }
  DiffRange Parse(std::vector<std::string> revs, bool staged = false, bool worktree = false) {
    Repository repo = Open();
    auto r = ParseDiffRange(repo.get(), revs, staged, worktree);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? std::move(*r) : DiffRange();
  }
  std::string Error(std::vector<std::string> revs, bool staged = false, bool worktree = false) {
    Repository repo = Open();
    auto r = ParseDiffRange(repo.get(), revs, staged, worktree);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : std::to_string(r.error().code) + " " + r.error().message;
  }
  std::string topic_, main_;
};

TEST_F(DiffRangeTest, FormsLikeGitDiff) {
  DiffRange r = Parse({});
  EXPECT_EQ(r.from.kind, SourceKind::kIndex);
  EXPECT_EQ(r.to.kind, SourceKind::kWorkTree);

  r = Parse({"topic"});
  EXPECT_EQ(r.from.revision, topic_);
  EXPECT_EQ(r.to.kind, SourceKind::kWorkTree);
  EXPECT_EQ(r.from_label, "topic");

  r = Parse({"main", "topic"});
  EXPECT_EQ(r.from.revision, main_);
  EXPECT_EQ(r.to.revision, topic_);

  r = Parse({"main..topic"});
  EXPECT_EQ(r.from.revision, main_);
  EXPECT_EQ(r.to.revision, topic_);
  EXPECT_EQ(r.to_label, "topic");

  r = Parse({"topic.."});
  EXPECT_EQ(r.from.revision, topic_);
  EXPECT_EQ(r.to.revision, main_);

  r = Parse({"main...topic"});
  EXPECT_EQ(r.from.revision, base_);
  EXPECT_EQ(r.to.revision, topic_);
  EXPECT_EQ(r.from_label, "merge base of main and topic");

  r = Parse({}, /*staged=*/true);
  EXPECT_EQ(r.from.revision, main_);
  EXPECT_EQ(r.to.kind, SourceKind::kIndex);
  EXPECT_FALSE(r.include_untracked);
  r = Parse({"topic"}, /*staged=*/true);
  EXPECT_EQ(r.from.revision, topic_);
  r = Parse({}, false, /*worktree=*/true);
  EXPECT_TRUE(r.include_untracked);
  EXPECT_EQ(r.from.revision, main_);
  EXPECT_EQ(r.to.kind, SourceKind::kWorkTree);
}

TEST_F(DiffRangeTest, BadArgumentsAreNamed) {
  EXPECT_EQ(Error({"nope"}), "2 unknown revision 'nope'");
  EXPECT_EQ(Error({"main..nope"}), "2 unknown revision 'nope'");
  EXPECT_EQ(Error({}, true, true), "129 --staged and --worktree cannot be combined");
  EXPECT_EQ(Error({"a", "b"}, true), "129 --staged takes at most one revision");
  EXPECT_EQ(Error({"main..topic"}, false, true), "129 a range cannot be combined with --worktree");
  EXPECT_EQ(Error({"a", "b", "c"}), "129 too many revisions: 'a', 'b', 'c'");
  EXPECT_EQ(Error({"main..topic", "main"}),
            "129 a range cannot be combined with another revision: 'main..topic'");
}

}  // namespace
}  // namespace pgstate::git
