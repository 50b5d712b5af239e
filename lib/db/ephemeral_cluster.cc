#include "db/ephemeral_cluster.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/defer.h"
#include "core/file.h"
#include "db/run_cleanup.h"

namespace pgstate::db {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Bump when the template's initdb options change, so old caches are not reused.
constexpr int kTemplateFormat = 2;
constexpr int kPort = 5432;
constexpr const char* kSuperuser = "postgres";

core::Error EnvError(const std::string& message) {
  return core::Error(core::kExitEnvironment, message);
}

core::Error OsError(const std::string& what, const std::string& path) {
  return EnvError("cannot " + what + " '" + path + "': " + std::strerror(errno));
}

// Who runs initdb and postgres: ourselves, or (as root) an unprivileged system user.
struct ServerIdentity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

std::optional<ServerIdentity> LookUpUser(const std::string& name) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (::getpwnam_r(name.c_str(), &pw, buffer, sizeof buffer, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  if (found->pw_uid == 0) return std::nullopt;  // never "unprivileged" root under another name
  ServerIdentity id;
  id.switch_user = true;
  id.uid = found->pw_uid;
  id.gid = found->pw_gid;
  id.name = name;
  return id;
}

core::Result<ServerIdentity> ResolveIdentity(const std::string& wanted) {
  if (::geteuid() != 0) {
    ServerIdentity self;
    self.uid = ::geteuid();
    self.gid = ::getegid();
    return self;
  }
  if (!wanted.empty()) {
    if (std::optional<ServerIdentity> id = LookUpUser(wanted)) return *id;
    return EnvError("running as root: the server user '" + wanted +
                    "' does not exist or is root; PostgreSQL refuses to run as root");
  }
  if (std::optional<std::string> name = ExistingServerUser()) {
    if (std::optional<ServerIdentity> id = LookUpUser(*name)) return *id;
  }
  core::SubprocessOptions useradd;
  useradd.argv = {"useradd",      "--system",
                  "--user-group", "--no-create-home",
                  "--home-dir",   "/nonexistent",
                  "--shell",      "/usr/sbin/nologin",
                  "--comment",    "pgstate ephemeral PostgreSQL",
                  "pgstate"};
  core::Result<core::SubprocessResult> run = core::RunSubprocess(useradd);
  // A concurrent run may have created the user first: look again either way.
  if (std::optional<ServerIdentity> id = LookUpUser("pgstate")) return *id;
  std::string why = run ? run->err : run.error().message;
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  return EnvError(
      "running as root: cannot create the system user 'pgstate' to run PostgreSQL as (" + why +
      "); create an unprivileged user 'pgstate' or 'postgres'");
}

// Creates `path` (and missing parents) as a directory we own, not a symlink, with `mode`.
core::Status EnsureOwnDir(const std::string& path, mode_t mode) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = slash == std::string::npos ? path : path.substr(0, slash);
    if (::mkdir(prefix.c_str(), slash == std::string::npos ? mode : 0755) != 0 && errno != EEXIST) {
      return OsError("create the directory", prefix);
    }
    if (slash == std::string::npos) break;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return OsError("inspect", path);
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    return EnvError("refusing to use '" + path +
                    "': it is not a directory owned by the current user");
  }
  if ((st.st_mode & 07777) != mode && ::chmod(path.c_str(), mode) != 0) {
    return OsError("change the mode of", path);
  }
  return {};
}

