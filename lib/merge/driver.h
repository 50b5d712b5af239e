#pragma once
// merge/driver: pgstate-merge, git's merge driver protocol around MergeSchemaText.
//
// git runs the driver as configured by `pgstate init`:
//   pgstate-merge --marker-size %L --ancestor-label %S --ours-label %X --theirs-label %Y %O %A %B
//   %P
// and reads the result from %A. Exit status: 0 clean; 1..127 conflicted (the number of
// conflicts, capped at 127); 255 when nothing could be merged, with %A untouched. git up to
// 2.40 reads any non-zero status as "conflicted" and git 2.41 and later reads a status above
// 128 as "the driver failed": either way 255 never passes for a clean merge.
//
// git before 2.44 does not know %S %X %Y and passes them through unexpanded; such a label (or
// an empty one) is replaced by a guess: "HEAD" for ours, the branch `git merge` names in its
// GITHEAD_<oid> variable for theirs, "base" for the ancestor. Labels not given at all (a direct
// call, `pgstate merge base ours theirs`) are the file names, as `git merge-file` does.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "git/libgit2.h"
#include "git/merge_file.h"

namespace pgstate::merge {

struct MergeDriverOptions {
  std::string base_file;    ///< %O
  std::string ours_file;    ///< %A: read, then replaced by the result
  std::string theirs_file;  ///< %B
  std::string path;         ///< %P: the file's path in the repository; default ours_file
  int marker_size = 7;      ///< %L
  std::optional<std::string> ancestor_label;  ///< %S
  std::optional<std::string> ours_label;      ///< %X
  std::optional<std::string> theirs_label;    ///< %Y
  /// Default: merge.conflictStyle of the repository in the current directory (or the user's
  /// git config), else "merge".
  std::optional<git::ConflictStyle> style;
  bool to_stdout = false;  ///< return the result instead of writing ours_file
};

struct DriverOutcome {
  int exit_code = 0;
  std::string stdout_text;            ///< the result, with to_stdout
  std::vector<std::string> warnings;  ///< for stderr
  std::optional<core::Error> error;   ///< for stderr; exit_code is 255
};

/// Reads the three files, merges them (object by object unless PGSTATE_MERGE=text) and writes
/// the result over ours_file through a temporary file and a rename. Columns and enum labels
/// both sides add at one place go in the order of the versions of the migrations that add
/// them (MergeOptions::addition_version), read from the two commits git is merging
/// (MergedCommits) in the repository of the current directory.
DriverOutcome RunMergeDriver(const MergeDriverOptions& options);

/// The two commits git merges when it runs a merge driver, as full or abbreviated ids: ours is
/// HEAD; theirs is the commit `git merge` names in its GITHEAD_<oid> variable, or the commit a
/// rebase is picking (the last line of rebase-merge/done, or REBASE_HEAD of the apply backend).
/// Empty where git does not say (a cherry-pick, a revert: theirs is unknown).
struct MergedCommits {
  std::string ours;
  std::string theirs;
};
MergedCommits FindMergedCommits(git_repository* repo);

/// The conflict style configured for the repository containing `dir` (merge.conflictStyle),
/// falling back to the user's and the system's git config; kMerge when unset or unknown.
git::ConflictStyle ConfiguredConflictStyle(const std::string& dir);

/// The label to write for one side: `given` if it is a real label; a guess when it is empty or
/// an unexpanded placeholder ("%X"); `file` when no label was given at all.
std::string ResolveLabel(const std::optional<std::string>& given, const std::string& file,
                         const std::string& guess);

/// Theirs' label when git does not pass one: the value of the single GITHEAD_<oid> variable
/// `git merge` exports (the branch name the user typed), else "theirs".
std::string GuessTheirsLabel();

}  // namespace pgstate::merge
