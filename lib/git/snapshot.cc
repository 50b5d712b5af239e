#include "git/snapshot.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/file.h"
#include "git/repository.h"

namespace pgstate::git {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::kExitBadInput;

std::string NormalizeRoot(std::string root) {
  while (root.rfind("./", 0) == 0) root.erase(0, 2);
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root == ".") root.clear();
  return root;
}

// The roots to search; one empty root means the whole repository.
std::vector<std::string> NormalizeRoots(const std::vector<std::string>& roots) {
  std::vector<std::string> out;
  for (const std::string& r : roots) out.push_back(NormalizeRoot(r));
  if (out.empty() || std::find(out.begin(), out.end(), "") != out.end()) return {""};
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool UnderRoot(std::string_view path, const std::string& root) {
  if (root.empty()) return true;
  if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

bool UnderAnyRoot(std::string_view path, const std::vector<std::string>& roots) {
  for (const std::string& r : roots) {
    if (UnderRoot(path, r)) return true;
  }
  return false;
}

bool IsFileMode(git_filemode_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

void SortAndDedupe(std::vector<FileContent>& files) {
  std::sort(files.begin(), files.end(),
            [](const FileContent& a, const FileContent& b) { return a.path < b.path; });
  files.erase(
      std::unique(files.begin(), files.end(),
                  [](const FileContent& a, const FileContent& b) { return a.path == b.path; }),
      files.end());
}

FileContent MakeFile(std::string path, std::string content) {
  FileContent f;
  f.path = std::move(path);
  f.is_binary = IsBinaryContent(content);
  f.content = std::move(content);
  return f;
}

// --- a commit's tree ---------------------------------------------------------------------

struct TreeWalk {
  git_repository* repo;
  const PathPredicate* predicate;
  std::string prefix;  // path of the walked tree inside the repository, with a trailing '/'
  std::vector<FileContent>* out;
  std::optional<Error> error;
};

int TreeWalkCallback(const char* root, const git_tree_entry* entry, void* payload) {
  auto* walk = static_cast<TreeWalk*>(payload);
  if (!IsFileMode(git_tree_entry_filemode(entry))) return 0;
  std::string path = walk->prefix + root + git_tree_entry_name(entry);
  if (!(*walk->predicate)(path)) return 0;
  auto content = ReadBlob(walk->repo, *git_tree_entry_id(entry));
  if (!content.ok()) {
    walk->error = content.take_error();
    return -1;
  }
  walk->out->push_back(MakeFile(std::move(path), std::move(*content)));
  return 0;
}

core::Result<std::vector<FileContent>> ReadTreeFiles(git_repository* repo,
                                                     const std::string& revision,
                                                     const PathPredicate& predicate,
                                                     const std::vector<std::string>& roots) {
  auto tree = ResolveTree(repo, revision);
  if (!tree.ok()) return tree.take_error();
  std::vector<FileContent> files;
  for (const std::string& root : roots) {
    Tree subtree;
    const git_tree* walked = tree->get();
    if (!root.empty()) {
      git_tree_entry* raw = nullptr;
      int rc = git_tree_entry_bypath(&raw, tree->get(), root.c_str());
      if (rc == GIT_ENOTFOUND) continue;
      if (auto st = Check(rc, "cannot look up '" + root + "'"); !st.ok()) return st.take_error();
      TreeEntry entry(raw);
      if (git_tree_entry_type(entry.get()) == GIT_OBJECT_BLOB) {
        if (IsFileMode(git_tree_entry_filemode(entry.get())) && predicate(root)) {
          auto content = ReadBlob(repo, *git_tree_entry_id(entry.get()));
          if (!content.ok()) return content.take_error();
          files.push_back(MakeFile(root, std::move(*content)));
        }
        continue;
      }
      if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) continue;
      git_tree* raw_tree = nullptr;
      if (auto st = Check(git_tree_lookup(&raw_tree, repo, git_tree_entry_id(entry.get())),
                          "cannot read tree '" + root + "'");
          !st.ok()) {
        return st.take_error();
      }
      subtree.reset(raw_tree);
      walked = subtree.get();
    }
    TreeWalk walk{repo, &predicate, root.empty() ? "" : root + "/", &files, std::nullopt};
    int rc = git_tree_walk(walked, GIT_TREEWALK_PRE, TreeWalkCallback, &walk);
    if (walk.error) return *walk.error;
    if (auto st = Check(rc, "cannot walk the tree of " + revision); !st.ok()) {
      return st.take_error();
    }
  }
  SortAndDedupe(files);
  return files;
}

// --- the index ---------------------------------------------------------------------------

core::Result<Index> RepositoryIndex(git_repository* repo) {
  git_index* raw = nullptr;
  if (auto st = Check(git_repository_index(&raw, repo), "cannot read the index"); !st.ok()) {
    return st.take_error();
  }
  return Index(raw);
}

core::Result<std::vector<FileContent>> ReadIndexFiles(git_repository* repo,
                                                      const PathPredicate& predicate,
                                                      const std::vector<std::string>& roots) {
  auto index = RepositoryIndex(repo);
  if (!index.ok()) return index.take_error();
  std::vector<FileContent> files;
  size_t count = git_index_entrycount(index->get());
  for (size_t i = 0; i < count; ++i) {
    const git_index_entry* e = git_index_get_byindex(index->get(), i);
    if (!e || !UnderAnyRoot(e->path, roots) || !predicate(e->path)) continue;
    if (GIT_INDEX_ENTRY_STAGE(e) != 0) {
      return Error(kExitBadInput, "'" + std::string(e->path) + "' has unresolved merge conflicts");
    }
    if (!IsFileMode(static_cast<git_filemode_t>(e->mode))) continue;
    auto content = ReadBlob(repo, e->id);
    if (!content.ok()) return content.take_error();
    files.push_back(MakeFile(e->path, std::move(*content)));
  }
  SortAndDedupe(files);
  return files;
}

// --- the work tree -----------------------------------------------------------------------

core::Result<std::string> RequireWorkTree(git_repository* repo) {
  std::string root = WorkTreeRoot(repo);
  if (root.empty()) return Error(kExitBadInput, "a bare repository has no work tree");
  return root;
}

// Tracked files are always part of the work tree; untracked ones unless ignored.
bool BelongsToWorkTree(git_repository* repo, git_index* index, const std::string& path) {
  if (index && git_index_find(nullptr, index, path.c_str()) == 0) return true;
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo, path.c_str()) < 0) return true;
  return ignored == 0;
}

