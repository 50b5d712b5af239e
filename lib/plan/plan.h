#pragma once
// plan/: the migration that turns one catalog (db/catalog.h) into another.
//
// BuildPlan compares the catalog of the current state with the catalog of the desired state
// object by object and writes DDL for every difference, in an order PostgreSQL accepts: what an
// object depends on is created first, what depends on an object is dropped (or detached) first.
// pg_depend, as the catalog model reports it, is the dependency graph. Changing something that
// others depend on (a view's column, a function's return type, an enum's labels) drops and
// recreates the dependents around the change.
//
// Where PostgreSQL has a form that does not block a busy table, the plan uses it: indexes on
// existing tables are built with CREATE INDEX CONCURRENTLY (replacing a changed one online: build
// the new one under a temporary name, drop the old one concurrently, rename), primary keys and
// unique constraints are added USING an index built concurrently, foreign keys and checks are
// added NOT VALID and validated afterwards, SET NOT NULL goes through a validated CHECK. These
// steps need transactions of their own, so they form a second, `-- pgstate:no-transaction`
// migration that runs after the first one.
//
// What is still risky is a Hazard on its step (rewrites a table, holds a lock that blocks
// readers or writers for a scan, loses data, validates for long); a caller writes such a plan
// only when the user allowed those hazards. What the plan cannot express is listed in
// Plan::unsupported; objects of kinds the model does not cover, and columns that cannot be put
// at their desired position without rebuilding the table (PlanOptions::reorder_columns), are
// warnings. prover.h checks a plan on a real database.
//
// Objects that belong to an extension are not in the model, so a plan never drops or recreates
// them; it only creates, updates or drops the extension itself.

#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "db/catalog.h"

namespace pgstate::plan {

/// Stable hazard ids (users allow them with --allow-hazard ID).
inline constexpr const char kHazardTableRewrite[] = "table-rewrite";
inline constexpr const char kHazardAccessExclusive[] = "access-exclusive-lock";
inline constexpr const char kHazardBlocksWrites[] = "blocks-writes";
inline constexpr const char kHazardDataLoss[] = "data-loss";
inline constexpr const char kHazardLongValidation[] = "long-validation";

/// Every hazard id, for validating --allow-hazard.
const std::vector<std::string>& HazardIds();

struct Hazard {
  std::string id;       ///< one of the kHazard* ids
  std::string message;  ///< "rewrites table public.users (column email changes type)"
  /// An option asked for it (PlanOptions::reorder_columns): reported, never refused.
  bool requested = false;
};

/// One statement of a plan.
struct Step {
  std::string sql;  ///< one statement without the terminating ';'
  std::vector<Hazard> hazards;
  /// Needs a transaction of its own (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, and what
  /// must follow them): goes into the no-transaction migration.
  bool online = false;
  /// Locks a table that already exists (and may be busy): lock_timeout/statement_timeout apply.
  bool locks_existing = false;
};

struct Plan {
  std::vector<Step> steps;  ///< in execution order; every online step after every other one
  /// Findings that do not stop the plan: "column-order", "uncovered-object", "requires-backfill".
  std::vector<core::Diagnostic> warnings;
  /// Differences the plan cannot express, one line each ("change the type of column … used by
  /// …"). A plan with any is not written.
  std::vector<std::string> unsupported;
  /// Keys of the tables whose columns stay in another order than the desired one (each has a
  /// "column-order" warning): PostgreSQL cannot move or insert a column in place.
  std::set<std::string> unordered_tables;

  bool empty() const { return steps.empty(); }
  bool HasOnlineSteps() const;
  /// The distinct hazard ids of all steps, sorted.
  std::set<std::string> HazardIdsUsed() const;
};

struct PlanOptions {
  /// Compare and change owners. Off when the current state is a live server whose roles are
  /// not those of the scratch databases.
  bool owners = true;
  /// The role that builds the desired state's scratch database: a recreated object owned by it
  /// needs no ALTER … OWNER TO.
  std::string default_owner;
  /// Use CREATE INDEX CONCURRENTLY, NOT VALID + VALIDATE etc. on existing tables. Off when the
  /// current state is empty anyway (rendering a whole schema).
  bool online = true;
  /// Rebuild an existing table whose columns cannot otherwise reach their desired order: a new
  /// table in that order takes its rows (INSERT … SELECT), its name, its sequences' ownership
  /// and values, and everything on it and depending on it is created again; a table-rewrite
  /// hazard. Not for partitioned tables, partitions and inheritance.
  bool reorder_columns = false;
};

/// The plan that turns `from` into `to`. Never fails: what it cannot do is in `unsupported`.
Plan BuildPlan(const db::Catalog& from, const db::Catalog& to, const PlanOptions& options = {});

}  // namespace pgstate::plan