// Recursive copy of a data directory: regular files (copy_file_range, which clones where the
// file system can), directories and symlinks, keeping modes; owned by `id` when we switch user.
core::Status CopyTreeAt(int src_fd, int dst_fd, const std::string& src_path,
                        const ServerIdentity& id) {
  int list_fd = ::dup(src_fd);
  DIR* d = list_fd < 0 ? nullptr : ::fdopendir(list_fd);
  if (d == nullptr) {
    if (list_fd >= 0) ::close(list_fd);
    return OsError("read the directory", src_path);
  }
  core::Defer close_dir([&] { ::closedir(d); });
  while (struct dirent* e = ::readdir(d)) {
    const char* name = e->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    std::string path = src_path + "/" + name;
    struct stat st {};
    if (::fstatat(src_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return OsError("inspect", path);
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(dst_fd, name, 0700) != 0) return OsError("create a copy of", path);
      int sub_src = ::openat(src_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int sub_dst = ::openat(dst_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      core::Defer close_subs([&] {
        if (sub_src >= 0) ::close(sub_src);
        if (sub_dst >= 0) ::close(sub_dst);
      });
      if (sub_src < 0 || sub_dst < 0) return OsError("open", path);
      core::Status copied = CopyTreeAt(sub_src, sub_dst, path, id);
      if (!copied.ok()) return copied;
      ::fchmod(sub_dst, st.st_mode & 07777);
      if (id.switch_user && ::fchown(sub_dst, id.uid, id.gid) != 0) return OsError("chown", path);
    } else if (S_ISREG(st.st_mode)) {
      int in = ::openat(src_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (in < 0) return OsError("open", path);
      core::Defer close_in([&] { ::close(in); });
      int out = ::openat(dst_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         st.st_mode & 0777);
      if (out < 0) return OsError("create a copy of", path);
      core::Defer close_out([&] { ::close(out); });
      off_t left = st.st_size;
      bool fallback = false;
      while (left > 0 && !fallback) {
        ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
        if (n > 0) {
          left -= n;
        } else if (n == 0) {
          break;
        } else if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
          fallback = true;
        } else if (errno != EINTR) {
          return OsError("copy", path);
        }
      }
      if (fallback) {
        char buffer[1 << 16];
        for (;;) {
          ssize_t n = ::read(in, buffer, sizeof buffer);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return OsError("read", path);
          if (n == 0) break;
          for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buffer + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return OsError("copy", path);
            done += w;
          }
        }
      }
      if (id.switch_user && ::fchown(out, id.uid, id.gid) != 0) return OsError("chown", path);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = ::readlinkat(src_fd, name, target, sizeof target - 1);
      if (n < 0) return OsError("read the link", path);
      target[n] = '\0';
      if (::symlinkat(target, dst_fd, name) != 0) return OsError("create a copy of", path);
      if (id.switch_user) ::fchownat(dst_fd, name, id.uid, id.gid, AT_SYMLINK_NOFOLLOW);
    }
    // Sockets and other special files are not part of a data directory; skip them.
  }
  return {};
}

// Copies the contents of `src` into the existing directory `dst`.
core::Status CopyTree(const std::string& src, const std::string& dst, const ServerIdentity& id) {
  int src_fd = ::open(src.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (src_fd < 0) return OsError("open", src);
  core::Defer close_src([&] { ::close(src_fd); });
  int dst_fd = ::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dst_fd < 0) return OsError("open", dst);
  core::Defer close_dst([&] { ::close(dst_fd); });
  return CopyTreeAt(src_fd, dst_fd, src, id);
}

// The environment initdb and postgres get: only what they need to run (PATH, TMPDIR,
// LD_LIBRARY_PATH for embedded binaries, TZ), the locale fixed to C. Nothing else of ours: PG*
// variables would change what they do, and the server runs SQL from the repository, where
// COPY … TO PROGRAM 'env' must find no CI secret (tokens, cloud keys) to print.
std::vector<std::string> ServerEnvironment() {
  std::vector<std::string> env = core::FilteredEnvironment([](const std::string& name) {
    return name != "PATH" && name != "TMPDIR" && name != "LD_LIBRARY_PATH" && name != "TZ";
  });
  env.push_back("LC_ALL=C");
  return env;
}

// A new directory "<root>/<prefix>XXXXXX", mode 0700, with our owner file in it.
core::Result<std::string> MakeRunDir(const std::string& root, const std::string& prefix) {
  std::string tmpl = root + "/" + prefix + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return OsError("create a directory in", root);
  if (!WriteOwnerFile(tmpl)) {
    RemoveTree(tmpl.c_str());
    return OsError("write the owner file in", tmpl);
  }
  return tmpl;
}

// The last line of the server log worth showing: a FATAL/PANIC/ERROR if there is one.
std::string LogReason(const std::string& log_path) {
  core::Result<std::string> log = core::ReadFile(log_path);
  if (!log) return {};
  std::istringstream lines(*log);
  std::string line, last, last_error;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.find("FATAL:") != std::string::npos || line.find("PANIC:") != std::string::npos ||
        line.find("ERROR:") != std::string::npos) {
      last_error = line;
    }
  }
  std::string reason = last_error.empty() ? last : last_error;
  // Drop the log line prefix ("2024-… UTC [123] ") before the severity.
  for (const char* severity : {"FATAL:", "PANIC:", "ERROR:"}) {
    size_t at = reason.find(severity);
    if (at != std::string::npos) return reason.substr(at);
  }
  return reason;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// initdb leaves WAL segments recycled for future use next to the one its last checkpoint is in;
