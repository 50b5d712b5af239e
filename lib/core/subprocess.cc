#include "core/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#if defined(__linux__)
#include <linux/close_range.h>
#include <sys/syscall.h>
#endif

extern char** environ;

namespace pgstate::core {

namespace {

// Everything the child needs, prepared before fork: between fork and exec only
// async-signal-safe calls are allowed, so no allocation happens there.
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  bool inherit_env = true;
};

// Which step of the child's setup failed, sent back through the exec-error pipe.
enum ChildStep : int {
  kStepDup = 1,
  kStepChdir,
  kStepSetgroups,
  kStepSetgid,
  kStepSetuid,
  kStepExec,
};

const char* StepName(int step) {
  switch (step) {
    case kStepDup:
      return "set up descriptors for";
    case kStepChdir:
      return "change directory for";
    case kStepSetgroups:
    case kStepSetgid:
      return "switch group for";
    case kStepSetuid:
      return "switch user for";
    default:
      return "run";
  }
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Result<ChildPlan> Prepare(const SubprocessOptions& options) {
  if (options.argv.empty()) return Error(kExitFatal, "cannot run a process without a program");
  ChildPlan plan;
  const std::string& name = options.argv[0];
  if (name.find('/') != std::string::npos) {
    plan.program = name;
  } else {
    const char* path = std::getenv("PATH");
    std::optional<std::string> found =
        FindExecutable(name, path ? path : "/usr/local/bin:/usr/bin:/bin");
    if (!found) return Error(kExitEnvironment, "cannot find '" + name + "' in PATH");
    plan.program = *found;
  }
  plan.argv_storage = options.argv;
  for (std::string& a : plan.argv_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  if (options.env) {
    plan.inherit_env = false;
    plan.env_storage = *options.env;
    for (std::string& e : plan.env_storage) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
  }
  return plan;
}

[[noreturn]] void ChildFail(int error_fd, int step) {
  int payload[2] = {step, errno};
  ssize_t ignored = ::write(error_fd, payload, sizeof payload);
  (void)ignored;
  ::_exit(127);
}

// Runs in the child after fork. `in`, `out`, `err` become fds 0, 1, 2.
[[noreturn]] void ChildMain(const ChildPlan& plan, const SubprocessOptions& options, int in,
                            int out, int err, int error_fd) {
  // Undo what our process may have set up: handlers are reset by exec, but ignored signals and
  // the mask are inherited.
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (options.new_process_group) ::setpgid(0, 0);

  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ChildFail(error_fd, kStepDup);
#if defined(__linux__) && defined(CLOSE_RANGE_CLOEXEC)
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
  if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ChildFail(error_fd, kStepChdir);
  if (options.gid) {
    gid_t gid = *options.gid;
    if (::setgroups(1, &gid) != 0) ChildFail(error_fd, kStepSetgroups);
    if (::setgid(gid) != 0) ChildFail(error_fd, kStepSetgid);
  }
  if (options.uid && ::setuid(*options.uid) != 0) ChildFail(error_fd, kStepSetuid);
  char** envp = plan.inherit_env ? environ : const_cast<char**>(plan.envp.data());
  ::execve(plan.program.c_str(), const_cast<char**>(plan.argv.data()), envp);
  ChildFail(error_fd, kStepExec);
}

// Forks and execs; returns the pid once exec succeeded. The parent's ends of `in`/`out`/`err`
// are not touched; the caller closes the child's ends afterwards.
Result<pid_t> ForkExec(const ChildPlan& plan, const SubprocessOptions& options, int in, int out,
                       int err) {
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    return Error(kExitEnvironment, std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    return Error(kExitEnvironment,
                 "cannot start '" + plan.program + "': fork failed: " + std::strerror(e));
  }
  if (pid == 0) {
    ::close(error_pipe[0]);
    ChildMain(plan, options, in, out, err, error_pipe[1]);
  }
  ::close(error_pipe[1]);
  int payload[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(error_pipe[0], payload, sizeof payload);
  } while (n < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof payload)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return Error(kExitEnvironment, std::string("cannot ") + StepName(payload[0]) + " '" +
                                       plan.program + "': " + std::strerror(payload[1]));
  }
  return pid;
}

SubprocessResult FromStatus(int status) {
  SubprocessResult r;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  return r;
}

int OpenDevNull(int flags) { return ::open("/dev/null", flags | O_CLOEXEC); }

// A write to a pipe whose reader has gone must fail with EPIPE, not kill us with SIGPIPE: block
// the signal in this thread for the call and consume it if it was raised.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = ::write(fd, data, size);
  int saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return n;
}

}  // namespace

