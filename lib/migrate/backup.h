#pragma once
// Logical backups (pg_dump) taken before pgstate rebuilds a database, and the rebuild's first
// step: emptying a database of everything but its roles' settings.

#include <string>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::migrate {

/// Where backups go when no directory is given: $XDG_STATE_HOME/pgstate/backups, else
/// $HOME/.local/state/pgstate/backups.
std::string DefaultBackupDir();

/// Runs pg_dump (the newest installed: it can dump older servers) of the database `conninfo`
/// into `<dir>/<database>-<UTC yyyymmddHHMMSS>.sql` (made unique if taken; created 0600) and
/// returns that path. Errors: kExitEnvironment when pg_dump is not found or fails (its last
/// lines of output in the message); the partial file is removed.
core::Result<std::string> BackupDatabase(const std::string& conninfo, const std::string& dir);

/// Runs pg_dump with `extra_args` (e.g. --schema-only) of `conninfo` and returns its output.
/// Errors as BackupDatabase.
core::Result<std::string> RunPgDump(const std::string& conninfo,
                                    const std::vector<std::string>& extra_args);

/// Drops every schema except the system ones, every extension but plpgsql and every event
/// trigger, then recreates schema public as a fresh database has it. Runs in one transaction:
/// on failure the database is as it was.
core::Status WipeDatabase(db::Connection& connection);

}  // namespace pgstate::migrate
