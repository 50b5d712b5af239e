#include "migrate/migrations_table.h"

#include <algorithm>

#include "migrate/migration_files.h"

namespace pgstate::migrate {

using core::Error;
using core::kExitBadInput;

std::optional<Env> ParseEnv(std::string_view name) {
  if (name == "prod") return Env::kProd;
  if (name == "staging") return Env::kStaging;
  if (name == "dev") return Env::kDev;
  return std::nullopt;
}

const char* EnvName(Env env) {
  switch (env) {
    case Env::kProd:
      return "prod";
    case Env::kStaging:
      return "staging";
    case Env::kDev:
      return "dev";
  }
  return "?";
}

std::string CreateMigrationsTableSql(Env env) {
  std::string sql = std::string("CREATE TABLE ") + kMigrationsTable +
                    "\n( version TIMESTAMP PRIMARY KEY"
                    "\n, \"create\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp()";
  if (EnvHasHash(env)) sql += "\n, hash text";
  sql += "\n);\n";
  return sql;
}

std::string RecordVersionSql(std::string_view version, bool with_hash,
                             const std::optional<std::string>& hash) {
  std::string timestamp = db::QuoteLiteral(VersionTimestamp(version));
  if (!with_hash) {
    return std::string("INSERT INTO ") + kMigrationsTable + " (version) VALUES (" + timestamp + ")";
  }
  return std::string("INSERT INTO ") + kMigrationsTable + " (version, hash) VALUES (" + timestamp +
         ", " + (hash ? db::QuoteLiteral(*hash) : std::string("NULL")) + ")";
}

std::string ForgetVersionSql(std::string_view version) {
  return std::string("DELETE FROM ") + kMigrationsTable +
         " WHERE version = " + db::QuoteLiteral(VersionTimestamp(version));
}

core::Result<TableState> ReadMigrationsTable(db::Connection& connection) {
  auto columns = connection.Query(
      "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attnum",
      {std::string(kMigrationsTable)});
  if (!columns.ok()) return columns.take_error();
  TableState state;
  if (columns->rows.empty()) return state;
  state.exists = true;
  std::string version_type;
  for (const auto& row : columns->rows) {
    if (row[0] == "version") version_type = row[1].value_or("");
    if (row[0] == "hash") state.has_hash = true;
  }
  if (version_type != "timestamp without time zone") {
    return Error(kExitBadInput,
                 std::string("table '") + kMigrationsTable +
                     "' is not a pgstate migrations table (it needs a column 'version' of type "
                     "timestamp)");
  }
  std::string sql = std::string("SELECT to_char(version, 'YYYYMMDDHH24MISS'), \"create\"::text, ") +
                    (state.has_hash ? "hash" : "NULL::text") + " FROM " + kMigrationsTable +
                    " ORDER BY version";
  auto rows = connection.Query(sql);
  if (!rows.ok()) return rows.take_error();
  for (const auto& row : rows->rows) {
    AppliedRow applied;
    applied.version = row[0].value_or("");
    applied.applied_at = row[1].value_or("");
    applied.hash = row[2];
    state.rows.push_back(std::move(applied));
  }
  return state;
}

core::Status CheckTableMatchesEnv(const TableState& state, Env env) {
  if (!state.exists) return {};
  if (env == Env::kProd && state.has_hash) {
    return Error(kExitBadInput,
                 "the migrations table of this database has a hash column, so it is not a "
                 "production database (--env prod)");
  }
  if (env != Env::kProd && !state.has_hash) {
    return Error(kExitBadInput, std::string("the migrations table of this database has no hash "
                                            "column, so it is a production database, not ") +
                                    EnvName(env) + " (--env " + EnvName(env) + ")");
  }
  return {};
}

}  // namespace pgstate::migrate
