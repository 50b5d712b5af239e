#pragma once
// `pgstate plan`: the migration that turns the current state into the desired state.
//
// The current state is the baseline plus every pending migration (loaded into a scratch
// database, as verify does), or a live database (--from-url: its schema is dumped and loaded
// into a scratch database, so the live one is only read). The desired state is the schema files.
// Both catalogs are compared (plan.h), the plan is proved on a copy of the current state
// (prover.h), and only then printed or written to db/migrations/<UTC yyyymmddHHMMSS>_<slug>.sql
// (plus a second, no-transaction migration when it builds indexes concurrently or validates
// constraints). A plan with hazards is written only when they are allowed.

#include <functional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "db/scratch.h"
#include "plan/plan.h"
#include "plan/render.h"

namespace pgstate::plan {

struct PlanCommandOptions {
  std::string repo_path = ".";  ///< somewhere inside the repository
  /// -m: write the migration as <migrations>/<version>_<slug>.sql; empty prints it instead.
  std::string slug;
  std::string from_url;            ///< --from-url: the current state is this live database
  bool allow_all_hazards = false;  ///< --allow-hazards
  std::vector<std::string> allowed_hazards;  ///< --allow-hazard ID (repeatable)
  bool strict = false;  ///< --strict: refuse when an object kind is not covered by the model
  /// --reorder-columns: rebuild tables whose columns cannot otherwise reach their desired order
  /// (PlanOptions::reorder_columns); their table-rewrite hazard counts as allowed.
  bool reorder_columns = false;
  RenderOptions render;  ///< --lock-timeout, --statement-timeout
  db::ScratchServerOptions server;
  /// The version of a written migration (UTC yyyymmddHHMMSS); empty takes the clock.
  std::string version;
  /// Called with a short line before each long step; may be empty.
  std::function<void(const std::string&)> progress;
};

struct PlanCommandResult {
  Plan plan;
  std::vector<MigrationText> migrations;  ///< the rendered plan (empty: nothing to do)
  std::vector<std::string> written;       ///< files written, repository-relative
  /// Everything to report, sorted: load errors, unsupported changes, a failed proof, hazards
  /// (errors unless allowed), uncovered kinds (errors with --strict), column order.
  std::vector<core::Diagnostic> diagnostics;
  int exit_code = 0;  ///< 0 done (or nothing to do), 1 refused, 2 the files do not load
};

/// Runs the command. Errors (no result at all): not a repository, bad configuration, invalid
/// slug or hazard id (kExitBadInput); no PostgreSQL, cannot connect (kExitEnvironment).
core::Result<PlanCommandResult> RunPlanCommand(const PlanCommandOptions& options);

}  // namespace pgstate::plan
