#pragma once
// migrate/: the migrations folder as files: names, versions, headers, up/down sections, hashes.
//
// File name
//   `<version>_<slug>.sql`, where <version> is a UTC timestamp `yyyymmddHHMMSS` (14 digits, a
//   real date and time: month 01-12, a day that exists in that month, 00-23, 00-59, 00-59) and
//   <slug> is one or more of `[a-z0-9_]` (lower case, so the name is the same on every file
//   system and in every shell). Example: `20240131093000_add_users_email.sql`.
//   Migrations apply in version order; two files may not share a version.
//
// Headers (the first line of a file, exact text, trailing spaces and a CR ignored)
//   `-- pgstate:no-transaction`
//       in a migration: run it outside a transaction (needed by CREATE INDEX CONCURRENTLY).
//   `-- pgstate:baseline version=<yyyymmddHHMMSS>`
//       in the baseline: the version of the newest migration production had applied when the
//       baseline was dumped. Further `key=value` words after it are reserved and ignored.
//       `pgstate rebaseline` writes this line; every pending migration must be newer.
//
// Down section
//   A line that is exactly `-- pgstate:down` splits a migration: the text before it is the up
//   migration, the text after it undoes it (used by `pgstate migrate` in development when an
//   applied migration was edited). Only the first such line counts.
//
// Content hash
//   sha256 of the file's bytes, lower-case hex: what the migrations table's `hash` column holds.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pgstate::migrate {

/// Marker lines, as they appear in files.
inline constexpr const char kNoTransactionHeader[] = "-- pgstate:no-transaction";
inline constexpr const char kBaselineHeaderPrefix[] = "-- pgstate:baseline";
inline constexpr const char kDownMarker[] = "-- pgstate:down";

/// The parts of a valid migration file name.
struct MigrationName {
  std::string version;  ///< "20240131093000"
  std::string slug;     ///< "add_users_email"
};

/// Parses a file name (no directory). Errors (kExitBadInput) say what is wrong, e.g.
/// "migration name '2024_x.sql' does not match <yyyymmddHHMMSS>_<slug>.sql" or
/// "migration version '20240230120000' is not a valid date and time".
core::Result<MigrationName> ParseMigrationName(std::string_view file_name);

/// True when `version` is 14 digits forming a real date and time (years 0001-9999).
bool IsValidVersion(std::string_view version);

/// "20240131093000" -> "2024-01-31 09:30:00" (the migrations table's TIMESTAMP literal).
/// `version` must satisfy IsValidVersion.
std::string VersionTimestamp(std::string_view version);

/// One migration file found in the migrations folder.
struct MigrationFile {
  std::string path;  ///< directory + "/" + name, as listed
  std::string name;  ///< file name
  std::string version;
  std::string slug;
};

/// A `.sql` file in the folder whose name is not a valid migration name.
struct InvalidMigrationName {
  std::string path;
  std::string reason;  ///< ParseMigrationName's message
};

/// A migration whose version an earlier one (in name order) already uses, as happens when two
/// branches each add a migration in the same second and are merged.
struct DuplicateVersion {
  std::string path;        ///< the later file
  std::string first_path;  ///< the first file with this version
  std::string version;
};

struct MigrationListing {
  std::vector<MigrationFile> migrations;  ///< sorted by version, then name
  std::vector<InvalidMigrationName> invalid;
  std::vector<DuplicateVersion> duplicates;  ///< in `migrations` order
};

/// "migration version '<v>' is also used by '<first_path>'", the one message for a duplicate.
std::string DuplicateVersionMessage(const DuplicateVersion& duplicate);
inline constexpr char kDuplicateVersionHint[] =
    "give the later one a new version (the current UTC time) with git mv, then commit";

/// Classifies file names (paths whose last component is the file name) into migrations sorted
/// by version and invalid names. Names that do not end in ".sql" are ignored.
MigrationListing ClassifyMigrationPaths(const std::vector<std::string>& paths);

/// Lists the `.sql` files directly in `dir` (not recursively). A missing directory is an empty
/// listing; an unreadable one is an error (kExitBadInput) naming it.
core::Result<MigrationListing> ListMigrations(const std::string& dir);

/// A migration's text split into what runs.
struct MigrationContent {
  bool no_transaction = false;  ///< first line is kNoTransactionHeader
  std::string_view up;          ///< everything before the down marker (the whole text if none)
  std::optional<std::string_view> down;  ///< everything after the down marker line
  int down_line = 0;  ///< 1-based line of the marker (0 without one): down's lines start after it
};

/// Splits `text` (which must outlive the result). Never fails.
MigrationContent SplitMigration(std::string_view text);

/// The baseline's version from its first line. nullopt when the first line is not a
/// `-- pgstate:baseline` header at all (a baseline not written by rebaseline); an error
/// (kExitBadInput) when it is one but malformed:
/// "malformed baseline header '-- pgstate:baseline version=2024' (expected
/// '-- pgstate:baseline version=<yyyymmddHHMMSS>')".
core::Result<std::optional<std::string>> ParseBaselineVersion(std::string_view text);

/// The header line rebaseline writes: "-- pgstate:baseline version=<version>" (no newline).
std::string BaselineHeader(std::string_view version);

/// sha256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace pgstate::migrate
