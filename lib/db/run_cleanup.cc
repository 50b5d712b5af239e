#include "db/run_cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/subprocess.h"

namespace pgstate::db {

namespace {

// Registry slots. Everything a signal handler reads is either atomic or written before the slot
// is armed (a release store that the handler's acquire load pairs with).
enum SlotState : int { kFree = 0, kFilling = 1, kArmed = 2, kClaimed = 3 };

struct Slot {
  std::atomic<int> state{kFree};
  std::atomic<pid_t> owner{0};
  std::atomic<pid_t> process{0};
  std::atomic<int> stop_signal{0};
  char dir[PATH_MAX] = {};
};

constexpr int kSlots = 64;
Slot g_slots[kSlots];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[NSIG];
std::once_flag g_install_once;

// --- async-signal-safe helpers --------------------------------------------------------------

void SleepMs(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// Writes the decimal digits of `value` to `out` (which has room for 24 chars); returns the end.
char* FormatInt(long long value, char* out) {
  char digits[24];
  int n = 0;
  bool negative = value < 0;
  unsigned long long v = negative ? 0ULL - static_cast<unsigned long long>(value) : value;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  if (negative) *out++ = '-';
  while (n > 0) *out++ = digits[--n];
  *out = '\0';
  return out;
}

// True when `pid` no longer runs: it does not exist, or it is a zombie nobody reaped yet.
bool ProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  char path[64] = "/proc/";
  char* end = FormatInt(pid, path + 6);
  std::memcpy(end, "/stat", 6);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  char* close_paren = std::strrchr(buf, ')');
  if (close_paren == nullptr || close_paren[1] == '\0') return false;
  char state = close_paren[2];
  return state == 'Z' || state == 'X';
}

bool RemoveAt(int parent_fd, const char* name, int depth) {
  if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return true;
  if (errno != EISDIR && errno != EPERM) return false;
  int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;
  bool ok = true;
  // Entries vanish while we read; start over until a pass finds nothing left but . and ..
  for (int pass = 0; pass < 8; ++pass) {
    ::lseek(fd, 0, SEEK_SET);
    bool found = false;
    alignas(8) char buf[2048];
    for (;;) {
      long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name
        unsigned short reclen;
        std::memcpy(&reclen, buf + off + 16, sizeof reclen);
        const char* entry = buf + off + 19;
        off += reclen;
        if (std::strcmp(entry, ".") == 0 || std::strcmp(entry, "..") == 0) continue;
        found = true;
        if (depth >= 32 || !RemoveAt(fd, entry, depth + 1)) ok = false;
      }
    }
    if (!found || !ok) break;
  }
  ::close(fd);
  if (::unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) return ok;
  return false;
}

// Stops and removes every run this process armed. Async-signal-safe.
void CleanupOwnedRuns() {
  pid_t self = ::getpid();
  for (Slot& slot : g_slots) {
    if (slot.owner.load(std::memory_order_acquire) != self) continue;
    int expected = kArmed;
    if (!slot.state.compare_exchange_strong(expected, kClaimed, std::memory_order_acq_rel)) {
      continue;
    }
    pid_t process = slot.process.load();
    if (process > 0) StopProcess(process, slot.stop_signal.load(), 10000);
    RemoveTree(slot.dir);
  }
}

void OnSignal(int sig) {
  int saved_errno = errno;
  CleanupOwnedRuns();
  // Let the signal take its original course: restore what was there before and raise it again.
  // It is blocked while this handler runs, so it arrives as soon as we return.
  ::sigaction(sig, &g_previous[sig], nullptr);
  ::raise(sig);
  errno = saved_errno;
}

void OnExit() { CleanupOwnedRuns(); }

}  // namespace

void StopProcess(pid_t pid, int stop_signal, int timeout_ms) {
  if (pid <= 0) return;
  ::kill(pid, stop_signal);
  bool killed = false;
  for (int waited = 0;; ++waited) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return;
    if (r < 0 && errno != EINTR && ProcessGone(pid)) return;  // not our child: poll
    if (waited >= timeout_ms) {
      if (killed) return;
      ::kill(pid, SIGKILL);
      killed = true;
      waited = 0;
    }
    SleepMs(1);
  }
}

bool RemoveTree(const char* path) {
  if (path == nullptr || path[0] == '\0') return true;
  return RemoveAt(AT_FDCWD, path, 0);
}

