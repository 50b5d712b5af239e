#pragma once
// `pgstate doctor`: is this machine and this repository ready for pgstate, and if not, what to do.
//
// RunDoctor looks, never changes anything: the pgstate binaries and their version, the
// PostgreSQL server binaries, the user the ephemeral server runs as, the template cache, then
// (inside a git work tree) .pgstate, the hooks and the merge driver. Each check is one line,
// ok or a problem with a concrete fix. Outside a repository the repository checks are skipped,
// which is not a problem: an installation can be checked on its own.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pgstate::setup {

/// One line of the report.
struct Check {
  std::string name;    ///< "hooks", "merge driver", …: stable, for --format json
  bool ok = true;      ///< false: a problem
  std::string detail;  ///< what was found, in words
  std::string fix;     ///< for a problem: the command or action that fixes it; "" when ok
};

struct DoctorOptions {
  std::string path = ".";  ///< somewhere inside the repository (or any directory)
  std::string bin_dir;     ///< directory of the running pgstate binaries
  std::string path_env;    ///< the $PATH to search for binaries
  std::string cache_dir;   ///< template cache; empty: db::DefaultCacheDir()
  std::string pg_lib_root = "/usr/lib/postgresql";  ///< where PostgreSQL majors are installed
};

/// Runs every check, in order; what cannot be checked is itself a problem line. The only error
/// (kExitBadInput): options.path is not a directory.
core::Result<std::vector<Check>> RunDoctor(const DoctorOptions& options);

/// Number of problems in `checks`.
size_t CountProblems(const std::vector<Check>& checks);

/// "pgstate doctor: 8 checks, 1 problem" / "pgstate doctor: 5 checks, no problems".
std::string DoctorSummary(const std::vector<Check>& checks);

/// The human report: "ok       name: detail", or "problem  name: detail" and an indented
/// "fix: …" line, then the summary. `color`: ANSI colors for ok and problem.
std::string RenderDoctorHuman(const std::vector<Check>& checks, bool color);

/// The JSON report (docs/doctor-json.md).
std::string RenderDoctorJson(const std::vector<Check>& checks);

/// What a hook wrapper written by `pgstate init` runs: the bin dir it puts first on PATH and the
/// hook script it calls. Empty fields when the text does not say (not our wrapper).
struct HookWrapperInfo {
  std::string bin_dir;
  std::string hook_script;
};
HookWrapperInfo ParseHookWrapper(std::string_view text);

/// The pgstate binaries a hook script calls ("pgstate-check"), in order of first use; comment
/// lines are ignored.
std::vector<std::string> BinariesCalled(std::string_view script);

/// The program of a shell command line: its first word ("/opt/bin/pgstate-merge" of
/// "/opt/bin/pgstate-merge --marker-size %L …"). Quotes around it are removed.
std::string FirstWord(std::string_view command);

}  // namespace pgstate::setup
