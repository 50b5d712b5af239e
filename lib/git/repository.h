#pragma once
// git/: the repository a command runs in, and the revisions, trees and blobs it reads.
//
// Everything goes through libgit2; nothing here starts a `git` process. Functions take a
// borrowed `git_repository*` (owned by the caller's git::Repository). Failures a user can cause
// (not a repository, an unknown revision, a missing object) are Errors with kExitBadInput whose
// message names the subject: "unknown revision 'HEAD~9'".

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "git/libgit2.h"

namespace pgstate::git {

/// Opens the repository containing `path` (the directory itself or any parent, like git).
/// Inside a hook the environment git sets is honoured: GIT_DIR (and GIT_WORK_TREE) choose the
/// repository, GIT_INDEX_FILE the index (a `git commit -a` or `git commit <paths>` stages into
/// a temporary index). Error: "not a git repository: '<path>'".
core::Result<Repository> OpenRepository(const std::string& path);

/// The work tree's root directory without a trailing slash; empty for a bare repository.
std::string WorkTreeRoot(git_repository* repo);

/// True when HEAD names a branch that has no commit yet (a fresh `git init`).
bool IsHeadUnborn(git_repository* repo);

/// Resolves any revision git understands ("HEAD~2", "main", "v1.0", a full or abbreviated
/// sha, "main^{tree}") to a commit. Errors: "unknown revision '<spec>'",
/// "ambiguous revision '<spec>'", "revision '<spec>' is not a commit".
core::Result<Commit> ResolveCommit(git_repository* repo, const std::string& spec);

/// Resolves a revision to a tree: a commit's tree, or a tree named directly. Errors as
/// ResolveCommit ("revision '<spec>' is not a tree" for a blob).
core::Result<Tree> ResolveTree(git_repository* repo, const std::string& spec);

/// The tree of `commit`.
core::Result<Tree> TreeOf(const git_commit* commit);

/// The best common ancestor of two commits, as `git merge-base a b`.
/// Error: "no merge base between '<a>' and '<b>'" (the labels are what the user typed).
core::Result<Commit> MergeBase(git_repository* repo, const git_commit* a, const git_commit* b,
                               const std::string& a_label, const std::string& b_label);

/// Length in hex digits of this repository's object ids: 40 for SHA-1, 64 for a repository
/// whose extensions.objectFormat is sha256. Pre-push's all-zero oid has this length.
size_t HashHexLength(git_repository* repo);

/// Full hex of an oid.
std::string OidHex(const git_oid& oid);

/// The content of the blob `oid`. Error: "cannot read blob <hex>: <reason>".
core::Result<std::string> ReadBlob(git_repository* repo, const git_oid& oid);

/// The content of `path` (repository-relative) in `tree`; nullopt when the tree has no such
/// file (or it is a directory, a symbolic link or a submodule).
core::Result<std::optional<std::string>> ReadBlobAtPath(git_repository* repo, const git_tree* tree,
                                                        const std::string& path);

/// git's own rule for "binary": a NUL byte in the first 8000 bytes.
bool IsBinaryContent(std::string_view content);

}  // namespace pgstate::git