// every run would copy them. Only segments after the checkpoint's are removed (PostgreSQL
// creates new ones when it needs them); when anything is unclear, nothing is.
void TrimWal(const PostgresBinaries& binaries, const std::string& data, const ServerIdentity& id) {
  core::SubprocessOptions control;
  control.argv = {binaries.Tool("pg_controldata"), data};
  control.env = ServerEnvironment();
  if (id.switch_user) {
    control.uid = id.uid;
    control.gid = id.gid;
    control.cwd = "/";
  }
  core::Result<core::SubprocessResult> run = core::RunSubprocess(control);
  if (!run || !run->ok()) return;
  const std::string label = "Latest checkpoint's REDO WAL file:";
  size_t at = run->out.find(label);
  if (at == std::string::npos) return;
  std::istringstream rest(run->out.substr(at + label.size()));
  std::string redo;
  rest >> redo;
  if (redo.size() != 24) return;
  std::string wal = data + "/pg_wal";
  DIR* d = ::opendir(wal.c_str());
  if (d == nullptr) return;
  std::vector<std::string> later;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() == 24 && name.find_first_not_of("0123456789ABCDEF") == std::string::npos &&
        name > redo) {
      later.push_back(wal + "/" + name);
    }
  }
  ::closedir(d);
  for (const std::string& segment : later) ::unlink(segment.c_str());
}

// Makes sure "<cache>/template-<major>-v<format>" holds an initdb'd data directory. Returns its
// path. Creation is atomic (initdb elsewhere, then rename) and serialized by a lock file.
core::Result<std::string> EnsureTemplate(const PostgresBinaries& binaries,
                                         const std::string& cache_dir, const std::string& runs_root,
                                         const ServerIdentity& id, bool& created) {
  created = false;
  std::string final_path = TemplatePath(cache_dir, binaries.major);
  std::string name = final_path.substr(cache_dir.size() + 1);
  std::string marker = final_path + "/PG_VERSION";
  if (::access(marker.c_str(), R_OK) == 0) return final_path;

  core::Status cache_ok = EnsureOwnDir(cache_dir, 0700);
  if (!cache_ok.ok()) return cache_ok.error();
  std::string lock_path = cache_dir + "/" + name + ".lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd < 0) return OsError("open the lock file", lock_path);
  core::Defer close_lock([&] { ::close(lock_fd); });
  while (::flock(lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) return OsError("lock", lock_path);
  }
  if (::access(marker.c_str(), R_OK) == 0) return final_path;  // made while we waited

  // initdb runs in a fresh directory under the runs root, which the server user can reach even
  // when the cache directory is inside root's home.
  core::Result<std::string> staging = MakeRunDir(runs_root, "initdb-");
  if (!staging) return staging.take_error();
  int handle = RegisterRun(*staging);
  core::Defer remove_staging([&] {
    RemoveTree(staging->c_str());
    UnregisterRun(handle);
  });
  if (id.switch_user && ::chown(staging->c_str(), id.uid, id.gid) != 0) {
    return OsError("chown", *staging);
  }
  std::string data = *staging + "/data";
  core::SubprocessOptions initdb;
  initdb.argv = {binaries.Tool("initdb"),
                 "--pgdata=" + data,
                 "--username=" + std::string(kSuperuser),
                 "--auth=trust",
                 "--encoding=UTF8",
                 "--no-locale",
                 "--no-sync",
                 "--wal-segsize=1"};
  initdb.env = ServerEnvironment();
  initdb.cwd = *staging;
  initdb.new_process_group = true;
  if (id.switch_user) {
    initdb.uid = id.uid;
    initdb.gid = id.gid;
  }
  core::Result<core::SubprocessResult> run = core::RunSubprocess(initdb);
  if (!run) return run.take_error();
  if (!run->ok()) {
    std::string reason = OneLine(run->err.empty() ? run->out : run->err);
    return EnvError("cannot create the PostgreSQL " + binaries.version + " template cluster: '" +
                    binaries.Tool("initdb") + "' " + run->Describe() + ": " + reason);
  }

  TrimWal(binaries, data, id);

  // Into the cache: a rename when both are on one file system, a copy otherwise; then one
  // rename makes it visible, so a reader never sees half a template.
  std::string incoming = cache_dir + "/" + name + ".new-XXXXXX";
  if (::mkdtemp(incoming.data()) == nullptr) return OsError("create a directory in", cache_dir);
  core::Defer remove_incoming([&] { RemoveTree(incoming.c_str()); });
  std::string incoming_data = incoming + "/data";
  if (::rename(data.c_str(), incoming_data.c_str()) != 0) {
    if (errno != EXDEV) return OsError("move the template to", incoming_data);
    if (::mkdir(incoming_data.c_str(), 0700) != 0) return OsError("create", incoming_data);
    core::Status copied = CopyTree(data, incoming_data, ServerIdentity{});
    if (!copied.ok()) return copied.error();
  }
  // No fsync: the template is a cache, and initdb --no-sync already skipped it.
  if (::rename(incoming_data.c_str(), final_path.c_str()) != 0) {
    return OsError("move the template to", final_path);
  }
  created = true;
  // Templates of older formats of this major version are of no more use.
  std::string prefix = "template-" + std::to_string(binaries.major) + "-v";
  if (DIR* d = ::opendir(cache_dir.c_str())) {
    std::vector<std::string> stale;
    while (struct dirent* e = ::readdir(d)) {
      std::string entry = e->d_name;
      if (entry.rfind(prefix, 0) == 0 && entry != name &&
          entry.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
        stale.push_back(cache_dir + "/" + entry);
      }
    }
    ::closedir(d);
    for (const std::string& dir : stale) {
      RemoveTree(dir.c_str());
      ::unlink((dir + ".lock").c_str());
    }
  }
  return final_path;
}

