#include "migrate/history.h"

#include <unistd.h>

#include <map>

#include "core/file.h"
#include "core/text.h"

namespace pgstate::migrate {

using core::Error;
using core::kExitBadInput;

core::Result<MigrationSource> LoadMigrationSource(const std::string& root,
                                                  const config::Config& config) {
  MigrationSource source;
  source.baseline_path = config.baseline;
  for (const std::string& path : {config.baseline, config.migrations_dir}) {
    if (auto inside = core::CheckInside(root, path); !inside.ok()) return inside.take_error();
  }
  std::string baseline_file = root + "/" + config.baseline;
  if (::access(baseline_file.c_str(), F_OK) == 0) {
    auto text = core::ReadFile(baseline_file);
    if (!text.ok()) return text.take_error();
    if (auto bad = core::CheckSqlText(config.baseline, *text); !bad.ok()) return bad.take_error();
    auto version = ParseBaselineVersion(*text);
    if (!version.ok()) {
      Error error = version.take_error();
      error.location = core::SourceLocation{config.baseline, 1, 1};
      return error;
    }
    source.baseline_version = *version;
    source.baseline_text = std::move(*text);
  }

  auto listing = ListMigrations(root + "/" + config.migrations_dir);
  if (!listing.ok()) return listing.take_error();
  if (!listing->invalid.empty()) {
    const InvalidMigrationName& bad = listing->invalid.front();
    std::string name = bad.path.substr(bad.path.rfind('/') + 1);
    return Error(kExitBadInput, bad.reason,
                 core::SourceLocation{config.migrations_dir + "/" + name, 0, 0});
  }
  if (!listing->duplicates.empty()) {
    DuplicateVersion duplicate = listing->duplicates.front();
    auto relative = [&](const std::string& path) {
      return config.migrations_dir + "/" + path.substr(path.rfind('/') + 1);
    };
    duplicate.path = relative(duplicate.path);
    duplicate.first_path = relative(duplicate.first_path);
    return Error(kExitBadInput, DuplicateVersionMessage(duplicate) + ": " + kDuplicateVersionHint,
                 core::SourceLocation{duplicate.path, 0, 0});
  }
  for (MigrationFile& file : listing->migrations) {
    std::string relative = config.migrations_dir + "/" + file.name;
    if (auto inside = core::CheckInside(root, relative); !inside.ok()) return inside.take_error();
    auto text = core::ReadFile(file.path);
    if (!text.ok()) return text.take_error();
    LocalMigration local;
    file.path = config.migrations_dir + "/" + file.name;
    // Nothing is applied from a source with one unusable file.
    if (auto bad = core::CheckSqlText(file.path, *text); !bad.ok()) return bad.take_error();
    local.file = std::move(file);
    local.hash = Sha256Hex(*text);
    local.text = std::move(*text);
    source.migrations.push_back(std::move(local));
  }
  return source;
}

const char* StateName(MigrationState state) {
  switch (state) {
    case MigrationState::kPending:
      return "pending";
    case MigrationState::kApplied:
      return "applied";
    case MigrationState::kEdited:
      return "edited";
    case MigrationState::kMissing:
      return "missing";
    case MigrationState::kBaseline:
      return "in baseline";
  }
  return "?";
}

std::vector<HistoryEntry> CompareHistory(const std::vector<LocalMigration>& local,
                                         const TableState& table,
                                         const std::optional<std::string>& baseline_version) {
  std::map<std::string, HistoryEntry> entries;
  std::string newest_recorded;
  for (const AppliedRow& row : table.rows) {
    HistoryEntry& entry = entries[row.version];
    entry.version = row.version;
    entry.recorded_hash = row.hash;
    entry.applied_at = row.applied_at;
    bool folded = baseline_version && row.version <= *baseline_version;
    entry.state = folded ? MigrationState::kBaseline : MigrationState::kMissing;
    if (row.version > newest_recorded) newest_recorded = row.version;
  }
  for (const LocalMigration& migration : local) {
    auto it = entries.find(migration.file.version);
    if (it == entries.end()) {
      HistoryEntry& entry = entries[migration.file.version];
      entry.version = migration.file.version;
      entry.path = migration.file.path;
      entry.state = MigrationState::kPending;
      entry.late = !newest_recorded.empty() && migration.file.version < newest_recorded;
      continue;
    }
    HistoryEntry& entry = it->second;
    entry.path = migration.file.path;
    // A NULL hash came from production through the baseline: nothing to compare with.
    bool edited = entry.recorded_hash && *entry.recorded_hash != migration.hash;
    entry.state = edited ? MigrationState::kEdited : MigrationState::kApplied;
  }
  std::vector<HistoryEntry> result;
  result.reserve(entries.size());
  for (auto& [version, entry] : entries) result.push_back(std::move(entry));
  return result;
}

}  // namespace pgstate::migrate
