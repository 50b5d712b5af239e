#pragma once
// lint/: the rules `pgstate check` applies, each with a stable id users can grep, silence for
// one statement (`-- pgstate:allow <rule-id>` in the comments in front of it or on its last
// line) and turn off for a repository (`check.disable = <rule-id>, …` in .pgstate).
//
// Every rule, one line each (the README lists this table):
//
// clang-format off
//   id                              severity  where        what it reports
//   syntax                          error     every file   a statement PostgreSQL's parser rejects
//   schema-drop                     error     schema       DROP in a desired-state file
//   schema-alter                    error     schema       ALTER that drops, renames or changes an
//                                                          existing object in a desired-state file
//   schema-data                     error     schema       UPDATE, DELETE or TRUNCATE in a
//                                                          desired-state file
//   duplicate-object                error     schema       an object defined twice (both places
//                                                          named)
//   unknown-object                  error     schema       a reference to an object that no file,
//                                                          no extension and no check.external
//                                                          provides
//   dependency-cycle                error     schema       objects that need each other: no order
//                                                          loads them
//   module-boundary                 error     schema       a reference into a module the
//                                                          referencing module does not require
//   module-cycle                    error     .pgstate     modules that require each other in a
//                                                          circle
//   baseline-header                 error     baseline     a malformed `-- pgstate:baseline` line
//   migration-name                  error     migrations   a name other than
//                                                          <yyyymmddHHMMSS>_<slug>.sql
//   migration-duplicate-version     error     migrations   two migrations with one version
//   migration-older-than-baseline   error     migrations   a pending version not newer than the
//                                                          baseline's
//   concurrently-in-transaction     error     migrations   CONCURRENTLY without the
//                                                          `-- pgstate:no-transaction` first line
//   drop-table                      warning   migrations   DROP TABLE deletes data
//   drop-column                     warning   migrations   ALTER TABLE … DROP COLUMN deletes data
//   alter-column-type               warning   migrations   a column type change rewrites the table
//   set-not-null                    warning   migrations   SET NOT NULL without a validated
//                                                          CHECK (col IS NOT NULL) first
//   index-not-concurrently          warning   migrations   CREATE INDEX without CONCURRENTLY on an
//                                                          existing table
//   constraint-not-valid            warning   migrations   a foreign key or CHECK added to an
//                                                          existing table without NOT VALID
//   volatile-default                warning   migrations   ADD COLUMN with a volatile default
//                                                          (random(), clock_timestamp(), nextval…)
//   rename                          warning   migrations   renaming a table or column
//   unknown-rule                    warning   every file   `-- pgstate:allow` names no known rule
// clang-format on
//
// "Existing table" means one not created earlier in the same migration. Migration hazards are
// only looked for above a `-- pgstate:down` line.

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace pgstate::lint {

enum class Scope { kAll, kSchema, kBaseline, kMigrations };

struct Rule {
  const char* id;
  core::Severity severity;
  Scope scope;
  const char* summary;  ///< one line, as in the table above
};

/// Every rule, in the order of the table above.
const std::vector<Rule>& Rules();

/// The rule with this id; nullptr when there is none.
const Rule* FindRule(std::string_view id);

/// "rules:\n  syntax  error  a statement PostgreSQL's parser rejects\n…": every rule, one line
/// each, for `pgstate check --help`.
std::string RulesHelp();

}  // namespace pgstate::lint
