#pragma once
// Whole-file reads and crash-safe writes.

#include <string>
#include <string_view>

#include "core/error.h"

namespace pgstate::core {

/// Reads a whole file. Errors (kExitBadInput) name the path and the OS reason.
Result<std::string> ReadFile(const std::string& path);

/// Writes `content` to a temporary file beside `path`, flushes it and renames it over `path`,
/// so a reader (or a crash) sees either the old file or the new one, never half of it.
/// Keeps the mode of an existing file. On failure `path` is untouched.
Status WriteFileAtomic(const std::string& path, std::string_view content);

/// Creates directory `path` and its missing parents (mode 0777 minus the umask), as
/// `mkdir -p`. Errors (kExitBadInput) name the path and the OS reason.
Status CreateDirectories(const std::string& path);

/// Refuses (kExitBadInput) `root`/`relative` when it, or the nearest part of it that exists,
/// resolves outside `root` through a symbolic link: "'db/baseline.sql' leads outside the
/// repository (a symbolic link to '/etc/passwd')". A repository's files come from whoever
/// wrote them; nothing is read or written through such a link.
Status CheckInside(const std::string& root, const std::string& relative);

}  // namespace pgstate::core
