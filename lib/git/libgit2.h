#pragma once
// RAII over libgit2: owners for objects returned through out-parameters, one Check() for
// return codes, and the library's init/shutdown guard.
//
// Objects returned directly by libgit2 getters are borrowed: they must not outlive their parent
// and are never wrapped here.

#include <git2.h>

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace pgstate::git {

/// Calls git_libgit2_init() on construction and git_libgit2_shutdown() on destruction.
/// Create one in main() (or in a test fixture) before any other libgit2 call.
class LibGit2Guard {
 public:
  LibGit2Guard() { git_libgit2_init(); }
  ~LibGit2Guard() { git_libgit2_shutdown(); }
  LibGit2Guard(const LibGit2Guard&) = delete;
  LibGit2Guard& operator=(const LibGit2Guard&) = delete;
};

template <auto FreeFn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    if (p) FreeFn(p);
  }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff_free>>;
using Config = std::unique_ptr<git_config, Deleter<git_config_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using Buf = std::unique_ptr<git_buf, Deleter<git_buf_dispose>>;

/// Turns a negative libgit2 return code into an Error: "<what>: <libgit2's message>".
/// Returns an ok Status for rc >= 0.
inline core::Status Check(int rc, const std::string& what) {
  if (rc >= 0) return {};
  const git_error* e = git_error_last();
  std::string msg = what;
  if (e && e->message) msg += ": " + std::string(e->message);
  return core::Error(core::kExitBadInput, msg);
}

}  // namespace pgstate::git
