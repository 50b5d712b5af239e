#pragma once
// setup/: starting a project from a database that already exists (`pgstate init --from-url`).
//
// The database's schema is dumped once (pg_dump --schema-only --no-owner, without pgstate's
// migrations table) and written twice:
//   - as the baseline, byte for byte what NormalizeDump makes of the dump, so a new environment
//     is built the way the database is;
//   - as desired-state files, the same statements regrouped by the object they belong to: one
//     file per schema (`db/schema/<schema>.sql`), or with `split` one file per table, view,
//     type, sequence or routine name (`db/schema/<schema>/<name>.sql`) holding everything
//     attached to it (columns' defaults, constraints, indexes, triggers, policies, comments,
//     grants, the sequences a table owns). Statements that belong to no schema (extensions,
//     event triggers, casts, …) go to `db/schema/database.sql`; those about a schema itself
//     (CREATE SCHEMA, its comment and grants) to `db/schema/<schema>.sql`.
// Session settings (pg_dump's SET lines) are left out of the desired state: its files are
// loaded in dependency order, not file order, so nothing depends on where a statement sits.

#include <string>
#include <vector>

#include "core/error.h"

namespace pgstate::setup {

struct ImportedFile {
  std::string path;  ///< repository-relative
  std::string text;
};

struct SplitDumpOptions {
  std::string schema_dir = "db/schema";
  std::vector<std::string> search_path = {"public"};
  bool split = false;  ///< one file per object instead of one per schema
};

/// The desired-state files for `dump` (a schema-only pg_dump after NormalizeDump), sorted by
/// path. Errors (kExitBadInput) when the dump does not parse, naming the statement's line.
core::Result<std::vector<ImportedFile>> SplitDump(const std::string& dump,
                                                  const SplitDumpOptions& options);

/// pg_dump of the schema of the database at `url`, normalised for a baseline (no header).
/// Errors: kExitEnvironment when pg_dump is missing or cannot reach the database.
core::Result<std::string> DumpSchema(const std::string& url);

}  // namespace pgstate::setup
