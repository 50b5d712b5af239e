#include "core/error.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/temp_dir.h"

#include <sys/stat.h>
#include <unistd.h>

namespace pgstate::core {
namespace {

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = 42;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  Result<int> bad = Error(kExitBadInput, "cannot parse 'x.sql'", SourceLocation{"x.sql", 3, 7});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ToString(), "x.sql:3:7: cannot parse 'x.sql'");
  EXPECT_EQ(bad.error().code, kExitBadInput);
}

TEST(FileTest, AtomicWriteReplacesAndKeepsMode) {
  auto dir = ScopedTempDir::Create("pgstate-test-");
  ASSERT_TRUE(dir.ok());
  std::string path = dir->path() + "/a.sql";
  ASSERT_TRUE(WriteFileAtomic(path, "one").ok());
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "two").ok());
  auto content = ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "two");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FileTest, ReadMissingFileNamesIt) {
  auto r = ReadFile("/nonexistent/pgstate.sql");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot open '/nonexistent/pgstate.sql': No such file or directory");
}

TEST(TempDirTest, RemovedOnDestruction) {
  std::string path;
  {
    auto dir = ScopedTempDir::Create();
    ASSERT_TRUE(dir.ok());
    path = dir->path();
    ASSERT_TRUE(WriteFileAtomic(path + "/f", "x").ok());
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace pgstate::core
