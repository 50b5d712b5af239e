#include "git/diff.h"

#include <algorithm>

#include "core/file.h"
#include "git/repository.h"

namespace pgstate::git {
namespace {

using core::Error;
using core::kExitBadInput;
using core::kExitUsage;

// A tree for a revision side; null is the empty tree.
core::Result<Tree> SideTree(git_repository* repo, const Source& source) {
  if (source.revision.empty()) return Tree();
  if (source.revision == "HEAD" && IsHeadUnborn(repo)) return Tree();
  return ResolveTree(repo, source.revision);
}

bool IsFileMode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Reads one side of a delta: from the work tree on disk, or the blob the index or tree holds.
core::Result<std::string> ReadSide(git_repository* repo, const std::string& work_tree,
                                   bool from_work_tree, const git_diff_file& file) {
  if (from_work_tree) return core::ReadFile(work_tree + "/" + file.path);
  return ReadBlob(repo, file.id);
}

core::Result<Diff> RawDiff(git_repository* repo, const Source& from, const Source& to,
                           const git_diff_options& opts) {
  git_diff* raw = nullptr;
  int rc = 0;
  using K = SourceKind;
  if (from.kind == K::kRevision && to.kind == K::kRevision) {
    auto a = SideTree(repo, from);
    if (!a.ok()) return a.take_error();
    auto b = SideTree(repo, to);
    if (!b.ok()) return b.take_error();
    rc = git_diff_tree_to_tree(&raw, repo, a->get(), b->get(), &opts);
  } else if (from.kind == K::kRevision && to.kind == K::kIndex) {
    auto a = SideTree(repo, from);
    if (!a.ok()) return a.take_error();
    rc = git_diff_tree_to_index(&raw, repo, a->get(), nullptr, &opts);
  } else if (from.kind == K::kIndex && to.kind == K::kWorkTree) {
    if (WorkTreeRoot(repo).empty()) {
      return Error(kExitBadInput, "a bare repository has no work tree");
    }
    rc = git_diff_index_to_workdir(&raw, repo, nullptr, &opts);
  } else if (from.kind == K::kRevision && to.kind == K::kWorkTree) {
    if (WorkTreeRoot(repo).empty()) {
      return Error(kExitBadInput, "a bare repository has no work tree");
    }
    auto a = SideTree(repo, from);
    if (!a.ok()) return a.take_error();
    rc = git_diff_tree_to_workdir_with_index(&raw, repo, a->get(), &opts);
  } else {
    return Error(kExitUsage, "cannot compare " + from.Describe() + " with " + to.Describe());
  }
  if (auto st = Check(rc, "cannot compare " + from.Describe() + " with " + to.Describe());
      !st.ok()) {
    return st.take_error();
  }
  return Diff(raw);
}

const std::string& SortKey(const FileDiff& d) {
  return d.status == FileStatus::kDeleted ? d.old_path : d.new_path;
}

// Splits "A..B" / "A...B"; returns false when `arg` is not a range.
bool SplitRange(const std::string& arg, std::string& a, std::string& b, bool& symmetric) {
  size_t pos = arg.find("...");
  symmetric = pos != std::string::npos;
  if (!symmetric) pos = arg.find("..");
  if (pos == std::string::npos) return false;
  a = arg.substr(0, pos);
  b = arg.substr(pos + (symmetric ? 3 : 2));
  if (a.empty()) a = "HEAD";
  if (b.empty()) b = "HEAD";
  return true;
}

core::Result<Source> CommitSource(git_repository* repo, const std::string& spec) {
  auto commit = ResolveCommit(repo, spec);
  if (!commit.ok()) return commit.take_error();
  return Source::Revision(OidHex(*git_commit_id(commit->get())));
}

// HEAD as the implicit base of --staged/--worktree: the empty tree before the first commit.
core::Result<Source> ImplicitHead(git_repository* repo) {
  if (IsHeadUnborn(repo)) return Source::Revision("");
  return CommitSource(repo, "HEAD");
}

}  // namespace

const char* FileStatusName(FileStatus status) {
  switch (status) {
    case FileStatus::kAdded:
      return "added";
    case FileStatus::kDeleted:
      return "deleted";
    case FileStatus::kModified:
      return "modified";
    case FileStatus::kRenamed:
      return "renamed";
  }
  return "modified";
}

core::Result<std::vector<FileDiff>> DiffFiles(git_repository* repo, const Source& from,
                                              const Source& to, const DiffOptions& options) {
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  // libgit2 would otherwise load every changed blob once just to decide "binary"; we read the
  // content ourselves anyway.
  opts.flags =
      GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_IGNORE_SUBMODULES;
  if (options.include_untracked && to.kind == SourceKind::kWorkTree) {
    opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  }
  std::vector<char*> specs;
  for (const std::string& p : options.pathspec) specs.push_back(const_cast<char*>(p.c_str()));
  opts.pathspec.strings = specs.data();
  opts.pathspec.count = specs.size();

  auto diff = RawDiff(repo, from, to, opts);
  if (!diff.ok()) return diff.take_error();

  if (options.detect_renames) {
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    if (options.include_untracked) find.flags |= GIT_DIFF_FIND_FOR_UNTRACKED;
    if (auto st = Check(git_diff_find_similar(diff->get(), &find), "cannot detect renames");
        !st.ok()) {
      return st.take_error();
    }
  }

  const std::string work_tree = WorkTreeRoot(repo);
  const bool old_from_disk = from.kind == SourceKind::kWorkTree;
  const bool new_from_disk = to.kind == SourceKind::kWorkTree;
  std::vector<FileDiff> out;
  size_t n = git_diff_num_deltas(diff->get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff->get(), i);
    if (d->status == GIT_DELTA_CONFLICTED) {
      return Error(kExitBadInput,
                   "'" + std::string(d->new_file.path) + "' has unresolved merge conflicts");
    }
    bool has_old = false;
    bool has_new = false;
    switch (d->status) {
      case GIT_DELTA_ADDED:
      case GIT_DELTA_UNTRACKED:
      case GIT_DELTA_COPIED:
        has_new = true;
        break;
      case GIT_DELTA_DELETED:
        has_old = true;
        break;
      case GIT_DELTA_MODIFIED:
      case GIT_DELTA_TYPECHANGE:
      case GIT_DELTA_RENAMED:
        has_old = has_new = true;
        break;
      default:
        continue;
    }
    const std::string old_path = d->old_file.path;
    const std::string new_path = d->new_file.path;
    if (options.predicate) {
      has_old = has_old && options.predicate(old_path);
      has_new = has_new && options.predicate(new_path);
    }
    has_old = has_old && IsFileMode(d->old_file.mode);
    has_new = has_new && IsFileMode(d->new_file.mode);
    if (!has_old && !has_new) continue;

    FileDiff f;
    f.old_path = has_old ? old_path : new_path;
    f.new_path = has_new ? new_path : old_path;
    if (has_old && has_new) {
      f.status = d->status == GIT_DELTA_RENAMED && old_path != new_path ? FileStatus::kRenamed
                                                                        : FileStatus::kModified;
      f.similarity = f.status == FileStatus::kRenamed ? d->similarity : 0;
    } else {
      f.status = has_new ? FileStatus::kAdded : FileStatus::kDeleted;
    }
    if (has_old) {
      auto content = ReadSide(repo, work_tree, old_from_disk, d->old_file);
      if (!content.ok()) return content.take_error();
      f.old_binary = IsBinaryContent(*content);
      f.old_content = std::move(*content);
    }
    if (has_new) {
      auto content = ReadSide(repo, work_tree, new_from_disk, d->new_file);
      if (!content.ok()) return content.take_error();
      f.new_binary = IsBinaryContent(*content);
      f.new_content = std::move(*content);
    }
    // A stat-dirty work-tree file can show up as modified with identical content.
    if (f.status == FileStatus::kModified && f.old_content == f.new_content) continue;
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FileDiff& a, const FileDiff& b) { return SortKey(a) < SortKey(b); });
  return out;
}

