#pragma once
// `pgstate check`: finds a repository's schema files, baseline and migrations (per .pgstate),
// reads them from the work tree or the index, and lints them (lint.h).
//
// In a repository, the model always holds every schema file, so references resolve across
// files; the paths given only narrow what is reported. Paths in diagnostics are
// repository-relative. Outside a repository, the files named on the command line (directories:
// every *.sql below them) are checked as they are: a file in a directory named like the
// migrations folder's last component ("migrations") is a migration, the configured baseline path
// is the baseline, anything else a schema file.

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "schema/modules.h"

namespace pgstate::lint {

struct CheckOptions {
  std::vector<std::string> paths;  ///< files or directories to report on, relative to `cwd`
  bool staged = false;             ///< read the git index instead of the work tree
  std::string cwd;                 ///< where the command runs; "" = the current directory
};

struct CheckResult {
  std::vector<core::Diagnostic> diagnostics;  ///< sorted by file, line, column, rule
  size_t files_checked = 0;
  /// --staged and the index changes no schema, baseline, migration or .pgstate file compared
  /// with HEAD: nothing was parsed.
  bool nothing_staged = false;
  /// With modules configured: the modules of the staged schema files (--staged) or of the
  /// schema files under the paths given, counting those files, so a change can be routed to its
  /// owners. Empty for a check of everything.
  std::vector<schema::ModuleTouch> modules;
};

/// Runs the check. Errors (kExitBadInput): bad .pgstate ("'.pgstate': check.disable names
/// unknown rule 'x'"), a path that names nothing ("pathspec 'x' did not match any file"),
/// --staged outside a repository, unreadable files or index, unresolved merge conflicts.
core::Result<CheckResult> RunCheck(const CheckOptions& options);

}  // namespace pgstate::lint
