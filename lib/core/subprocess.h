#pragma once
// Child processes without a shell: an argv vector, an explicit environment, optionally another
// user's identity, and the child's output captured or sent to a file.
//
// Nothing here goes through /bin/sh, so arguments never need quoting. The child gets a clean
// start: default signal dispositions, an empty signal mask, and no inherited descriptors except
// stdin/stdout/stderr.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace pgstate::core {

struct SubprocessOptions {
  /// argv[0] is the program: a path, or a bare name looked up in $PATH.
  std::vector<std::string> argv;
  /// The child's whole environment ("NAME=value"); nullopt inherits ours.
  std::optional<std::vector<std::string>> env;
  /// Run as this user and group (needs privilege: the caller is root). Supplementary groups
  /// are reduced to `gid` alone.
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  /// Working directory of the child; empty keeps ours.
  std::string cwd;
  /// Written to the child's stdin, which is then closed. (Spawn: stdin is /dev/null.)
  std::string stdin_data;
  /// Put the child in a process group of its own, so a terminal's Ctrl-C reaches only us and we
  /// decide how the child stops.
  bool new_process_group = false;
  /// Spawn only: append the child's stdout and stderr to this file (created 0600); empty sends
  /// them to /dev/null.
  std::string output_file;
};

/// How a child ended and what it wrote.
struct SubprocessResult {
  int exit_code = -1;  ///< exit status, or -1 when it died of a signal
  int signal = 0;      ///< the signal that killed it, 0 if it exited
  std::string out;     ///< captured stdout (Run only)
  std::string err;     ///< captured stderr (Run only)

  bool ok() const { return signal == 0 && exit_code == 0; }
  /// "exited with status 3" or "killed by signal 9 (Killed)".
  std::string Describe() const;
};

/// Runs a child to completion and captures its stdout and stderr. An Error
/// (kExitEnvironment) only when the child could not be started at all (no such program, fork
/// failed, cannot switch user); a child that fails is a result with a non-zero status.
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options);

/// A child that runs while we do other things. Move-only. Destroying a Subprocess that is still
/// running kills it (SIGKILL) and reaps it.
class Subprocess {
 public:
  /// Starts the child. Errors as RunSubprocess.
  static Result<Subprocess> Spawn(const SubprocessOptions& options);

  /// An empty handle: no child.
  Subprocess() = default;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  /// True until the child has been reaped.
  bool running() const { return pid_ > 0; }
  /// Reaps the child if it has ended; nullopt while it still runs.
  std::optional<SubprocessResult> Poll();
  /// Waits for the child to end.
  SubprocessResult Wait();
  /// Sends `sig` to the child (if it still runs).
  void Signal(int sig);
  /// Forgets the child without killing it; returns its pid.
  pid_t Release();

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

/// Looks `name` up in `path_env` (a $PATH-style list); returns the first executable regular
/// file, or nullopt. A name containing '/' is returned as is when it is executable.
std::optional<std::string> FindExecutable(const std::string& name, const std::string& path_env);

/// Our environment minus every variable for which `drop(name)` is true.
template <typename Pred>
std::vector<std::string> FilteredEnvironment(Pred drop);

/// True while `pid` names a process that has not ended (zombies count as ended).
bool ProcessAlive(pid_t pid);

/// The start time of `pid` in clock ticks since boot (from /proc), or 0 if unknown. With the pid
/// it identifies a process even after its pid is reused.
unsigned long long ProcessStartTime(pid_t pid);

// Implementation of the template above.
std::vector<std::string> CurrentEnvironment();
template <typename Pred>
std::vector<std::string> FilteredEnvironment(Pred drop) {
  std::vector<std::string> env;
  for (std::string& entry : CurrentEnvironment()) {
    std::string name = entry.substr(0, entry.find('='));
    if (!drop(name)) env.push_back(std::move(entry));
  }
  return env;
}

}  // namespace pgstate::core