core::Result<DiffRange> ParseDiffRange(git_repository* repo, const std::vector<std::string>& revs,
                                       bool staged, bool worktree) {
  DiffRange r;
  if (staged && worktree) return Error(kExitUsage, "--staged and --worktree cannot be combined");
  if (staged || worktree) {
    const char* flag = staged ? "--staged" : "--worktree";
    if (revs.size() > 1) {
      return Error(kExitUsage, std::string(flag) + " takes at most one revision");
    }
    std::string a, b;
    bool symmetric = false;
    if (revs.size() == 1 && SplitRange(revs[0], a, b, symmetric)) {
      return Error(kExitUsage, std::string("a range cannot be combined with ") + flag);
    }
    auto from = revs.empty() ? ImplicitHead(repo) : CommitSource(repo, revs[0]);
    if (!from.ok()) return from.take_error();
    r.from = std::move(*from);
    r.from_label = revs.empty() ? "HEAD" : revs[0];
    r.to = staged ? Source::IndexOnly() : Source::WorkTree();
    r.to_label = staged ? "the index" : "the work tree";
    r.include_untracked = worktree;
    return r;
  }
  if (revs.empty()) {
    r.from = Source::IndexOnly();
    r.from_label = "the index";
    r.to = Source::WorkTree();
    r.to_label = "the work tree";
    return r;
  }
  if (revs.size() > 2) {
    std::string list;
    for (const std::string& s : revs) list += (list.empty() ? "'" : ", '") + s + "'";
    return Error(kExitUsage, "too many revisions: " + list);
  }
  std::string a, b;
  bool symmetric = false;
  if (revs.size() == 1 && SplitRange(revs[0], a, b, symmetric)) {
    if (symmetric) {
      auto ca = ResolveCommit(repo, a);
      if (!ca.ok()) return ca.take_error();
      auto cb = ResolveCommit(repo, b);
      if (!cb.ok()) return cb.take_error();
      auto base = MergeBase(repo, ca->get(), cb->get(), a, b);
      if (!base.ok()) return base.take_error();
      r.from = Source::Revision(OidHex(*git_commit_id(base->get())));
      r.from_label = "merge base of " + a + " and " + b;
      r.to = Source::Revision(OidHex(*git_commit_id(cb->get())));
      r.to_label = b;
      return r;
    }
  } else if (revs.size() == 2) {
    for (const std::string& s : revs) {
      std::string x, y;
      bool sym = false;
      if (SplitRange(s, x, y, sym)) {
        return Error(kExitUsage, "a range cannot be combined with another revision: '" + s + "'");
      }
    }
    a = revs[0];
    b = revs[1];
  } else {
    auto from = CommitSource(repo, revs[0]);
    if (!from.ok()) return from.take_error();
    r.from = std::move(*from);
    r.from_label = revs[0];
    r.to = Source::WorkTree();
    r.to_label = "the work tree";
    return r;
  }
  auto from = CommitSource(repo, a);
  if (!from.ok()) return from.take_error();
  auto to = CommitSource(repo, b);
  if (!to.ok()) return to.take_error();
  r.from = std::move(*from);
  r.from_label = a;
  r.to = std::move(*to);
  r.to_label = b;
  return r;
}

}  // namespace pgstate::git
