#include "git/merge_file.h"

#include <gtest/gtest.h>

namespace pgstate::git {
namespace {

TEST(MergeFileTest, CleanMergeOfSeparateEdits) {
  auto r = MergeFile("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->conflicted());
  EXPECT_EQ(r->text, "A\nb\nc\nD\n");
}

TEST(MergeFileTest, ConflictWithLabelsMarkerSizeAndCount) {
  MergeFileOptions o;
  o.ours_label = "HEAD";
  o.theirs_label = "feature";
  o.marker_size = 3;
  // As git: conflicts fewer than four lines apart are one hunk.
  auto one = MergeFile("a\nb\nc\nd\ne\n", "1\nb\nc\nd\n5\n", "2\nb\nc\nd\n6\n", o);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->conflicts, 1);
  auto r = MergeFile("a\nb\nc\nd\nf\ne\n", "1\nb\nc\nd\nf\n5\n", "2\nb\nc\nd\nf\n6\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conflicts, 2);
  EXPECT_EQ(r->text,
            "<<< HEAD\n1\n===\n2\n>>> feature\nb\nc\nd\nf\n<<< HEAD\n5\n===\n6\n>>> feature\n");
}

TEST(MergeFileTest, Diff3AndZdiff3ShowTheBase) {
  MergeFileOptions o;
  o.style = ConflictStyle::kDiff3;
  auto r = MergeFile("x\n", "x\ny\n", "x\nz\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "x\n<<<<<<< ours\ny\n||||||| base\n=======\nz\n>>>>>>> theirs\n");
  o.style = ConflictStyle::kZdiff3;
  auto z = MergeFile("a\n", "s\nb\ne\n", "s\nc\ne\n", o);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->text, "s\n<<<<<<< ours\nb\n||||||| base\na\n=======\nc\n>>>>>>> theirs\ne\n");
}

TEST(MergeFileTest, ParseConflictStyleAsGit) {
  EXPECT_EQ(ParseConflictStyle("diff3"), ConflictStyle::kDiff3);
  EXPECT_EQ(ParseConflictStyle("zDiff3"), ConflictStyle::kZdiff3);
  EXPECT_EQ(ParseConflictStyle("merge"), ConflictStyle::kMerge);
  EXPECT_EQ(ParseConflictStyle("diff4"), std::nullopt);
}

TEST(MergeFileTest, CountConflictMarkersNeedsTheExactLength) {
  EXPECT_EQ(CountConflictMarkers("<<<<<<< a\nx\n<<<<<<<<\n<<<<<<<\n<<<<<<<x\n", 7), 2);
  EXPECT_EQ(CountConflictMarkers("<<<<<<<<<< a\n", 10), 1);
}

}  // namespace
}  // namespace pgstate::git
