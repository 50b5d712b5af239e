#pragma once
// Finding the PostgreSQL server binaries (initdb, postgres) of a major version on this machine.

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace pgstate::db {

/// One directory holding initdb and postgres, and the version they report.
struct PostgresBinaries {
  std::string bindir;  ///< e.g. "/usr/lib/postgresql/15/bin"
  int major = 0;       ///< 15
  /// "15.18" as `postgres --version` reports it; just "15" when the directory's path already
  /// says which major version it is (Debian's layout), which saves running it.
  std::string version;

  /// bindir + "/" + tool.
  std::string Tool(const std::string& tool) const { return bindir + "/" + tool; }
};

/// Where to look. The defaults are the machine's own: pg_config on $PATH, $PATH itself, then
/// /usr/lib/postgresql/<major>/bin (Debian and Ubuntu's layout).
struct BinarySearch {
  std::optional<int> major;         ///< the configured postgres.version; newest found when unset
  std::optional<std::string> path;  ///< a $PATH-style list; nullopt reads $PATH
  std::string lib_root = "/usr/lib/postgresql";
};

/// Every usable directory, in search order (pg_config, PATH, lib_root), without duplicates.
std::vector<PostgresBinaries> ListPostgresBinaries(const BinarySearch& search = {});

/// The binaries to use: the first directory of the requested major version, or the newest
/// version found. When there is none, a kExitEnvironment Error that says what was looked for and
/// how to install it, e.g.
///   cannot find the PostgreSQL 15 server binaries (initdb, postgres): looked in 'pg_config
///   --bindir', PATH and '/usr/lib/postgresql/15/bin'; install them, e.g. 'apt-get install
///   postgresql-15'
core::Result<PostgresBinaries> FindPostgresBinaries(const BinarySearch& search = {});

}  // namespace pgstate::db
