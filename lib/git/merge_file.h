#pragma once
// git/merge_file: git's own line-based three-way merge of three texts, through libgit2's
// git_merge_file. The merge driver's textual fallback, and the way it renders a conflict inside
// one object with git's markers.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace pgstate::git {

/// How a conflict is written, as git's `merge.conflictStyle`.
enum class ConflictStyle {
  kMerge,   ///< ours and theirs only
  kDiff3,   ///< ours, the base between `|||||||` markers, theirs
  kZdiff3,  ///< diff3 with the lines common to both sides moved out of the conflict
};

/// Initializes libgit2 for the rest of the process on first call. Its set-up (TLS certificates)
/// costs milliseconds, which a merge that never needs libgit2 should not pay; everything in this
/// file and the merge driver calls it before using libgit2.
void InitLibGit2Once();

/// "merge", "diff3" or "zdiff3" (case-insensitive, as git); nullopt for anything else.
std::optional<ConflictStyle> ParseConflictStyle(std::string_view value);

struct MergeFileOptions {
  std::string ancestor_label = "base";  ///< after `|||||||` (diff3 and zdiff3 only)
  std::string ours_label = "ours";      ///< after `<<<<<<<`
  std::string theirs_label = "theirs";  ///< after `>>>>>>>`
  int marker_size = 7;                  ///< length of the conflict markers; git's %L
  ConflictStyle style = ConflictStyle::kMerge;
};

struct MergeFileResult {
  std::string text;   ///< the merged text, with conflict markers where it conflicted
  int conflicts = 0;  ///< number of conflict hunks written (0 when clean)
  bool conflicted() const { return conflicts > 0; }
};

/// Merges `ours` and `theirs`, both edited from `base`, line by line exactly as
/// `git merge-file` (and git's built-in text merge) does. Fails only when libgit2 does (out of
/// memory); a conflict is not an error.
core::Result<MergeFileResult> MergeFile(std::string_view base, std::string_view ours,
                                        std::string_view theirs, const MergeFileOptions& options);

/// Number of conflict hunks in `text`: lines made of exactly `marker_size` '<' followed by a
/// space or the end of the line.
int CountConflictMarkers(std::string_view text, int marker_size);

}  // namespace pgstate::git
