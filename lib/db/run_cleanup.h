#pragma once
// Cleanup of ephemeral cluster directories on every exit path.
//
// A run registers its directory and, once started, its server process. The registry is read by
// handlers for SIGINT, SIGTERM and SIGHUP (and at exit), which stop each registered server and
// delete each directory using async-signal-safe calls only, then let the signal take its
// original course. A run that died without cleaning up (SIGKILL, a crash, a power cut) leaves an
// owner file behind; CleanStaleRuns removes such directories the next time a cluster starts.

#include <signal.h>
#include <sys/types.h>

#include <string>

namespace pgstate::db {

/// Installs the signal handlers once per process (later calls do nothing). A signal that was
/// ignored when this is first called stays ignored.
void InstallCleanupHandlers();

/// Registers `dir` for removal on a signal or at exit, by this process only (a forked child
/// that inherits the registry leaves it alone). Returns a handle for the calls below, or -1 when
/// the registry is full (then only the destructor path cleans up).
int RegisterRun(const std::string& dir);
/// Records the process to stop before `dir` is removed, and the signal that stops it (SIGQUIT is
/// PostgreSQL's immediate shutdown).
void SetRunProcess(int handle, pid_t pid, int stop_signal);
/// Forgets a run that its owner cleaned up itself.
void UnregisterRun(int handle);
/// True when a signal handler or the exit handler has already stopped and removed the run (its
/// server's pid may belong to another process by now).
bool RunCleanedUp(int handle);

/// Stops `pid` with `stop_signal` and waits until it has ended (SIGKILL after `timeout_ms`).
/// Async-signal-safe. Works for our own children (reaped) and for other processes (polled).
void StopProcess(pid_t pid, int stop_signal, int timeout_ms);
/// Removes a directory tree. Async-signal-safe; returns false if something stayed.
bool RemoveTree(const char* path);

/// The file in a run directory naming its owner: "<pid> <start time>\n".
inline constexpr const char* kOwnerFile = "owner";
/// Writes the owner file of `dir` for this process.
bool WriteOwnerFile(const std::string& dir);

/// Removes every directory under `runs_root` whose owner process is gone, after stopping the
/// PostgreSQL server still running in it (checked to be the one serving that directory).
/// A directory without an owner file is left alone unless it is older than a minute (its
/// owner may be creating it). Returns how many directories were removed.
int CleanStaleRuns(const std::string& runs_root);

}  // namespace pgstate::db
