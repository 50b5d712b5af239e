#pragma once
// A directory that exists for the lifetime of its owner.

#include <string>

#include "core/error.h"

namespace pgstate::core {

/// Creates a fresh 0700 directory under $TMPDIR (or /tmp) and removes it, with everything in
/// it, when destroyed. Move-only.
class ScopedTempDir {
 public:
  /// `prefix` becomes the start of the directory name ("pgstate-merge-" …).
  static Result<ScopedTempDir> Create(const std::string& prefix = "pgstate-");

  ScopedTempDir(ScopedTempDir&& other) noexcept;
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::string& path() const { return path_; }

  /// Stops owning the directory; it will not be removed.
  std::string Release();

 private:
  explicit ScopedTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

/// Removes a file or a directory tree; missing is fine. Returns false if something stayed.
bool RemoveAll(const std::string& path);

}  // namespace pgstate::core