core::Result<std::vector<FileContent>> ReadWorkTreeFiles(git_repository* repo,
                                                         const PathPredicate& predicate,
                                                         const std::vector<std::string>& roots) {
  auto top = RequireWorkTree(repo);
  if (!top.ok()) return top.take_error();
  auto index = RepositoryIndex(repo);
  if (!index.ok()) return index.take_error();
  std::vector<FileContent> files;
  auto consider = [&](const std::string& rel) -> core::Status {
    if (!predicate(rel) || !BelongsToWorkTree(repo, index->get(), rel)) return {};
    if (auto inside = core::CheckInside(*top, rel); !inside.ok()) return inside;
    auto content = core::ReadFile(*top + "/" + rel);
    if (!content.ok()) return content.take_error();
    files.push_back(MakeFile(rel, std::move(*content)));
    return {};
  };
  for (const std::string& root : roots) {
    std::string abs = root.empty() ? *top : *top + "/" + root;
    if (auto inside = core::CheckInside(*top, root); !inside.ok()) return inside.take_error();
    std::error_code ec;
    fs::file_status st = fs::symlink_status(abs, ec);
    if (ec || !fs::exists(st)) continue;
    if (fs::is_regular_file(st)) {
      if (auto s = consider(root); !s.ok()) return s.take_error();
      continue;
    }
    if (!fs::is_directory(st)) continue;
    fs::recursive_directory_iterator it(abs, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Error(kExitBadInput, "cannot read directory '" + abs + "': " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Error(kExitBadInput, "cannot read directory '" + abs + "': " + ec.message());
      const fs::directory_entry& entry = *it;
      if (entry.path().filename() == ".git") {
        it.disable_recursion_pending();
        continue;
      }
      std::string rel = entry.path().string().substr(top->size() + 1);
      if (entry.is_symlink(ec)) {
        if (auto inside = core::CheckInside(*top, rel); !inside.ok()) return inside.take_error();
        continue;  // git stores a link, not the content it points at
      }
      if (!entry.is_regular_file(ec)) continue;
      if (auto s = consider(rel); !s.ok()) return s.take_error();
    }
  }
  SortAndDedupe(files);
  return files;
}

}  // namespace

std::string Source::Describe() const {
  switch (kind) {
    case SourceKind::kWorkTree:
      return "the work tree";
    case SourceKind::kIndex:
      return "the index";
    case SourceKind::kRevision:
      return "revision '" + revision + "'";
  }
  return {};
}

core::Result<std::vector<FileContent>> ReadFiles(git_repository* repo, const Source& source,
                                                 const PathPredicate& predicate,
                                                 const std::vector<std::string>& roots) {
  std::vector<std::string> bounded = NormalizeRoots(roots);
  switch (source.kind) {
    case SourceKind::kWorkTree:
      return ReadWorkTreeFiles(repo, predicate, bounded);
    case SourceKind::kIndex:
      return ReadIndexFiles(repo, predicate, bounded);
    case SourceKind::kRevision:
      return ReadTreeFiles(repo, source.revision, predicate, bounded);
  }
  return Error(core::kExitFatal, "unknown snapshot source");
}

core::Result<std::optional<std::string>> ReadFile(git_repository* repo, const Source& source,
                                                  const std::string& path) {
  using Optional = std::optional<std::string>;
  switch (source.kind) {
    case SourceKind::kWorkTree: {
      auto top = RequireWorkTree(repo);
      if (!top.ok()) return top.take_error();
      std::string abs = *top + "/" + NormalizeRoot(path);
      if (auto inside = core::CheckInside(*top, NormalizeRoot(path)); !inside.ok()) {
        return inside.take_error();
      }
      struct stat st {};
      if (::lstat(abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Optional();
      auto content = core::ReadFile(abs);
      if (!content.ok()) return content.take_error();
      return Optional(std::move(*content));
    }
    case SourceKind::kIndex: {
      auto index = RepositoryIndex(repo);
      if (!index.ok()) return index.take_error();
      const git_index_entry* e = git_index_get_bypath(index->get(), path.c_str(), 0);
      if (!e || !IsFileMode(static_cast<git_filemode_t>(e->mode))) return Optional();
      auto content = ReadBlob(repo, e->id);
      if (!content.ok()) return content.take_error();
      return Optional(std::move(*content));
    }
    case SourceKind::kRevision: {
      auto tree = ResolveTree(repo, source.revision);
      if (!tree.ok()) return tree.take_error();
      return ReadBlobAtPath(repo, tree->get(), NormalizeRoot(path));
    }
  }
  return Error(core::kExitFatal, "unknown snapshot source");
}

}  // namespace pgstate::git
