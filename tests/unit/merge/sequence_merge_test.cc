#include "merge/sequence_merge.h"

#include <gtest/gtest.h>

namespace pgstate::merge {
namespace {

// Units from a compact spec: "a b:2 c" = ids a, b (meaning 2), c; meaning defaults to 1.
std::vector<Unit> Units(const std::string& spec) {
  std::vector<Unit> out;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(' ', pos);
    if (end == std::string::npos) end = spec.size();
    std::string tok = spec.substr(pos, end - pos);
    pos = end + 1;
    if (tok.empty()) continue;
    Unit u;
    size_t colon = tok.find(':');
    u.id = tok.substr(0, colon);
    u.meaning = colon == std::string::npos ? 1 : std::stoull(tok.substr(colon + 1));
    u.bytes = u.meaning;
    out.push_back(u);
  }
  return out;
}

// "o:a t:b B:c ..." rendering of a merge: which side each place comes from.
std::string Render(const std::string& base, const std::string& ours, const std::string& theirs,
                   SequenceMergeOptions options = {}, int* replaced = nullptr) {
  std::vector<Unit> b = Units(base), o = Units(ours), t = Units(theirs);
  SequenceMergeResult r = MergeSequences(b, o, t, MatchUnits(b, o), MatchUnits(b, t), options);
  if (replaced) *replaced = r.replaced_differently;
  std::string out;
  for (const Entry& e : r.entries) {
    if (!out.empty()) out += ' ';
    switch (e.outcome) {
      case Outcome::kOurs:
        out += "o:" + o[static_cast<size_t>(e.ours)].id;
        break;
      case Outcome::kTheirs:
        out += "t:" + t[static_cast<size_t>(e.theirs)].id;
        break;
      case Outcome::kBothChanged:
        out += "CHANGED:" + b[static_cast<size_t>(e.base)].id;
        break;
      case Outcome::kDeleteChange:
        out += "DELETE-CHANGE:" + b[static_cast<size_t>(e.base)].id;
        break;
      case Outcome::kBothAdded:
        out += "ADDED:" + o[static_cast<size_t>(e.ours)].id;
        break;
    }
  }
  return out;
}

TEST(AlignIdsTest, LongestCommonSubsequenceWithRepeats) {
  // x y x y z vs x z: x pairs with the first x, z with z.
  auto pairs = AlignIds({1, 2, 1, 2, 3}, {1, 3});
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], std::make_pair(0, 0));
  EXPECT_EQ(pairs[1], std::make_pair(4, 1));
  EXPECT_TRUE(AlignIds({}, {1}).empty());
}

TEST(MatchUnitsTest, RepeatedIdsPairWithTheirNeighboursAndMovesStillMatch) {
  std::vector<Unit> a = Units("s t1 s t2 m");
  std::vector<Unit> b = Units("m s t1 s tx s t2");
  std::vector<int> match = MatchUnits(a, b);
  EXPECT_EQ(match, (std::vector<int>{1, 2, 3, 6, 0}));
  // Fixed pairs are kept even against the alignment.
  std::vector<int> fixed = MatchUnits(Units("a b"), Units("b a"), {{0, 1}});
  EXPECT_EQ(fixed, (std::vector<int>{1, 0}));
}

TEST(MergeSequencesTest, OneSidedEdits) {
  EXPECT_EQ(Render("a b c", "a b c", "a b:2 c"), "o:a t:b o:c");
  EXPECT_EQ(Render("a b c", "a b:2 c", "a b c"), "o:a o:b o:c");
  EXPECT_EQ(Render("a b c", "a c", "a b c"), "o:a o:c");
  EXPECT_EQ(Render("a b c", "a b c", "a c"), "o:a o:c");
}

TEST(MergeSequencesTest, ConflictsOnlyWhereBothDiffer) {
  EXPECT_EQ(Render("a b c", "a b:2 c", "a b:3 c"), "o:a CHANGED:b o:c");
  EXPECT_EQ(Render("a b c", "a b:2 c", "a b:2 c"), "o:a o:b o:c");
  EXPECT_EQ(Render("a b c", "a c", "a b:3 c"), "o:a DELETE-CHANGE:b o:c");
  EXPECT_EQ(Render("a b c", "a b:3 c", "a c"), "o:a DELETE-CHANGE:b o:c");
  EXPECT_EQ(Render("a", "a n:1", "a n:2"), "o:a ADDED:n");
  EXPECT_EQ(Render("a", "a n:1", "a n:1"), "o:a o:n");
}

TEST(MergeSequencesTest, TheirsAdditionsFollowTheirNeighbourAfterOurs) {
  EXPECT_EQ(Render("a z", "a x z", "a y z"), "o:a o:x t:y o:z");
  EXPECT_EQ(Render("a z", "a z x", "a z y1 y2"), "o:a o:z o:x t:y1 t:y2");
  // Nothing before it survived: before the item it precedes.
  EXPECT_EQ(Render("a z", "z", "y a z"), "t:y o:z");
  // Theirs changed what ours deleted: the conflict sits where theirs has it.
  EXPECT_EQ(Render("a b z", "a z", "a b:2 z"), "o:a DELETE-CHANGE:b o:z");
}

TEST(MergeSequencesTest, RepeatableAdditionsStayWithTheirNeighbours) {
  auto merge = [](const std::string& base, const std::string& ours, const std::string& theirs) {
    std::vector<Unit> b = Units(base), o = Units(ours), t = Units(theirs);
    for (auto* v : {&b, &o, &t}) {
      for (Unit& u : *v) u.repeatable = u.id == "s";
    }
    return MergeSequences(b, o, t, MatchUnits(b, o), MatchUnits(b, t)).entries.size();
  };
  EXPECT_EQ(merge("s a z", "s a s c z", "s a z s x"), 7u);  // s a s c z s x
  EXPECT_EQ(merge("s a", "s a s c", "s a s x"), 5u);        // added at the same place: once
}

TEST(MergeSequencesTest, ReplacementConflicts) {
  SequenceMergeOptions options;
  options.replacement_conflicts = true;
  int replaced = -1;
  Render("id last", "id last_a", "id last_b", options, &replaced);
  EXPECT_EQ(replaced, 1);
  Render("id last", "id last_a", "id last_a", options, &replaced);
  EXPECT_EQ(replaced, -1);
  Render("id last x", "id last_a x", "id last x y", options, &replaced);
  EXPECT_EQ(replaced, -1);
}

TEST(MergeSequencesTest, OursWinsForMeaninglessDifferences) {
  std::vector<Unit> b = Units("r:1 a"), o = Units("r:2 a"), t = Units("r:3 a");
  o[0].ours_wins = true;
  SequenceMergeResult r = MergeSequences(b, o, t, MatchUnits(b, o), MatchUnits(b, t));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].outcome, Outcome::kOurs);
}

}  // namespace
}  // namespace pgstate::merge
