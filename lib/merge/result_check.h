#pragma once
// merge/result_check: what every merge result must satisfy, checked by the tests on each merge
// they perform and by the corpus replay: nothing from either side silently dropped, nothing
// duplicated or made up, a clean result that parses.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstate::merge {

/// The two readings of a text with conflict markers of `marker_size`: every conflict resolved
/// to ours' section, and every conflict resolved to theirs'. A text without markers gives
/// itself twice.
std::pair<std::string, std::string> ResolveConflicts(std::string_view text, int marker_size);

/// Problems of `result` as the merge of `ours` and `theirs` from `base`, one line each:
///  - "lost 'table public.x'": an object key (statement or element: column, constraint, label,
///    row) of ours or theirs, not deleted by either side, that is neither in the result nor in
///    one of its conflicts (there found by kind and name alone: each reading of a conflict
///    mixes both sides' search_path settings);
///  - "duplicated 'index public.i'": a key every input has at most once, twice in the result;
///  - "invented …": a clean result's statement or element that no input has;
///  - "clean result does not parse: …".
/// Empty when all is well, and when an input does not parse (then the merge was textual).
std::vector<std::string> CheckMergeResult(std::string_view base, std::string_view ours,
                                          std::string_view theirs, std::string_view result,
                                          int marker_size = 7);

/// The statements of `text` for comparing files by meaning, as a sorted multiset of hashes:
/// the canonical hash of each statement, ignoring whitespace, comments and keyword case; for a
/// statement with elements its key and its elements' hashes in any order (which of two added
/// columns comes first is a free choice); the rows of INSERT … VALUES lists one by one (one
/// INSERT per row or one for all of them is the same data); psql \restrict lines (a random
/// key) left out.
/// nullopt when `text` does not parse.
std::optional<std::vector<uint64_t>> StatementSignatures(std::string_view text);

}  // namespace pgstate::merge