void InstallCleanupHandlers() {
  std::call_once(g_install_once, [] {
    for (int sig : kSignals) {
      struct sigaction previous {};
      ::sigaction(sig, nullptr, &previous);
      g_previous[sig] = previous;
      if (previous.sa_handler == SIG_IGN) continue;
      struct sigaction action {};
      action.sa_handler = OnSignal;
      sigemptyset(&action.sa_mask);
      for (int other : kSignals) sigaddset(&action.sa_mask, other);
      action.sa_flags = SA_RESTART;
      ::sigaction(sig, &action, nullptr);
    }
    std::atexit(OnExit);
  });
}

int RegisterRun(const std::string& dir) {
  if (dir.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    Slot& slot = g_slots[i];
    int expected = kFree;
    if (!slot.state.compare_exchange_strong(expected, kFilling)) continue;
    std::memcpy(slot.dir, dir.c_str(), dir.size() + 1);
    slot.process.store(0);
    slot.stop_signal.store(0);
    slot.owner.store(::getpid());
    slot.state.store(kArmed, std::memory_order_release);
    return i;
  }
  return -1;
}

void SetRunProcess(int handle, pid_t pid, int stop_signal) {
  if (handle < 0 || handle >= kSlots) return;
  g_slots[handle].stop_signal.store(stop_signal);
  g_slots[handle].process.store(pid, std::memory_order_release);
}

void UnregisterRun(int handle) {
  if (handle < 0 || handle >= kSlots) return;
  int expected = kArmed;
  // A slot a signal handler claimed stays claimed: the process is on its way out.
  g_slots[handle].state.compare_exchange_strong(expected, kFree);
}

bool RunCleanedUp(int handle) {
  if (handle < 0 || handle >= kSlots) return false;
  return g_slots[handle].state.load() == kClaimed && g_slots[handle].owner.load() == ::getpid();
}

bool WriteOwnerFile(const std::string& dir) {
  std::string path = dir + "/" + kOwnerFile;
  std::ofstream out(path, std::ios::trunc);
  out << ::getpid() << " " << core::ProcessStartTime(::getpid()) << "\n";
  return static_cast<bool>(out.flush());
}

namespace {

// The first two lines of postmaster.pid: the server's pid and its data directory.
bool ReadPostmasterPid(const std::string& data_dir, pid_t& pid, std::string& dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::string line;
  if (!std::getline(in, line)) return false;
  pid = static_cast<pid_t>(std::atol(line.c_str()));
  if (!std::getline(in, dir)) return false;
  return pid > 0;
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return {};
  return resolved;
}

// A server is "the one serving `data_dir`" when it runs with that directory as its working
// directory (PostgreSQL changes into its data directory first thing).
bool ServesDirectory(pid_t pid, const std::string& data_dir) {
  char target[PATH_MAX];
  std::string link = "/proc/" + std::to_string(pid) + "/cwd";
  ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  target[n] = '\0';
  std::string real = RealPath(data_dir);
  return !real.empty() && real == target;
}

bool OwnerGone(const std::string& dir, bool& has_owner) {
  std::ifstream in(dir + "/" + kOwnerFile);
  long long pid = 0;
  unsigned long long start = 0;
  has_owner = static_cast<bool>(in >> pid >> start);
  if (!has_owner) return false;
  if (pid == ::getpid()) return false;
  if (!core::ProcessAlive(static_cast<pid_t>(pid))) return true;
  return start != 0 && core::ProcessStartTime(static_cast<pid_t>(pid)) != start;
}

}  // namespace

int CleanStaleRuns(const std::string& runs_root) {
  DIR* d = ::opendir(runs_root.c_str());
  if (d == nullptr) return 0;
  std::vector<std::string> candidates;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    candidates.push_back(runs_root + "/" + name);
  }
  ::closedir(d);
  int removed = 0;
  for (const std::string& dir : candidates) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    bool has_owner = false;
    bool gone = OwnerGone(dir, has_owner);
    if (!has_owner) gone = ::time(nullptr) - st.st_mtime > 60;
    if (!gone) continue;
    pid_t server = 0;
    std::string server_dir;
    std::string data_dir = dir + "/data";
    if (ReadPostmasterPid(data_dir, server, server_dir) && core::ProcessAlive(server) &&
        ServesDirectory(server, data_dir)) {
      StopProcess(server, SIGQUIT, 10000);
    }
    if (RemoveTree(dir.c_str())) ++removed;
  }
  return removed;
}

}  // namespace pgstate::db
