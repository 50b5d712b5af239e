#include "git/repository.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/git/test_repo.h"

namespace pgstate::git {
namespace {

namespace fs = std::filesystem;

class RepositoryTest : public ::testing::Test {
 protected:
  LibGit2Guard guard_;
  testing::TestRepo repo_;
};

TEST_F(RepositoryTest, OpensFromASubdirectory) {
  repo_.Write("db/schema/deep/a.sql", "CREATE TABLE a (id int);\n");
  auto repo = OpenRepository(repo_.path() + "/db/schema/deep");
  ASSERT_TRUE(repo.ok()) << repo.error().ToString();
  EXPECT_EQ(WorkTreeRoot(repo->get()), fs::canonical(repo_.path()).string());
  EXPECT_TRUE(IsHeadUnborn(repo->get()));
}

TEST_F(RepositoryTest, NotARepositoryIsAnError) {
  auto dir = core::ScopedTempDir::Create("pgstate-not-a-repo-");
  ASSERT_TRUE(dir.ok());
  auto repo = OpenRepository(dir->path());
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.error().code, core::kExitBadInput);
  EXPECT_EQ(repo.error().message, "not a git repository: '" + dir->path() + "'");
}

TEST_F(RepositoryTest, ResolvesRevisions) {
  repo_.Write("a.sql", "one\n");
  std::string first = repo_.CommitAll("first");
  repo_.Write("a.sql", "two\n");
  repo_.CommitAll("second");
  repo_.Git("branch feature");
  repo_.Write("a.sql", "three\n");
  std::string third = repo_.CommitAll("third");
  auto repo = OpenRepository(repo_.path());
  ASSERT_TRUE(repo.ok());
  EXPECT_FALSE(IsHeadUnborn(repo->get()));

  auto c = ResolveCommit(repo->get(), "HEAD~2");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(OidHex(*git_commit_id(c->get())), first);
  c = ResolveCommit(repo->get(), third.substr(0, 10));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(OidHex(*git_commit_id(c->get())), third);
  c = ResolveCommit(repo->get(), "feature");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(OidHex(*git_commit_id(c->get())), repo_.Git("rev-parse HEAD~1"));

  auto tree = ResolveTree(repo->get(), "HEAD~1");
  ASSERT_TRUE(tree.ok());
  auto content = ReadBlobAtPath(repo->get(), tree->get(), "a.sql");
  ASSERT_TRUE(content.ok());
  ASSERT_TRUE(content->has_value());
  EXPECT_EQ(**content, "two\n");
  content = ReadBlobAtPath(repo->get(), tree->get(), "missing.sql");
  ASSERT_TRUE(content.ok());
  EXPECT_FALSE(content->has_value());
}

TEST_F(RepositoryTest, UnknownRevisionNamesIt) {
  repo_.Write("a.sql", "one\n");
  repo_.CommitAll("first");
  auto repo = OpenRepository(repo_.path());
  ASSERT_TRUE(repo.ok());
  for (const char* spec : {"HEAD~5", "no-such-branch", "deadbeef00"}) {
    auto c = ResolveCommit(repo->get(), spec);
    ASSERT_FALSE(c.ok()) << spec;
    EXPECT_EQ(c.error().code, core::kExitBadInput);
    EXPECT_EQ(c.error().message, "unknown revision '" + std::string(spec) + "'");
  }
  auto blob = ResolveCommit(repo->get(), "HEAD:a.sql");
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().message, "revision 'HEAD:a.sql' is not a commit");
}

TEST_F(RepositoryTest, MergeBaseIsTheForkPoint) {
  repo_.Write("a.sql", "one\n");
  std::string fork = repo_.CommitAll("fork");
  repo_.Git("checkout -q -b topic");
  repo_.Write("b.sql", "topic\n");
  repo_.CommitAll("topic");
  repo_.Git("checkout -q main");
  repo_.Write("c.sql", "main\n");
  repo_.CommitAll("main");
  auto repo = OpenRepository(repo_.path());
  ASSERT_TRUE(repo.ok());
  auto a = ResolveCommit(repo->get(), "main");
  auto b = ResolveCommit(repo->get(), "topic");
  ASSERT_TRUE(a.ok() && b.ok());
  auto base = MergeBase(repo->get(), a->get(), b->get(), "main", "topic");
  ASSERT_TRUE(base.ok()) << base.error().ToString();
  EXPECT_EQ(OidHex(*git_commit_id(base->get())), fork);
}

TEST_F(RepositoryTest, UnrelatedHistoriesHaveNoMergeBase) {
  repo_.Write("a.sql", "one\n");
  repo_.CommitAll("one");
  repo_.Git("checkout -q --orphan other");
  repo_.Write("a.sql", "other\n");
  repo_.CommitAll("other");
  auto repo = OpenRepository(repo_.path());
  ASSERT_TRUE(repo.ok());
  auto a = ResolveCommit(repo->get(), "main");
  auto b = ResolveCommit(repo->get(), "other");
  ASSERT_TRUE(a.ok() && b.ok());
  auto base = MergeBase(repo->get(), a->get(), b->get(), "main", "other");
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.error().message, "no merge base between 'main' and 'other'");
}

TEST_F(RepositoryTest, HashLengthComesFromTheRepository) {
  auto repo = OpenRepository(repo_.path());
  ASSERT_TRUE(repo.ok());
  EXPECT_EQ(HashHexLength(repo->get()), 40u);
  EXPECT_EQ(OidHex(*git_commit_id(ResolveCommit(repo->get(), repo_.CommitAll("x"))->get())).size(),
            HashHexLength(repo->get()));
}

TEST(BinaryContent, FollowsGitsRule) {
  EXPECT_FALSE(IsBinaryContent("CREATE TABLE t (id int);\n"));
  EXPECT_FALSE(IsBinaryContent(""));
  EXPECT_TRUE(IsBinaryContent(std::string("PK\x03\x04\0\0", 6)));
  std::string late(9000, 'a');
  late[8500] = '\0';
  EXPECT_FALSE(IsBinaryContent(late));  // git only looks at the first 8000 bytes
}

}  // namespace
}  // namespace pgstate::git
