#pragma once
// migrate/: `pgstate migrate` — apply a repository's pending migrations to a database and keep
// its migrations table (migrations_table.h) up to date; `pgstate migrate status`.
//
// A run, under a session advisory lock (kAdvisoryLockKey) so two deployers never interleave:
//  1. An empty database (no table, no objects) is first built from the baseline, whose version
//     is recorded with a NULL hash. A database with objects but no table gets the table only.
//  2. In development, an applied migration whose file changed since (the hash differs) is rolled
//     back with every migration applied after it: through their `-- pgstate:down` sections when
//     all have one, otherwise by rebuilding the database from the baseline after a pg_dump
//     backup. Staging only warns about edited migrations.
//  3. Every migration not recorded in the table is applied in version order — also one older
//     than the newest recorded (a branch merged late: reported as late, never skipped). Each
//     runs in its own transaction together with the INSERT of its row, so a run killed at any
//     point leaves each migration either applied and recorded or neither; one whose first line
//     is `-- pgstate:no-transaction` runs statement by statement outside a transaction and is
//     recorded after its last statement. lock_timeout is set for each migration.
//  4. The first failure stops the run with the file:line:col PostgreSQL's error points at;
//     migrations before it stay applied and recorded.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "migrate/history.h"
#include "migrate/migrations_table.h"

namespace pgstate::migrate {

/// The pg_advisory_lock key every pgstate migrate takes ("pgstate" in ASCII).
inline constexpr int64_t kAdvisoryLockKey = 0x0070677374617465;

struct MigrateOptions {
  std::string url;  ///< libpq connection string of the target database
  Env env = Env::kDev;
  std::string lock_timeout = "5s";  ///< PostgreSQL interval syntax (config migrate.lockTimeout)
  std::string backup_dir;           ///< empty: DefaultBackupDir()
};

/// What happened, as it happens (for progress output).
struct MigrateEvent {
  enum class Kind {
    kWaitingForLock,  ///< another run holds the advisory lock
    kCreatedTable,    ///< detail: the environment
    kLoadedBaseline,  ///< subject: baseline path; detail: its version (may be empty)
    kApplying,        ///< subject: migration path; detail: "late: …" for a late one
    kApplied,         ///< subject: migration path; seconds
    kRolledBack,      ///< subject: migration path (through its down section)
    kBackup,          ///< subject: the backup's path
    kRebuilt,         ///< the database was emptied and rebuilt from the baseline
    kWarning,         ///< subject: what it is about; detail: the warning
  };
  Kind kind = Kind::kApplying;
  std::string subject;
  std::string detail;
  double seconds = 0;
};
using MigrateProgress = std::function<void(const MigrateEvent&)>;

struct MigrateReport {
  int applied = 0;      ///< migrations applied (reapplied ones included)
  int late = 0;         ///< of which were late
  int rolled_back = 0;  ///< through down sections
  bool rebuilt = false;
  std::optional<std::string> backup_path;
  /// The migration that failed (file:line:col and PostgreSQL's message); the run stopped there.
  std::optional<core::Error> failure;
};

/// Runs the steps above. Errors (no report at all): cannot connect (kExitEnvironment), a table
/// that does not match `env`, a failed backup. A failing migration is report.failure.
core::Result<MigrateReport> RunMigrate(const MigrateOptions& options, const MigrationSource& source,
                                       const MigrateProgress& progress = {});

/// Rebuilds the database `url` from `source`'s baseline: a pg_dump backup into `backup_dir`
/// (DefaultBackupDir() when empty) whose path is returned, then everything in it is dropped,
/// the baseline loaded and its version recorded (NULL hash) in a new migrations table for
/// `env`. Runs under the advisory lock. Errors: cannot connect, backup or load failed.
core::Result<std::string> RecreateFromBaseline(const std::string& url,
                                               const MigrationSource& source, Env env,
                                               const std::string& backup_dir);

/// `pgstate migrate status`: the table as it is and how each version stands.
struct StatusReport {
  TableState table;
  std::vector<HistoryEntry> entries;  ///< in version order

  /// True when nothing is pending, edited or missing.
  bool UpToDate() const;
};

/// Reads the table of `url` (read-only: nothing is created or locked) and compares it with
/// `source`. Errors: cannot connect, a table of the wrong shape.
core::Result<StatusReport> ReadStatus(const std::string& url, const MigrationSource& source);

/// One line for a progress event ("applied db/migrations/2024…_x.sql (0.02 s)"); empty for
/// events that print nothing.
std::string DescribeEvent(const MigrateEvent& event);

/// The closing line of a run: "2 migrations applied (1 late)", "database is up to date".
std::string SummarizeRun(const MigrateReport& report);

/// `migrate status` as text: one line per version ("pending  db/migrations/…", "applied …"),
/// then a summary line.
std::string RenderStatus(const StatusReport& report);

/// The directory a command works in: the root of the git work tree containing `start`, or
/// `start` itself outside a repository when it holds a .pgstate (a deploy from an exported
/// tree). Error (kExitBadInput) elsewhere: migrating "nothing" from a wrong directory must not
/// look like an up-to-date database.
core::Result<std::string> ProjectRoot(const std::string& start);

}  // namespace pgstate::migrate
