#include "lint/rules.h"

#include <algorithm>

namespace pgstate::lint {

const std::vector<Rule>& Rules() {
  using core::Severity;
  static const std::vector<Rule> rules = {
      {"syntax", Severity::kError, Scope::kAll, "a statement PostgreSQL's parser rejects"},
      {"schema-drop", Severity::kError, Scope::kSchema, "DROP in a desired-state file"},
      {"schema-alter", Severity::kError, Scope::kSchema,
       "ALTER that drops, renames or changes an existing object in a desired-state file"},
      {"schema-data", Severity::kError, Scope::kSchema,
       "UPDATE, DELETE or TRUNCATE in a desired-state file"},
      {"duplicate-object", Severity::kError, Scope::kSchema,
       "an object defined twice (both places named)"},
      {"unknown-object", Severity::kError, Scope::kSchema,
       "a reference to an object that no file, no extension and no check.external provides"},
      {"dependency-cycle", Severity::kError, Scope::kSchema,
       "objects that need each other: no order loads them"},
      {"module-boundary", Severity::kError, Scope::kSchema,
       "a reference into a module the referencing module does not require (both places named)"},
      {"module-cycle", Severity::kError, Scope::kAll,
       "modules in .pgstate that require each other in a circle"},
      {"baseline-header", Severity::kError, Scope::kBaseline,
       "a malformed '-- pgstate:baseline' first line"},
      {"migration-name", Severity::kError, Scope::kMigrations,
       "a name other than <yyyymmddHHMMSS>_<slug>.sql"},
      {"migration-duplicate-version", Severity::kError, Scope::kMigrations,
       "two migrations with one version"},
      {"migration-older-than-baseline", Severity::kError, Scope::kMigrations,
       "a pending version not newer than the baseline's"},
      {"concurrently-in-transaction", Severity::kError, Scope::kMigrations,
       "CONCURRENTLY without the '-- pgstate:no-transaction' first line"},
      {"drop-table", Severity::kWarning, Scope::kMigrations, "DROP TABLE deletes data"},
      {"drop-column", Severity::kWarning, Scope::kMigrations,
       "ALTER TABLE ... DROP COLUMN deletes data"},
      {"alter-column-type", Severity::kWarning, Scope::kMigrations,
       "a column type change rewrites the table"},
      {"set-not-null", Severity::kWarning, Scope::kMigrations,
       "SET NOT NULL without a validated CHECK (col IS NOT NULL) first"},
      {"index-not-concurrently", Severity::kWarning, Scope::kMigrations,
       "CREATE INDEX without CONCURRENTLY on an existing table"},
      {"constraint-not-valid", Severity::kWarning, Scope::kMigrations,
       "a foreign key or CHECK added to an existing table without NOT VALID"},
      {"volatile-default", Severity::kWarning, Scope::kMigrations,
       "ADD COLUMN with a volatile default (random(), clock_timestamp(), nextval, ...)"},
      {"rename", Severity::kWarning, Scope::kMigrations, "renaming a table or column"},
      {"unknown-rule", Severity::kWarning, Scope::kAll, "'-- pgstate:allow' names no known rule"},
  };
  return rules;
}

const Rule* FindRule(std::string_view id) {
  for (const Rule& r : Rules()) {
    if (id == r.id) return &r;
  }
  return nullptr;
}

std::string RulesHelp() {
  size_t width = 0;
  for (const Rule& r : Rules()) width = std::max(width, std::string_view(r.id).size());
  std::string out =
      "rules (silence one statement with '-- pgstate:allow <rule>', a repository with "
      "check.disable):\n";
  for (const Rule& r : Rules()) {
    std::string id = r.id;
    out += "  " + id + std::string(width + 2 - id.size(), ' ');
    out += r.severity == core::Severity::kError ? "error    " : "warning  ";
    out += std::string(r.summary) + "\n";
  }
  return out;
}

}  // namespace pgstate::lint
