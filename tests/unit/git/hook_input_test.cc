#include "git/hook_input.h"

#include <gtest/gtest.h>

namespace pgstate::git {
namespace {

const std::string kA(40, 'a');
const std::string kB = "0123456789abcdef0123456789abcdef01234567";

TEST(PrePushInput, ParsesUpdatesNewBranchesAndDeletions) {
  std::string zero = ZeroOid(40);
  std::string text = "refs/heads/main " + kA + " refs/heads/main " + kB + "\n" +
                     "refs/heads/topic " + kB + " refs/heads/topic " + zero + "\n\n" + "(delete) " +
                     zero + " refs/heads/old " + kA + "\n";
  auto updates = ParsePrePushLines(text, 40);
  ASSERT_TRUE(updates.ok()) << updates.error().ToString();
  ASSERT_EQ(updates->size(), 3u);
  const PushUpdate& u = (*updates)[0];
  EXPECT_EQ(u.local_ref, "refs/heads/main");
  EXPECT_EQ(u.local_oid, kA);
  EXPECT_EQ(u.remote_ref, "refs/heads/main");
  EXPECT_EQ(u.remote_oid, kB);
  EXPECT_FALSE(u.is_deletion);
  EXPECT_FALSE(u.is_new_branch);
  EXPECT_TRUE((*updates)[1].is_new_branch);
  EXPECT_FALSE((*updates)[1].is_deletion);
  EXPECT_TRUE((*updates)[2].is_deletion);
  EXPECT_EQ((*updates)[2].local_ref, "(delete)");
}

TEST(PrePushInput, EmptyInputHasNoUpdates) {
  auto updates = ParsePrePushLines("", 40);
  ASSERT_TRUE(updates.ok());
  EXPECT_TRUE(updates->empty());
}

TEST(PrePushInput, ZeroOidLengthFollowsTheHash) {
  std::string a64(64, 'a');
  std::string text = "refs/heads/x " + a64 + " refs/heads/x " + ZeroOid(64) + "\n";
  auto updates = ParsePrePushLines(text, 64);
  ASSERT_TRUE(updates.ok()) << updates.error().ToString();
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_TRUE((*updates)[0].is_new_branch);
  // A SHA-1 zero oid in a SHA-256 repository is not "no object": the line is malformed.
  auto wrong = ParsePrePushLines("refs/heads/x " + a64 + " refs/heads/x " + ZeroOid(40), 64);
  ASSERT_FALSE(wrong.ok());
}

TEST(PrePushInput, MalformedLineIsAnError) {
  std::string text = "refs/heads/main " + kA + " refs/heads/main " + kB + "\r\n" +
                     "refs/heads/main " + kA + " refs/heads/main\n";
  auto updates = ParsePrePushLines(text, 40);
  ASSERT_FALSE(updates.ok());
  EXPECT_EQ(updates.error().code, core::kExitBadInput);
  EXPECT_EQ(updates.error().message,
            "malformed pre-push input line 2: 'refs/heads/main " + kA + " refs/heads/main'");
  EXPECT_FALSE(ParsePrePushLines("a " + kA + " b xyz" + kB.substr(3), 40).ok());
}

}  // namespace
}  // namespace pgstate::git