// PostgreSQL writes "ready" as line 8 of postmaster.pid once it accepts connections.
bool PostmasterReady(const std::string& data_dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::string line;
  for (int i = 1; i <= 8; ++i) {
    if (!std::getline(in, line)) return false;
  }
  return line.rfind("ready", 0) == 0;
}

void SleepMs(double ms) {
  struct timespec ts = {0, static_cast<long>(ms * 1e6)};
  ::nanosleep(&ts, nullptr);
}

std::string ConninfoValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string DefaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/pgstate";
  if (::geteuid() == 0) return "/var/cache/pgstate";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::string(home) + "/.cache/pgstate";
  return "/tmp/pgstate-cache-" + std::to_string(::geteuid());
}

std::string TemplatePath(const std::string& cache_dir, int major) {
  return cache_dir + "/template-" + std::to_string(major) + "-v" + std::to_string(kTemplateFormat);
}

std::optional<std::string> ExistingServerUser() {
  // Never "postgres": that account owns the machine's other clusters, which a server run as it
  // could read (COPY … TO PROGRAM in a schema runs as the server's user).
  for (const char* name : {"pgstate"}) {
    if (LookUpUser(name)) return std::string(name);
  }
  return std::nullopt;
}

std::string DefaultRunsRoot() {
  std::string suffix = "/pgstate-runs-" + std::to_string(::geteuid());
  const char* tmp = std::getenv("TMPDIR");
  std::string base = "/tmp";
  if (tmp && *tmp == '/') {
    base = tmp;
  } else {
    // A throwaway cluster belongs in memory: copying and deleting ~30 MB of data directory on
    // tmpfs costs a fraction of what a disk costs. /dev/shm qualifies when it is a tmpfs with
    // room to spare (containers often give it only 64 MB).
    struct statfs fs {};
    if (::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
        static_cast<unsigned long long>(fs.f_bavail) * fs.f_bsize >= (1ULL << 30) &&
        ::access("/dev/shm", W_OK | X_OK) == 0) {
      base = "/dev/shm";
    }
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  // <root>/run-XXXXXX/sock/.s.PGSQL.5432 must fit a Unix socket path (107 bytes).
  if (base.size() + suffix.size() + 32 > 107) base = "/tmp";
  return base + suffix;
}

core::Result<std::unique_ptr<EphemeralCluster>> EphemeralCluster::Start(
    const ClusterOptions& options) {
  std::unique_ptr<EphemeralCluster> cluster(new EphemeralCluster());
  StartTimings& t = cluster->timings_;
  Clock::time_point step = Clock::now();

  core::Result<PostgresBinaries> binaries = FindPostgresBinaries(options.binaries);
  if (!binaries) return binaries.take_error();
  cluster->binaries_ = *binaries;
  t.binaries_ms = MsSince(step);

  core::Result<ServerIdentity> id = ResolveIdentity(options.server_user);
  if (!id) return id.take_error();
  std::string runs_root = options.runs_root.empty() ? DefaultRunsRoot() : options.runs_root;
  // 0711: the server user (as root) must pass through to its run directory, nobody may list.
  core::Status root_ok = EnsureOwnDir(runs_root, 0711);
  if (!root_ok.ok()) return root_ok.error();
  InstallCleanupHandlers();
  CleanStaleRuns(runs_root);

  step = Clock::now();
  std::string cache_dir = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  core::Result<std::string> template_dir =
      EnsureTemplate(*binaries, cache_dir, runs_root, *id, t.cold);
  if (!template_dir) return template_dir.take_error();
  t.template_ms = t.cold ? MsSince(step) : 0;

  step = Clock::now();
  core::Result<std::string> run_dir = MakeRunDir(runs_root, "run-");
  if (!run_dir) return run_dir.take_error();
  cluster->run_dir_ = *run_dir;
  cluster->cleanup_handle_ = RegisterRun(*run_dir);
  // From here on the destructor cleans up whatever exists.
  cluster->data_dir_ = *run_dir + "/data";
  cluster->socket_dir_ = *run_dir + "/sock";
  if (::mkdir(cluster->data_dir_.c_str(), 0700) != 0) {
    return OsError("create", cluster->data_dir_);
  }
  if (::mkdir(cluster->socket_dir_.c_str(), 0700) != 0) {
    return OsError("create", cluster->socket_dir_);
  }
  if (id->switch_user) {
    for (const std::string& dir : {*run_dir, cluster->data_dir_, cluster->socket_dir_}) {
      if (::chown(dir.c_str(), id->uid, id->gid) != 0) return OsError("chown", dir);
    }
  }
  core::Status copied = CopyTree(*template_dir, cluster->data_dir_, *id);
  if (!copied.ok()) return copied.error();
  t.copy_ms = MsSince(step);

  step = Clock::now();
  core::SubprocessOptions postgres;
  postgres.argv = {binaries->Tool("postgres"), "-D", cluster->data_dir_, "-p",
                   std::to_string(kPort), "-c", "listen_addresses=", "-c",
                   "unix_socket_directories=" + cluster->socket_dir_, "-c", "fsync=off", "-c",
                   "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "autovacuum=off",
                   "-c", "wal_level=minimal", "-c", "max_wal_senders=0", "-c", "huge_pages=off",
                   // Dynamic shared memory in the data directory: an immediate shutdown (or a
                   // killed server) then leaves nothing behind in /dev/shm.
                   "-c", "dynamic_shared_memory_type=mmap", "-c", "jit=off", "-c",
                   "log_min_messages=warning", "-c", "logging_collector=off"};
  postgres.env = ServerEnvironment();
  postgres.cwd = *run_dir;
  postgres.new_process_group = true;
  postgres.output_file = *run_dir + "/server.log";
  if (id->switch_user) {
    postgres.uid = id->uid;
    postgres.gid = id->gid;
  }
  core::Result<core::Subprocess> server = core::Subprocess::Spawn(postgres);
  if (!server) return server.take_error();
  cluster->server_ = std::move(*server);
  SetRunProcess(cluster->cleanup_handle_, cluster->server_.pid(), SIGQUIT);

  std::string what = "cannot start PostgreSQL " + binaries->version + " in '" + *run_dir + "'";
  for (double waited = 0;; waited += 1) {
    if (PostmasterReady(cluster->data_dir_)) break;
    if (std::optional<core::SubprocessResult> ended = cluster->server_.Poll()) {
      SetRunProcess(cluster->cleanup_handle_, 0, 0);
      return EnvError(what + ": the server " + ended->Describe() + ": " +
                      LogReason(*run_dir + "/server.log"));
    }
    if (waited > options.start_timeout_ms) {
      return EnvError(what + ": the server did not accept connections within " +
                      std::to_string(options.start_timeout_ms / 1000) +
                      " s: " + LogReason(*run_dir + "/server.log"));
    }
    SleepMs(1);
  }
  core::Result<Connection> admin = Connection::Open(cluster->ConnectionString());
  if (!admin) return core::Error(core::kExitEnvironment, what + ": " + admin.error().message);
  cluster->server_version_ = admin->server_version();
  // The full version ("15.18") when the path only told the major one.
  if (core::Result<QueryResult> v = admin->Query("SHOW server_version"); v && !v->rows.empty()) {
    std::string version = v->rows[0][0].value_or("");
    cluster->binaries_.version = version.substr(0, version.find(' '));
  }
  cluster->admin_.emplace(std::move(*admin));
  t.start_ms = MsSince(step);
  return cluster;
}

EphemeralCluster::~EphemeralCluster() { Stop(); }

void EphemeralCluster::Stop() {
  admin_.reset();
  if (RunCleanedUp(cleanup_handle_)) {
    // The exit handler got here first (a cluster destroyed after exit() began).
    server_.Release();
    run_dir_.clear();
    return;
  }
  if (server_.running()) {
    StopProcess(server_.pid(), SIGQUIT, 10000);
    server_.Release();  // reaped by StopProcess
  }
  // The server is gone: a signal arriving now must not signal its (reusable) pid.
  SetRunProcess(cleanup_handle_, 0, 0);
  if (!run_dir_.empty()) {
    RemoveTree(run_dir_.c_str());
    run_dir_.clear();
  }
  UnregisterRun(cleanup_handle_);
  cleanup_handle_ = -1;
}

std::string EphemeralCluster::ConnectionString(const std::string& dbname) const {
  // Every parameter a PG* variable could set is given explicitly.
  return "host=" + ConninfoValue(socket_dir_) + " port=" + std::to_string(kPort) +
         " user=" + kSuperuser + " dbname=" + ConninfoValue(dbname) +
         " sslmode=disable gssencmode=disable options='' application_name=pgstate"
         " client_encoding=UTF8 connect_timeout=10";
}

core::Result<ScratchDatabase> EphemeralCluster::CreateDatabase(std::string_view purpose,
                                                               std::string_view from_database) {
  if (!admin_) return EnvError("the ephemeral PostgreSQL server is stopped");
  ScratchDatabase db;
  db.name = UniqueDatabaseName(purpose);
  db.conninfo = ConnectionString(db.name);
  std::string sql = "CREATE DATABASE " + QuoteIdentifier(db.name) + " TEMPLATE " +
                    QuoteIdentifier(from_database.empty() ? "template1" : from_database);
  // FILE_COPY (PostgreSQL 15+) copies the files and checkpoints, which with fsync off is several
  // times faster than WAL-logging every block of a small template.
  if (server_version_ >= 150000) sql += " STRATEGY FILE_COPY";
  SqlStatus created = admin_->Execute(sql);
  if (!created.ok()) {
    return EnvError("cannot create the scratch database '" + db.name + "' in " + Describe() + ": " +
                    created.error().message);
  }
  return db;
}

core::Status EphemeralCluster::DropDatabase(const ScratchDatabase& database) {
  if (!admin_) return {};
  SqlStatus dropped = admin_->Execute("DROP DATABASE IF EXISTS " + QuoteIdentifier(database.name) +
                                      (server_version_ >= 130000 ? " WITH (FORCE)" : ""));
  if (!dropped.ok()) {
    return EnvError("cannot drop the scratch database '" + database.name +
                    "': " + dropped.error().message);
  }
  return {};
}

std::string EphemeralCluster::Describe() const {
  return "ephemeral PostgreSQL " + binaries_.version + " in '" + run_dir_ + "'";
}

}  // namespace pgstate::db
