// Golden merges: tests/data/merge/<topic>/working/<case>/{Base,Ours,Theirs,Expected}.sql, and
// known gaps in tests/data/merge/<topic>/failing/<case>/ with ExpectedCurrently.sql (what the
// merge gives today) and ExpectedIdeally.sql (what it should give). A case whose name ends in
// "-diff3" is merged with merge.conflictStyle=diff3. UPDATE_GOLDEN=1 rewrites Expected.sql and
// ExpectedCurrently.sql from the current results.

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/file.h"
#include "merge_testing.h"

namespace pgstate::merge {
namespace {

using testing::CheckedMerge;
using testing::DataDir;
using testing::ReadOrEmpty;

std::vector<std::string> Subdirs(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      struct stat st {};
      if (n[0] != '.' && ::stat((dir + "/" + n).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        names.push_back(n);
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool Updating() {
  const char* u = std::getenv("UPDATE_GOLDEN");
  return u != nullptr && std::string(u) == "1";
}

std::string Merge(const std::string& dir, const std::string& name) {
  bool diff3 = name.size() > 6 && name.compare(name.size() - 6, 6, "-diff3") == 0;
  MergeOptions options =
      testing::TestOptions(diff3 ? git::ConflictStyle::kDiff3 : git::ConflictStyle::kMerge);
  MergeResult r = CheckedMerge(ReadOrEmpty(dir + "/Base.sql"), ReadOrEmpty(dir + "/Ours.sql"),
                               ReadOrEmpty(dir + "/Theirs.sql"), options);
  EXPECT_TRUE(r.warnings.empty()) << testing::JoinLines(r.warnings);
  return r.text;
}

TEST(GoldenTest, WorkingCasesGiveTheExpectedMerge) {
  std::string root = DataDir() + "/merge";
  int cases = 0;
  for (const std::string& topic : Subdirs(root)) {
    std::string working = root + "/" + topic + "/working";
    for (const std::string& name : Subdirs(working)) {
      SCOPED_TRACE(topic + "/working/" + name);
      std::string dir = working + "/" + name;
      std::string got = Merge(dir, name);
      ++cases;
      if (Updating()) {
        ASSERT_TRUE(core::WriteFileAtomic(dir + "/Expected.sql", got).ok());
        continue;
      }
      EXPECT_EQ(got, ReadOrEmpty(dir + "/Expected.sql"));
    }
  }
  EXPECT_GT(cases, 0) << "no golden cases under '" << root << "'";
}

TEST(GoldenTest, KnownGapsStayAsRecorded) {
  std::string root = DataDir() + "/merge";
  for (const std::string& topic : Subdirs(root)) {
    std::string failing = root + "/" + topic + "/failing";
    for (const std::string& name : Subdirs(failing)) {
      SCOPED_TRACE(topic + "/failing/" + name);
      std::string dir = failing + "/" + name;
      std::string got = Merge(dir, name);
      if (Updating()) {
        ASSERT_TRUE(core::WriteFileAtomic(dir + "/ExpectedCurrently.sql", got).ok());
        continue;
      }
      EXPECT_EQ(got, ReadOrEmpty(dir + "/ExpectedCurrently.sql"));
      EXPECT_NE(got, ReadOrEmpty(dir + "/ExpectedIdeally.sql"))
          << "this gap is closed: move the case to working/ with ExpectedIdeally.sql as "
             "Expected.sql";
    }
  }
}

}  // namespace
}  // namespace pgstate::merge
