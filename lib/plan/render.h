#pragma once
// A plan as the migration files that carry it out.

#include <string>
#include <vector>

#include "plan/plan.h"

namespace pgstate::plan {

struct RenderOptions {
  /// When set, `SET lock_timeout = '…'` precedes each statement that locks an existing table
  /// (and `SET statement_timeout`, which statements that are slow by design, such as CREATE
  /// INDEX CONCURRENTLY and VALIDATE CONSTRAINT, get as 0). PostgreSQL interval syntax.
  std::string lock_timeout;
  std::string statement_timeout;
};

/// One migration's text. The second of two runs after the first and outside a transaction.
struct MigrationText {
  bool no_transaction = false;
  std::string sql;  ///< ready to write; starts with `-- pgstate:no-transaction` when it must
};

/// The plan as one migration, or two when some steps need transactions of their own (the
/// second holds them). Each hazard is a `-- hazard <id>: <message>` comment above its statement.
/// Empty for an empty plan.
std::vector<MigrationText> RenderPlan(const Plan& plan, const RenderOptions& options = {});

/// Every hazard of the plan, one line each: "<id>: <message>".
std::vector<std::string> HazardLines(const Plan& plan);

}  // namespace pgstate::plan
