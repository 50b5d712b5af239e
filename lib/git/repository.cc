#include "git/repository.h"

#include <git2/sys/repository.h>

#include <cstdlib>
#include <cstring>

namespace pgstate::git {
namespace {

using core::Error;
using core::kExitBadInput;

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

std::string LastMessage() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown error";
}

// Maps a git_revparse_single failure to the message a user expects from git.
Error RevisionError(int rc, const std::string& spec) {
  if (rc == GIT_EAMBIGUOUS) return Error(kExitBadInput, "ambiguous revision '" + spec + "'");
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EUNBORNBRANCH) {
    return Error(kExitBadInput, "unknown revision '" + spec + "'");
  }
  return Error(kExitBadInput, "cannot resolve revision '" + spec + "': " + LastMessage());
}

core::Result<Object> RevParse(git_repository* repo, const std::string& spec) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, spec.c_str());
  if (rc < 0) return RevisionError(rc, spec);
  return Object(obj);
}

}  // namespace

core::Result<Repository> OpenRepository(const std::string& path) {
  git_repository* raw = nullptr;
  if (const char* git_dir = Env("GIT_DIR")) {
    if (git_repository_open_ext(&raw, git_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
      return Error(kExitBadInput, "not a git repository: '" + std::string(git_dir) + "'");
    }
  } else if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) < 0) {
    return Error(kExitBadInput, "not a git repository: '" + path + "'");
  }
  Repository repo(raw);
  if (const char* work_tree = Env("GIT_WORK_TREE")) {
    if (auto st = Check(git_repository_set_workdir(repo.get(), work_tree, 0),
                        "cannot use GIT_WORK_TREE '" + std::string(work_tree) + "'");
        !st.ok()) {
      return st.take_error();
    }
  }
  if (const char* index_file = Env("GIT_INDEX_FILE")) {
    git_index* index = nullptr;
    if (auto st = Check(git_index_open(&index, index_file),
                        "cannot open GIT_INDEX_FILE '" + std::string(index_file) + "'");
        !st.ok()) {
      return st.take_error();
    }
    Index owned(index);
    if (auto st = Check(git_repository_set_index(repo.get(), owned.get()),
                        "cannot use GIT_INDEX_FILE '" + std::string(index_file) + "'");
        !st.ok()) {
      return st.take_error();
    }
  }
  return repo;
}

std::string WorkTreeRoot(git_repository* repo) {
  const char* wd = git_repository_workdir(repo);
  if (!wd) return {};
  std::string root = wd;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

bool IsHeadUnborn(git_repository* repo) { return git_repository_head_unborn(repo) == 1; }

core::Result<Commit> ResolveCommit(git_repository* repo, const std::string& spec) {
  auto obj = RevParse(repo, spec);
  if (!obj.ok()) return obj.take_error();
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj->get(), GIT_OBJECT_COMMIT) < 0) {
    return Error(kExitBadInput, "revision '" + spec + "' is not a commit");
  }
  return Commit(reinterpret_cast<git_commit*>(peeled));
}

core::Result<Tree> ResolveTree(git_repository* repo, const std::string& spec) {
  auto obj = RevParse(repo, spec);
  if (!obj.ok()) return obj.take_error();
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj->get(), GIT_OBJECT_TREE) < 0) {
    return Error(kExitBadInput, "revision '" + spec + "' is not a tree");
  }
  return Tree(reinterpret_cast<git_tree*>(peeled));
}

core::Result<Tree> TreeOf(const git_commit* commit) {
  git_tree* tree = nullptr;
  if (auto st = Check(git_commit_tree(&tree, commit),
                      "cannot read the tree of commit " + OidHex(*git_commit_id(commit)));
      !st.ok()) {
    return st.take_error();
  }
  return Tree(tree);
}

core::Result<Commit> MergeBase(git_repository* repo, const git_commit* a, const git_commit* b,
                               const std::string& a_label, const std::string& b_label) {
  git_oid base;
  int rc = git_merge_base(&base, repo, git_commit_id(a), git_commit_id(b));
  if (rc == GIT_ENOTFOUND) {
    return Error(kExitBadInput, "no merge base between '" + a_label + "' and '" + b_label + "'");
  }
  if (auto st =
          Check(rc, "cannot compute the merge base of '" + a_label + "' and '" + b_label + "'");
      !st.ok()) {
    return st.take_error();
  }
  git_commit* commit = nullptr;
  if (auto st = Check(git_commit_lookup(&commit, repo, &base), "cannot read the merge base");
      !st.ok()) {
    return st.take_error();
  }
  return Commit(commit);
}

size_t HashHexLength(git_repository* repo) {
  constexpr size_t kSha1HexLength = 40;
  constexpr size_t kSha256HexLength = 64;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return kSha1HexLength;
  Config config(raw);
  git_buf buf = GIT_BUF_INIT;
  size_t length = kSha1HexLength;
  if (git_config_get_string_buf(&buf, config.get(), "extensions.objectformat") == 0) {
    if (strcasecmp(buf.ptr, "sha256") == 0) length = kSha256HexLength;
  }
  git_buf_dispose(&buf);
  return length;
}

std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

core::Result<std::string> ReadBlob(git_repository* repo, const git_oid& oid) {
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &oid) < 0) {
    return Error(kExitBadInput, "cannot read blob " + OidHex(oid) + ": " + LastMessage());
  }
  Blob blob(raw);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
}

core::Result<std::optional<std::string>> ReadBlobAtPath(git_repository* repo, const git_tree* tree,
                                                        const std::string& path) {
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (auto st = Check(rc, "cannot look up '" + path + "'"); !st.ok()) return st.take_error();
  TreeEntry entry(raw);
  git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
    return std::optional<std::string>();
  }
  auto content = ReadBlob(repo, *git_tree_entry_id(entry.get()));
  if (!content.ok()) return content.take_error();
  return std::optional<std::string>(std::move(*content));
}

bool IsBinaryContent(std::string_view content) {
  constexpr size_t kFirstFewBytes = 8000;  // git's buffer_is_binary()
  return content.substr(0, kFirstFewBytes).find('\0') != std::string_view::npos;
}

}  // namespace pgstate::git
