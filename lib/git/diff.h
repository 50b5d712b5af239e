#pragma once
// File-level differences between two snapshots of a repository (git/snapshot.h): two commits,
// a commit and the index, the index and the work tree, or a commit and the work tree.
//
// This is `git diff --name-status -M` through libgit2, plus the content of both sides of every
// changed file, restricted to a pathspec so a large repository costs only what the paths cost.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "git/libgit2.h"
#include "git/snapshot.h"

namespace pgstate::git {

enum class FileStatus { kAdded, kDeleted, kModified, kRenamed };

/// "added", "deleted", "modified", "renamed".
const char* FileStatusName(FileStatus status);

/// One changed file. A side that does not exist (added: old; deleted: new) has no content.
struct FileDiff {
  FileStatus status = FileStatus::kModified;
  std::string old_path;  ///< path on the "from" side (equal to new_path unless renamed)
  std::string new_path;  ///< path on the "to" side
  std::optional<std::string> old_content;
  std::optional<std::string> new_content;
  bool old_binary = false;  ///< git::IsBinaryContent(old_content)
  bool new_binary = false;
  int similarity = 0;  ///< for renames, 0–100 as git reports it
};

struct DiffOptions {
  /// git pathspecs ("db/schema", "db/baseline.sql"): only these paths are compared. Empty =
  /// everything.
  std::vector<std::string> pathspec;
  /// Optional further filter; a file is kept when either of its paths satisfies it.
  PathPredicate predicate;
  /// Diffs that end at the work tree: include untracked files that are not ignored (as added).
  bool include_untracked = false;
  /// Pair deletions with additions of similar content (git's -M, 50% similarity).
  bool detect_renames = true;
};

/// The changes that turn `from` into `to`, sorted by new path (old path for deletions).
/// Supported pairs: revision→revision, revision→index, index→work tree, revision→work tree.
/// A revision spec "" is the empty tree; "HEAD" on a branch with no commit yet is too.
/// Symbolic links and submodules are not files: a side holding one counts as absent.
/// Errors: unknown revisions, an unsupported pair, a path with unresolved merge conflicts
/// ("'db/schema/a.sql' has unresolved merge conflicts"), unreadable blobs or files.
core::Result<std::vector<FileDiff>> DiffFiles(git_repository* repo, const Source& from,
                                              const Source& to, const DiffOptions& options);

/// What `pgstate changes` (and `git diff`) compares, with the labels the user typed.
struct DiffRange {
  Source from;
  Source to;
  std::string from_label;  ///< "HEAD", "main", "merge-base of main and topic", "the index"
  std::string to_label;
  /// --worktree: new files not yet added count too (DiffOptions::include_untracked).
  bool include_untracked = false;
};

/// Turns `git diff`-style arguments into a DiffRange:
///   (none)            index → work tree
///   A                 A → work tree
///   A B, A..B         A → B       (an empty side of ".." is HEAD)
///   A...B             merge-base(A, B) → B
///   --staged [A]      A (default HEAD) → index
///   --worktree [A]    A (default HEAD) → work tree, untracked files included by the caller
/// Revisions are resolved here to full commit ids, so an unknown one fails early:
/// "unknown revision 'HEAD~9'" (kExitBadInput). Wrong combinations are kExitUsage:
/// "--staged and --worktree cannot be combined", "--staged takes at most one revision",
/// "too many revisions: 'a', 'b', 'c'", "a range cannot be combined with --staged".
core::Result<DiffRange> ParseDiffRange(git_repository* repo, const std::vector<std::string>& revs,
                                       bool staged, bool worktree);

}  // namespace pgstate::git
