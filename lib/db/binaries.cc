#include "db/binaries.h"

#include <dirent.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>

#include "core/subprocess.h"

namespace pgstate::db {

namespace {

std::optional<std::string> RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return std::nullopt;
  return std::string(resolved);
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15.18"; "9.6.24" works too.
std::string ParseVersion(const std::string& output) {
  size_t paren = output.find(") ");
  size_t start = paren == std::string::npos ? 0 : paren + 2;
  size_t end = start;
  while (end < output.size() &&
         (std::isdigit(static_cast<unsigned char>(output[end])) || output[end] == '.')) {
    ++end;
  }
  return output.substr(start, end - start);
}

int MajorOf(const std::string& version) {
  int major = std::atoi(version.c_str());
  if (major == 9) {  // 9.6 and older: the major version has two parts
    size_t dot = version.find('.');
    if (dot != std::string::npos) major = 90 + std::atoi(version.c_str() + dot + 1);
  }
  return major;
}

// A directory is usable when it holds executable initdb and postgres; its identity is the
// directory of postgres with symlinks resolved.
std::optional<std::string> ServerDir(const std::string& dir) {
  std::optional<std::string> postgres = core::FindExecutable(dir + "/postgres", "");
  std::optional<std::string> initdb = core::FindExecutable(dir + "/initdb", "");
  if (!postgres || !initdb) return std::nullopt;
  std::optional<std::string> real = RealPath(*postgres);
  if (!real) return std::nullopt;
  std::string real_dir = DirName(*real);
  if (!core::FindExecutable(real_dir + "/initdb", "")) return dir;
  return real_dir;
}

std::optional<PostgresBinaries> Probe(const std::string& bindir, const std::string& lib_root) {
  // "<lib_root>/<major>/bin" names its major version; that saves running postgres --version.
  std::string prefix = lib_root + "/";
  if (bindir.rfind(prefix, 0) == 0 && bindir.size() > prefix.size() + 4 &&
      bindir.compare(bindir.size() - 4, 4, "/bin") == 0) {
    std::string major = bindir.substr(prefix.size(), bindir.size() - prefix.size() - 4);
    if (!major.empty() && std::all_of(major.begin(), major.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        })) {
      PostgresBinaries b;
      b.bindir = bindir;
      b.version = major;
      b.major = MajorOf(major);
      if (b.major > 0) return b;
    }
  }
  core::SubprocessOptions options;
  options.argv = {bindir + "/postgres", "--version"};
  core::Result<core::SubprocessResult> run = core::RunSubprocess(options);
  if (!run || !run->ok()) return std::nullopt;
  PostgresBinaries b;
  b.bindir = bindir;
  b.version = ParseVersion(run->out);
  b.major = MajorOf(b.version);
  if (b.major <= 0) return std::nullopt;
  return b;
}

std::vector<std::string> CandidateDirs(const BinarySearch& search) {
  std::vector<std::string> dirs;
  const char* env_path = std::getenv("PATH");
  std::string path = search.path ? *search.path : (env_path ? env_path : "");
  if (std::optional<std::string> pg_config = core::FindExecutable("pg_config", path)) {
    core::SubprocessOptions options;
    options.argv = {*pg_config, "--bindir"};
    core::Result<core::SubprocessResult> run = core::RunSubprocess(options);
    if (run && run->ok()) {
      std::string dir = run->out;
      while (!dir.empty() && std::isspace(static_cast<unsigned char>(dir.back()))) dir.pop_back();
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) dirs.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  // Newest first under lib_root, so an unconfigured search meets the newest early.
  std::vector<std::string> versions;
  if (DIR* d = ::opendir(search.lib_root.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
        versions.push_back(name);
      }
    }
    ::closedir(d);
  }
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return MajorOf(a) > MajorOf(b); });
  for (const std::string& v : versions) dirs.push_back(search.lib_root + "/" + v + "/bin");
  return dirs;
}

}  // namespace

std::vector<PostgresBinaries> ListPostgresBinaries(const BinarySearch& search) {
  std::vector<PostgresBinaries> found;
  std::vector<std::string> seen;
  for (const std::string& dir : CandidateDirs(search)) {
    std::optional<std::string> server_dir = ServerDir(dir);
    if (!server_dir) continue;
    if (std::find(seen.begin(), seen.end(), *server_dir) != seen.end()) continue;
    seen.push_back(*server_dir);
    if (std::optional<PostgresBinaries> b = Probe(*server_dir, search.lib_root)) {
      found.push_back(*b);
    }
  }
  return found;
}

core::Result<PostgresBinaries> FindPostgresBinaries(const BinarySearch& search) {
  std::vector<PostgresBinaries> found = ListPostgresBinaries(search);
  const PostgresBinaries* best = nullptr;
  for (const PostgresBinaries& b : found) {
    if (search.major ? b.major == *search.major : (!best || b.major > best->major)) {
      if (search.major) return b;
      best = &b;
    }
  }
  if (best) return *best;

  std::string version = search.major ? std::to_string(*search.major) : "";
  std::string message = "cannot find the PostgreSQL " + (version.empty() ? "" : version + " ") +
                        "server binaries (initdb, postgres): looked in 'pg_config --bindir', "
                        "PATH and '" +
                        search.lib_root + "/" + (version.empty() ? "*" : version) + "/bin'";
  if (!found.empty()) {
    message += " and found only version";
    message += found.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < found.size(); ++i) {
      message += (i ? ", " : "") + std::to_string(found[i].major) + " in '" + found[i].bindir + "'";
    }
  }
  message += "; install them, e.g. 'apt-get install postgresql" +
             (version.empty() ? std::string() : "-" + version) + "'";
  return core::Error(core::kExitEnvironment, message);
}

}  // namespace pgstate::db
