#pragma once
// Proving a plan before it is written: run it on a scratch copy of the current state, read the
// catalog back and compare it with the desired one. Whatever is left over is what the plan
// could not express.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "db/catalog_diff.h"
#include "db/connection.h"
#include "db/scratch_server.h"
#include "plan/render.h"

namespace pgstate::plan {

/// Runs `migrations` on the database behind `connection` the way `pgstate migrate` runs them:
/// a transactional one in one transaction, a no-transaction one statement by statement. The
/// error names the statement that failed: "plan:12:1: relation \"x\" does not exist" ("plan
/// (second migration):3:1: …" for the second).
core::Status ApplyMigrations(db::Connection& connection,
                             const std::vector<MigrationText>& migrations);

struct Proof {
  std::optional<core::Error> failure;     ///< a statement of the plan failed
  std::vector<db::Difference> remaining;  ///< a = after the plan, b = desired
  bool ok() const { return !failure && remaining.empty(); }
};

/// Copies `current_database` on `server` (nobody may be connected to it), applies
/// `migrations` to the copy, drops it, and compares. Column order is compared too, but for the
/// tables of `unordered_tables` (Plan::unordered_tables: the plan said it cannot reach their
/// order). Errors: the server fails (kExitEnvironment).
core::Result<Proof> ProvePlan(db::ScratchServer& server, const std::string& current_database,
                              const std::vector<MigrationText>& migrations,
                              const db::Catalog& desired, bool owners,
                              const std::set<std::string>& unordered_tables = {});

/// "only in the desired state: index public.users_email_idx", "different after the plan:
/// column public.users.email (…)": one line per difference.
std::string DescribeRemaining(const db::Difference& difference);

}  // namespace pgstate::plan
