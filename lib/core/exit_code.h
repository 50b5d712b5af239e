#pragma once
// Exit codes shared by every pgstate binary (see README, "Exit codes").

namespace pgstate::core {

enum ExitCode : int {
  kExitOk = 0,           ///< success, nothing to report
  kExitFindings = 1,     ///< lint findings, differences, failed verification
  kExitBadInput = 2,     ///< unreadable or invalid input (a file, a revision, a config)
  kExitEnvironment = 3,  ///< environment failure: no PostgreSQL binaries, cannot connect
  kExitFatal = 128,      ///< internal error: a bug
  kExitUsage = 129,      ///< bad command line, as in git
};

/// The merge driver's own protocol (git reads <= 128 as "conflicted").
inline constexpr int kMergeExitCannotMerge = 255;
inline constexpr int kMergeMaxConflictExit = 127;

}  // namespace pgstate::core