std::string SubprocessResult::Describe() const {
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(exit_code);
}

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options) {
  Result<ChildPlan> plan = Prepare(options);
  if (!plan) return plan.take_error();
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in, out, err}) {
      CloseFd(p[0]);
      CloseFd(p[1]);
    }
  };
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    close_all();
    return Error(kExitEnvironment, std::string("cannot create a pipe: ") + std::strerror(e));
  }
  Result<pid_t> pid = ForkExec(*plan, options, in[0], out[1], err[1]);
  CloseFd(in[0]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  if (!pid) {
    close_all();
    return pid.take_error();
  }

  // Feed stdin and drain stdout/stderr together, so a chatty child never blocks on a full pipe.
  SubprocessResult result;
  size_t written = 0;
  if (options.stdin_data.empty()) CloseFd(in[1]);
  if (in[1] >= 0) ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  char buffer[1 << 15];
  while (out[0] >= 0 || err[0] >= 0 || in[1] >= 0) {
    struct pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out[0] >= 0) fds[out_i = n++] = {out[0], POLLIN, 0};
    if (err[0] >= 0) fds[err_i = n++] = {err[0], POLLIN, 0};
    if (in[1] >= 0) fds[in_i = n++] = {in[1], POLLOUT, 0};
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int index, int& fd, std::string& into) {
      if (index < 0 || fds[index].revents == 0) return;
      ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got > 0) {
        into.append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseFd(fd);
      }
    };
    drain(out_i, out[0], result.out);
    drain(err_i, err[0], result.err);
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t put = WriteNoSigpipe(in[1], options.stdin_data.data() + written,
                                   options.stdin_data.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      if ((put < 0 && errno != EINTR && errno != EAGAIN) || written == options.stdin_data.size()) {
        CloseFd(in[1]);
      }
    }
  }
  close_all();
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  SubprocessResult ended = FromStatus(status);
  result.exit_code = ended.exit_code;
  result.signal = ended.signal;
  return result;
}

Result<Subprocess> Subprocess::Spawn(const SubprocessOptions& options) {
  Result<ChildPlan> plan = Prepare(options);
  if (!plan) return plan.take_error();
  int in = OpenDevNull(O_RDONLY);
  int out = options.output_file.empty()
                ? OpenDevNull(O_WRONLY)
                : ::open(options.output_file.c_str(),
                         O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (in < 0 || out < 0) {
    int e = errno;
    CloseFd(in);
    CloseFd(out);
    return Error(kExitEnvironment,
                 "cannot open the output file '" + options.output_file + "': " + std::strerror(e));
  }
  Result<pid_t> pid = ForkExec(*plan, options, in, out, out);
  CloseFd(in);
  CloseFd(out);
  if (!pid) return pid.take_error();
  return Subprocess(*pid);
}

Subprocess::Subprocess(Subprocess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    if (running()) {
      Signal(SIGKILL);
      Wait();
    }
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (running()) {
    Signal(SIGKILL);
    Wait();
  }
}

std::optional<SubprocessResult> Subprocess::Poll() {
  if (!running()) return std::nullopt;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  pid_ = -1;
  if (r < 0) return SubprocessResult{};  // reaped elsewhere: the status is lost
  return FromStatus(status);
}

SubprocessResult Subprocess::Wait() {
  if (!running()) return SubprocessResult{};
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  pid_ = -1;
  if (r < 0) return SubprocessResult{};
  return FromStatus(status);
}

void Subprocess::Signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

pid_t Subprocess::Release() {
  pid_t p = pid_;
  pid_ = -1;
  return p;
}

std::optional<std::string> FindExecutable(const std::string& name, const std::string& path_env) {
  auto usable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (usable(name)) return name;
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    std::string dir = path_env.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (usable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

namespace {

// The fields of /proc/<pid>/stat after the command name (which may contain spaces and ')').
std::optional<std::vector<std::string>> StatFields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  std::string f;
  while (rest >> f) fields.push_back(f);
  return fields;
}

}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::optional<std::vector<std::string>> fields = StatFields(pid);
  if (!fields) return ::kill(pid, 0) == 0 || errno == EPERM;
  // Field 3 of stat is the state; it is the first after the command name.
  return !fields->empty() && (*fields)[0] != "Z" && (*fields)[0] != "X";
}

unsigned long long ProcessStartTime(pid_t pid) {
  std::optional<std::vector<std::string>> fields = StatFields(pid);
  // starttime is field 22 of stat; fields here start at field 3.
  if (!fields || fields->size() < 20) return 0;
  return std::strtoull((*fields)[19].c_str(), nullptr, 10);
}

}  // namespace pgstate::core
