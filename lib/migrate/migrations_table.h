#pragma once
// The migrations table: which migrations a database has applied (see DESIGN.md, "Migrations
// table").
//
// Production:
//   CREATE TABLE public.migrations
//   ( version TIMESTAMP PRIMARY KEY
//   , "create" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()
//   );
// Staging and development add `hash text`: the content hash (migrate::Sha256Hex) of the file as
// it was applied. A NULL hash means the row came from production through the baseline.
//
// The table lives in schema public and every statement here names it schema-qualified, so a
// migration that changes search_path cannot redirect it. It is not part of the desired state:
// plan and rebaseline leave it out of what they compare and dump.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::migrate {

/// Which kind of database a migration run targets.
enum class Env { kProd, kStaging, kDev };

/// "prod", "staging", "dev" -> Env; nullopt for anything else.
std::optional<Env> ParseEnv(std::string_view name);
/// "prod", "staging" or "dev".
const char* EnvName(Env env);
/// True for the environments whose table has a hash column.
inline bool EnvHasHash(Env env) { return env != Env::kProd; }

inline constexpr const char kMigrationsTableSchema[] = "public";
inline constexpr const char kMigrationsTableName[] = "migrations";
/// The qualified name every statement uses.
inline constexpr const char kMigrationsTable[] = "public.migrations";

/// The CREATE TABLE statement for `env`, exactly as DESIGN.md gives it (schema-qualified).
std::string CreateMigrationsTableSql(Env env);

/// The INSERT that records `version` (yyyymmddHHMMSS); `hash` only when the table has the
/// column (nullopt writes NULL there).
std::string RecordVersionSql(std::string_view version, bool with_hash,
                             const std::optional<std::string>& hash);

/// The DELETE that forgets `version`.
std::string ForgetVersionSql(std::string_view version);

/// One row of the table.
struct AppliedRow {
  std::string version;  ///< yyyymmddHHMMSS
  std::optional<std::string> hash;
  std::string applied_at;  ///< the "create" column, as PostgreSQL prints it
};

/// What a database holds: no table, or the table (with or without the hash column) and rows.
struct TableState {
  bool exists = false;
  bool has_hash = false;
  std::vector<AppliedRow> rows;  ///< sorted by version
};

/// Reads the table. A table of another shape (missing "version", unexpected types) is an error
/// (kExitBadInput): "table 'public.migrations' is not a pgstate migrations table (…)".
core::Result<TableState> ReadMigrationsTable(db::Connection& connection);

/// Checks that a table of `state`'s shape suits `env`: production has no hash column, staging
/// and development have one. Error (kExitBadInput), e.g. "the migrations table of this database
/// has a hash column, so it is not a production database (--env prod)".
core::Status CheckTableMatchesEnv(const TableState& state, Env env);

}  // namespace pgstate::migrate
