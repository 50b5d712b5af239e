#pragma once
// setup/: putting pgstate into a repository and taking it out again.
//
// `pgstate init` is a plan of small, idempotent actions (write .pgstate, add .gitattributes
// lines, set the merge driver in the repository's config, install hooks, create db/ folders).
// Each action is computed first, so --dry-run can print the plan and change nothing, and a
// second run finds nothing to do. What init added is recorded in <git-common-dir>/pgstate/
// init-state so `pgstate init --uninstall` removes exactly that and nothing else.
//
// With a database URL (--from-url) init also writes the baseline and the desired-state files
// from that database's schema (see import.h). It never overwrites: a baseline or schema file
// that already holds something else is an error, and nothing is written.

#include <string>
#include <vector>

#include "core/error.h"

namespace pgstate::setup {

/// The git hooks pgstate installs.
inline constexpr const char* kHookNames[] = {"pre-commit", "pre-push", "post-merge",
                                             "post-checkout"};

/// The marker line that identifies a hook file written by pgstate init.
inline constexpr const char kHookMarker[] = "# pgstate-hook: installed by 'pgstate init'";

/// Suffix under which an existing hook that pgstate did not write is kept and chained.
inline constexpr const char kChainedSuffix[] = ".pre-pgstate";

struct InitOptions {
  std::string path = ".";  ///< somewhere inside the repository's work tree
  bool dry_run = false;
  bool uninstall = false;
  /// Directory holding the pgstate binaries (pgstate-merge, pgstate-check, …): written into the
  /// merge driver command and the hooks' PATH.
  std::string bin_dir;
  /// Directory holding the hook scripts (share/pgstate/hooks, or hooks/ of a source tree).
  std::string hooks_source_dir;
  /// --from-url: start the baseline and the desired state from this database's schema.
  std::string from_url;
  /// --split: one desired-state file per table (view, type, routine) instead of per schema.
  bool split = false;
};

struct InitReport {
  std::string repo_root;
  /// One line per change made (or, with dry_run, that would be made), in order.
  std::vector<std::string> actions;
};

/// Sets up (or with options.uninstall, removes) pgstate in the repository at options.path.
/// Errors: not a git repository, unwritable files (kExitBadInput / kExitEnvironment).
core::Result<InitReport> RunInit(const InitOptions& options);

/// The merge driver command line written to merge.pgstate.driver.
std::string MergeDriverCommand(const std::string& bin_dir);

/// The directory git runs hooks from for this repository: core.hooksPath (relative paths are
/// relative to the work tree root) or <git-common-dir>/hooks.
core::Result<std::string> HooksDirectory(const std::string& repo_path);

}  // namespace pgstate::setup
