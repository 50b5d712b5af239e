#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace pgstate::core {

namespace {

Error OsError(const std::string& what, const std::string& path) {
  return Error(kExitBadInput, what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open", path);
  std::string content;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    errno = EISDIR;
    return OsError("cannot read", path);
  }
  if (st.st_size > 0) content.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = OsError("cannot read", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  std::string tmp = path + ".pgstate-tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return OsError("cannot create a temporary file beside", path);
  struct stat st {};
  mode_t mode = 0644;
  if (::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  ::fchmod(fd, mode);
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = OsError("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = OsError("cannot write", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = OsError("cannot replace", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

Status CreateDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      return OsError("cannot create directory", prefix);
    }
    if (slash == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return OsError("cannot create directory", path);
  }
  return {};
}

Status CheckInside(const std::string& root, const std::string& relative) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path top = fs::weakly_canonical(fs::path(root), ec);
  if (ec) return {};
  fs::path target = fs::path(root) / relative;
  // The nearest existing part: what a write would go through.
  fs::path existing = target;
  while (!existing.empty() && !fs::exists(fs::symlink_status(existing, ec))) {
    if (existing == existing.parent_path()) break;
    existing = existing.parent_path();
  }
  fs::path resolved = fs::weakly_canonical(existing, ec);
  if (ec) return {};
  std::string r = resolved.string(), t = top.string();
  if (r == t || (r.size() > t.size() && r.compare(0, t.size(), t) == 0 && r[t.size()] == '/')) {
    return {};
  }
  return Error(kExitBadInput, "'" + relative +
                                  "' leads outside the repository (through a "
                                  "symbolic link, to '" +
                                  r +
                                  "'); pgstate reads and writes only "
                                  "inside it: replace the link with the file");
}

}  // namespace pgstate::core
