#pragma once
// What the repository's migrations are, and how they stand against a database's migrations
// table: pending (and late), applied, edited since applied, applied but missing from the
// repository, or folded into the baseline.

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "migrate/migration_files.h"
#include "migrate/migrations_table.h"

namespace pgstate::migrate {

/// One migration file of the repository with its content.
struct LocalMigration {
  MigrationFile file;  ///< file.path is repository-relative ("db/migrations/2024…_x.sql")
  std::string text;
  std::string hash;  ///< Sha256Hex(text)
};

/// The baseline and the pending migrations of a repository, read from its work tree.
struct MigrationSource {
  std::string baseline_path;                    ///< repository-relative
  std::optional<std::string> baseline_text;     ///< nullopt when the file does not exist
  std::optional<std::string> baseline_version;  ///< from the header, when there is one
  std::vector<LocalMigration> migrations;       ///< sorted by version
};

/// Reads config.baseline and the migrations in config.migrations_dir below `root`. A file with
/// an invalid name or two files with one version are errors (kExitBadInput) naming them: a
/// migration that would be skipped silently is worse than no run.
core::Result<MigrationSource> LoadMigrationSource(const std::string& root,
                                                  const config::Config& config);

enum class MigrationState {
  kPending,   ///< in the repository, not recorded
  kApplied,   ///< recorded; the hash matches, or there is no hash to compare
  kEdited,    ///< recorded with a hash that differs from the file's current content
  kMissing,   ///< recorded, newer than the baseline, and no file has its version
  kBaseline,  ///< recorded, no file, at or below the baseline's version: folded into it
};

/// "pending", "applied", "edited", "missing", "in baseline".
const char* StateName(MigrationState state);

struct HistoryEntry {
  std::string version;
  MigrationState state = MigrationState::kPending;
  std::string path;  ///< the file (empty for kMissing and kBaseline)
  /// kPending only: its version is older than the newest recorded one (a branch merged late).
  bool late = false;
  std::optional<std::string> recorded_hash;
  std::string applied_at;  ///< recorded rows: the "create" column
};

/// Every version of the repository and the table, in version order. `local` sorted by version.
std::vector<HistoryEntry> CompareHistory(const std::vector<LocalMigration>& local,
                                         const TableState& table,
                                         const std::optional<std::string>& baseline_version);

}  // namespace pgstate::migrate
