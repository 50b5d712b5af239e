#include "git/snapshot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "git/repository.h"
#include "unit/git/test_repo.h"

namespace pgstate::git {
namespace {

bool IsSql(std::string_view path) {
  return path.size() > 4 && path.substr(path.size() - 4) == ".sql";
}

std::vector<std::string> Paths(const std::vector<FileContent>& files) {
  std::vector<std::string> out;
  for (const FileContent& f : files) out.push_back(f.path);
  return out;
}

class SnapshotTest : public ::testing::Test {
 protected:
  Repository Open() {
    auto repo = OpenRepository(repo_.path());
    EXPECT_TRUE(repo.ok());
    return repo.ok() ? std::move(*repo) : Repository();
  }
  std::string Read(git_repository* repo, const Source& source, const std::string& path) {
    auto content = ReadFile(repo, source, path);
    EXPECT_TRUE(content.ok()) << content.error().ToString();
    if (!content.ok()) return "<error>";
    return content->value_or("<absent>");
  }
  LibGit2Guard guard_;
  testing::TestRepo repo_;
};

TEST_F(SnapshotTest, EachSourceSeesItsOwnVersion) {
  repo_.Write("db/schema/a.sql", "committed\n");
  repo_.CommitAll("one");
  repo_.Write("db/schema/a.sql", "staged\n");
  repo_.Git("add db/schema/a.sql");
  repo_.Write("db/schema/a.sql", "on disk\n");
  Repository repo = Open();
  EXPECT_EQ(Read(repo.get(), Source::Revision("HEAD"), "db/schema/a.sql"), "committed\n");
  EXPECT_EQ(Read(repo.get(), Source::IndexOnly(), "db/schema/a.sql"), "staged\n");
  EXPECT_EQ(Read(repo.get(), Source::WorkTree(), "db/schema/a.sql"), "on disk\n");
  for (const Source& s : {Source::Revision("HEAD"), Source::IndexOnly(), Source::WorkTree()}) {
    EXPECT_EQ(Read(repo.get(), s, "db/schema/none.sql"), "<absent>") << s.Describe();
    EXPECT_EQ(Read(repo.get(), s, "db/schema"), "<absent>") << s.Describe();
  }
}

TEST_F(SnapshotTest, ReadsFilesMatchingThePredicateSortedByPath) {
  repo_.Write("db/schema/z.sql", "z\n");
  repo_.Write("db/schema/sub/b.sql", "b\n");
  repo_.Write("db/schema/notes.txt", "n\n");
  repo_.Write("db/migrations/20240101000000_x.sql", "m\n");
  repo_.Write("src/main.c", "int main;\n");
  repo_.CommitAll("one");
  repo_.Git("rm -q db/schema/z.sql");         // gone from the index and the work tree
  repo_.Write("db/schema/new.sql", "new\n");  // untracked, not ignored
  Repository repo = Open();

  auto head = ReadFiles(repo.get(), Source::Revision("HEAD"), IsSql);
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  EXPECT_EQ(Paths(*head), (std::vector<std::string>{"db/migrations/20240101000000_x.sql",
                                                    "db/schema/sub/b.sql", "db/schema/z.sql"}));
  EXPECT_EQ((*head)[1].content, "b\n");

  auto index = ReadFiles(repo.get(), Source::IndexOnly(), IsSql, {"db/schema"});
  ASSERT_TRUE(index.ok()) << index.error().ToString();
  EXPECT_EQ(Paths(*index), (std::vector<std::string>{"db/schema/sub/b.sql"}));

  auto work = ReadFiles(repo.get(), Source::WorkTree(), IsSql, {"db/schema/", "db/schema/sub"});
  ASSERT_TRUE(work.ok()) << work.error().ToString();
  EXPECT_EQ(Paths(*work), (std::vector<std::string>{"db/schema/new.sql", "db/schema/sub/b.sql"}));

  auto rooted = ReadFiles(repo.get(), Source::Revision("HEAD"), IsSql,
                          {"db/migrations", "db/missing", "db/schema/z.sql"});
  ASSERT_TRUE(rooted.ok()) << rooted.error().ToString();
  EXPECT_EQ(Paths(*rooted),
            (std::vector<std::string>{"db/migrations/20240101000000_x.sql", "db/schema/z.sql"}));
}

TEST_F(SnapshotTest, WorkTreeSkipsIgnoredUntrackedFilesAndSymlinks) {
  repo_.Write(".gitignore", "*.tmp.sql\nscratch/\n");
  repo_.Write("keep.tmp.sql", "tracked though ignored\n");
  repo_.Git("add -f keep.tmp.sql");
  repo_.Write("junk.tmp.sql", "ignored\n");
  repo_.Write("scratch/x.sql", "ignored dir\n");
  repo_.Write("real.sql", "real\n");
  std::filesystem::create_symlink("real.sql", repo_.path() + "/link.sql");
  Repository repo = Open();
  auto work = ReadFiles(repo.get(), Source::WorkTree(), IsSql);
  ASSERT_TRUE(work.ok()) << work.error().ToString();
  EXPECT_EQ(Paths(*work), (std::vector<std::string>{"keep.tmp.sql", "real.sql"}));
}

TEST_F(SnapshotTest, FlagsBinaryFiles) {
  repo_.Write("db/schema/blob.sql", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  repo_.Write("db/schema/text.sql", "CREATE TABLE t (id int);\n");
  repo_.CommitAll("one");
  Repository repo = Open();
  for (const Source& s : {Source::Revision("HEAD"), Source::IndexOnly(), Source::WorkTree()}) {
    auto files = ReadFiles(repo.get(), s, IsSql);
    ASSERT_TRUE(files.ok()) << files.error().ToString();
    ASSERT_EQ(files->size(), 2u) << s.Describe();
    EXPECT_TRUE((*files)[0].is_binary) << s.Describe();
    EXPECT_EQ((*files)[0].content.size(), 11u);
    EXPECT_FALSE((*files)[1].is_binary) << s.Describe();
  }
}

TEST_F(SnapshotTest, UnknownRevisionAndUnmergedIndexAreErrors) {
  repo_.Write("a.sql", "base\n");
  repo_.CommitAll("base");
  repo_.Git("checkout -q -b topic");
  repo_.Write("a.sql", "topic\n");
  repo_.CommitAll("topic");
  repo_.Git("checkout -q main");
  repo_.Write("a.sql", "main\n");
  repo_.CommitAll("main");
  std::string cmd = "cd '" + repo_.path() +
                    "' && git -c user.name=T -c user.email=t@e merge -q topic >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);  // conflicts
  Repository repo = Open();
  auto index = ReadFiles(repo.get(), Source::IndexOnly(), IsSql);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().message, "'a.sql' has unresolved merge conflicts");
  auto rev = ReadFiles(repo.get(), Source::Revision("nope"), IsSql);
  ASSERT_FALSE(rev.ok());
  EXPECT_EQ(rev.error().message, "unknown revision 'nope'");
}

TEST_F(SnapshotTest, HonoursGitIndexFile) {
  repo_.Write("a.sql", "one\n");
  repo_.CommitAll("one");
  repo_.Write("a.sql", "two\n");
  std::string alt = repo_.path() + "/.git/alt-index";
  repo_.Git("read-tree HEAD --index-output=.git/alt-index");
  std::string cmd = "cd '" + repo_.path() + "' && GIT_INDEX_FILE='" + alt + "' git add a.sql";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ::setenv("GIT_INDEX_FILE", alt.c_str(), 1);
  auto repo = OpenRepository(repo_.path());
  ::unsetenv("GIT_INDEX_FILE");
  ASSERT_TRUE(repo.ok()) << repo.error().ToString();
  EXPECT_EQ(Read(repo->get(), Source::IndexOnly(), "a.sql"), "two\n");
  Repository plain = Open();
  EXPECT_EQ(Read(plain.get(), Source::IndexOnly(), "a.sql"), "one\n");
}

TEST_F(SnapshotTest, BareRepositoryHasNoWorkTree) {
  repo_.Write("a.sql", "one\n");
  repo_.CommitAll("one");
  auto dir = core::ScopedTempDir::Create("pgstate-bare-");
  ASSERT_TRUE(dir.ok());
  repo_.Git("clone -q --bare . '" + dir->path() + "/bare.git'");
  auto repo = OpenRepository(dir->path() + "/bare.git");
  ASSERT_TRUE(repo.ok()) << repo.error().ToString();
  EXPECT_EQ(WorkTreeRoot(repo->get()), "");
  auto work = ReadFiles(repo->get(), Source::WorkTree(), IsSql);
  ASSERT_FALSE(work.ok());
  EXPECT_EQ(work.error().message, "a bare repository has no work tree");
  EXPECT_EQ(Read(repo->get(), Source::Revision("main"), "a.sql"), "one\n");
}

}  // namespace
}  // namespace pgstate::git
