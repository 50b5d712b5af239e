#pragma once
// merge/sequence_merge: the three-way merge of two edited versions of a sequence whose items
// have an identity. Used twice: for the top-level statements of a schema file (identity: the
// object key) and for the elements of one statement (columns and constraints of CREATE TABLE,
// enum labels, rows of an INSERT).
//
// Items are matched by identity, not by position: along the longest common subsequence first
// (so repeated identities such as `SET default_tablespace = ''` pair with their neighbours),
// then any leftover items with equal identity in order (an item that moved).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgstate::merge {

/// One item of a sequence as the merge sees it.
struct Unit {
  std::string id;        ///< identity: what the item defines ("table public.users", …)
  uint64_t meaning = 0;  ///< equal for items that mean the same (canonical hash)
  uint64_t bytes = 0;    ///< equal for byte-identical items
  /// When both sides changed it differently, ours wins without a conflict (pg_dump's random
  /// `\restrict` key, which means nothing).
  bool ours_wins = false;
  /// May legitimately occur many times (a SET, BEGIN): when both sides add one, each side's
  /// copy stays with its own neighbours instead of pairing up as "the same object added twice".
  bool repeatable = false;
};

/// For each item of `a`, the index of its match in `b` or -1. `fixed` pairs (a index, b index)
/// are taken as given and must be increasing in both.
std::vector<int> MatchUnits(const std::vector<Unit>& a, const std::vector<Unit>& b,
                            const std::vector<std::pair<int, int>>& fixed = {});

/// Matches of `a` in `b` along the longest common subsequence of equal identities only (no
/// moves): pairs (a index, b index), increasing in both.
std::vector<std::pair<int, int>> AlignIds(const std::vector<int>& a, const std::vector<int>& b);

/// What the merge decided for one place of the result.
enum class Outcome {
  kOurs,          ///< ours' item (unchanged, changed only by ours, changed alike, or added)
  kTheirs,        ///< theirs' item (changed only by theirs, or added by theirs)
  kBothChanged,   ///< both sides changed it, differently: the caller merges deeper or conflicts
  kDeleteChange,  ///< one side deleted it, the other changed it: a conflict
  kBothAdded,     ///< both sides added the same identity with different content: a conflict
};

/// One place of the result, in result order. Indexes are -1 where the side has no such item.
struct Entry {
  Outcome outcome = Outcome::kOurs;
  int base = -1;
  int ours = -1;
  int theirs = -1;
};

struct SequenceMergeOptions {
  /// Report a conflict when both sides deleted an item and each put different new items in its
  /// place (both renamed one column, differently) instead of keeping both replacements.
  bool replacement_conflicts = false;
};

struct SequenceMergeResult {
  std::vector<Entry> entries;
  /// Set by SequenceMergeOptions::replacement_conflicts: base index of an item both sides
  /// replaced differently, or -1.
  int replaced_differently = -1;
};

/// Three-way merge of sequences. `base_to_ours`/`base_to_theirs` come from MatchUnits. The
/// result keeps ours' order; an item that only theirs has lands after the item it follows in
/// theirs (after ours' own additions at that place), or before the item it precedes when
/// nothing before it survived.
SequenceMergeResult MergeSequences(const std::vector<Unit>& base, const std::vector<Unit>& ours,
                                   const std::vector<Unit>& theirs,
                                   const std::vector<int>& base_to_ours,
                                   const std::vector<int>& base_to_theirs,
                                   const SequenceMergeOptions& options = {});

/// Where items both sides add at one place go, when their order matters (columns, enum
/// labels): in each run of consecutive entries added by either side that holds additions of
/// both, the entries `rank` gives a value are put in increasing order of it (stable), in the
/// places such entries held; the other entries (constraints) stay where they are. Runs of one
/// side's additions alone keep that side's order. Returns true when anything moved.
bool OrderConcurrentAdditions(std::vector<Entry>& entries,
                              const std::function<std::optional<std::string>(const Entry&)>& rank);

}  // namespace pgstate::merge
