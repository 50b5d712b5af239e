#include "db/binaries.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/temp_dir.h"
#include "db_test_support.h"

namespace pgstate::db {
namespace {

// A fake server directory: initdb and postgres scripts, postgres reporting `version`.
void FakeServer(const std::string& dir, const std::string& version) {
  ASSERT_EQ(::system(("mkdir -p '" + dir + "'").c_str()), 0);
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/initdb", "#!/bin/sh\nexit 0\n").ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/postgres",
                                    "#!/bin/sh\necho 'postgres (PostgreSQL) " + version + "'\n")
                  .ok());
  ASSERT_EQ(::chmod((dir + "/initdb").c_str(), 0755), 0);
  ASSERT_EQ(::chmod((dir + "/postgres").c_str(), 0755), 0);
}

class BinariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::Result<core::ScopedTempDir> dir = core::ScopedTempDir::Create("pgstate-binaries-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<core::ScopedTempDir>(std::move(*dir));
  }
  std::string Path(const std::string& rel) const { return dir_->path() + "/" + rel; }
  std::unique_ptr<core::ScopedTempDir> dir_;
};

TEST_F(BinariesTest, FindsVersionsOnPathAndUnderTheLibraryRoot) {
  FakeServer(Path("opt/pg17/bin"), "17.2");
  FakeServer(Path("lib/13/bin"), "13.9");
  FakeServer(Path("lib/16/bin"), "16.4");
  BinarySearch search;
  search.path = Path("opt/pg17/bin") + ":" + Path("nothing");
  search.lib_root = Path("lib");

  std::vector<PostgresBinaries> all = ListPostgresBinaries(search);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].bindir, Path("opt/pg17/bin"));
  EXPECT_EQ(all[0].version, "17.2");  // asked postgres --version
  EXPECT_EQ(all[1].bindir, Path("lib/16/bin"));
  EXPECT_EQ(all[1].version, "16");  // the path says which major version it is
  EXPECT_EQ(all[2].major, 13);

  core::Result<PostgresBinaries> newest = FindPostgresBinaries(search);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->major, 17);

  search.major = 13;
  core::Result<PostgresBinaries> pinned = FindPostgresBinaries(search);
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->bindir, Path("lib/13/bin"));
}

TEST_F(BinariesTest, ADirectoryWithoutInitdbDoesNotCount) {
  FakeServer(Path("lib/15/bin"), "15.1");
  ASSERT_EQ(::unlink(Path("lib/15/bin/initdb").c_str()), 0);
  BinarySearch search;
  search.path = "";
  search.lib_root = Path("lib");
  EXPECT_TRUE(ListPostgresBinaries(search).empty());
}

TEST_F(BinariesTest, MissingVersionSaysWhatWasSearchedAndHowToInstall) {
  FakeServer(Path("lib/14/bin"), "14.1");
  BinarySearch search;
  search.path = "";
  search.lib_root = Path("lib");
  search.major = 16;
  core::Result<PostgresBinaries> r = FindPostgresBinaries(search);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::kExitEnvironment);
  EXPECT_EQ(r.error().message,
            "cannot find the PostgreSQL 16 server binaries (initdb, postgres): looked in "
            "'pg_config --bindir', PATH and '" +
                Path("lib") + "/16/bin' and found only version 14 in '" + Path("lib/14/bin") +
                "'; install them, e.g. 'apt-get install postgresql-16'");
}

TEST_F(BinariesTest, NoServerAtAll) {
  BinarySearch search;
  search.path = "";
  search.lib_root = Path("lib");
  core::Result<PostgresBinaries> r = FindPostgresBinaries(search);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "cannot find the PostgreSQL server binaries (initdb, postgres): looked in "
            "'pg_config --bindir', PATH and '" +
                Path("lib") + "/*/bin'; install them, e.g. 'apt-get install postgresql'");
}

TEST(BinariesMachineTest, FindsTheInstalledServer) {
  PGSTATE_SKIP_WITHOUT_POSTGRES();
  core::Result<PostgresBinaries> b = FindPostgresBinaries();
  ASSERT_TRUE(b.ok());
  EXPECT_GE(b->major, 10);
  EXPECT_TRUE(testing::Exists(b->Tool("initdb")));
  EXPECT_TRUE(testing::Exists(b->Tool("postgres")));
}

}  // namespace
}  // namespace pgstate::db
