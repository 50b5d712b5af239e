#pragma once
// A snapshot of a repository's files: the work tree, the index, or one commit's tree.
//
// This is how commands read "the schema as of X": `pgstate check --staged` reads the index,
// `pgstate verify --rev main` a commit, and the default is the work tree. Only libgit2 is used.
// Paths are repository-relative with forward slashes. Symbolic links and submodules are not
// files here and are skipped.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "git/libgit2.h"

namespace pgstate::git {

enum class SourceKind { kWorkTree, kIndex, kRevision };

/// Which version of the files to read.
struct Source {
  SourceKind kind = SourceKind::kWorkTree;
  std::string revision;  ///< for kRevision: any revision git understands ("HEAD~2", a sha)

  static Source WorkTree() { return {SourceKind::kWorkTree, {}}; }
  static Source IndexOnly() { return {SourceKind::kIndex, {}}; }
  static Source Revision(std::string rev) { return {SourceKind::kRevision, std::move(rev)}; }

  /// "the work tree", "the index", "revision 'HEAD~2'": for messages.
  std::string Describe() const;
};

struct FileContent {
  std::string path;  ///< repository-relative, forward slashes
  std::string content;
  bool is_binary = false;  ///< IsBinaryContent(content): git's NUL-in-the-first-8000-bytes rule
};

/// Decides which repository-relative paths to read.
using PathPredicate = std::function<bool(std::string_view path)>;

/// Every file of `source` whose path satisfies `predicate`, sorted by path.
///
/// `roots` (repository-relative directories or files, optional) only bound where to look, to
/// keep a large repository fast; the predicate still decides. The work tree holds the files on
/// disk that are tracked or not ignored. The index holds stage-0 entries; a path with unresolved
/// conflicts is an error ("'db/schema/a.sql' has unresolved merge conflicts").
/// Errors: unknown revision, a bare repository asked for its work tree, unreadable files.
core::Result<std::vector<FileContent>> ReadFiles(git_repository* repo, const Source& source,
                                                 const PathPredicate& predicate,
                                                 const std::vector<std::string>& roots = {});

/// One file of `source`; nullopt when it does not exist there.
core::Result<std::optional<std::string>> ReadFile(git_repository* repo, const Source& source,
                                                  const std::string& path);

}  // namespace pgstate::git
