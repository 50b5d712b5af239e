#include "plan/plan_command.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "core/defer.h"
#include "core/file.h"
#include "db/catalog.h"
#include "db/roles.h"
#include "git/repository.h"
#include "migrate/backup.h"
#include "migrate/migration_files.h"
#include "migrate/script.h"
#include "plan/prover.h"
#include "verify/states.h"

namespace pgstate::plan {

using core::Diagnostic;
using core::Error;
using core::Result;

namespace {

Diagnostic Make(core::Severity severity, std::string rule, std::string message,
                std::string hint = {}) {
  Diagnostic d;
  d.severity = severity;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

bool HasError(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == core::Severity::kError; });
}

std::string FormatVersion(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

std::time_t ParseVersion(const std::string& v) {
  std::tm tm{};
  tm.tm_year = std::stoi(v.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(v.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(v.substr(6, 2));
  tm.tm_hour = std::stoi(v.substr(8, 2));
  tm.tm_min = std::stoi(v.substr(10, 2));
  tm.tm_sec = std::stoi(v.substr(12, 2));
  return ::timegm(&tm);
}

// Roles a dump of the live database grants to, created on the scratch server so the dump loads.
core::Status CreateRoles(db::Connection& live, db::Connection& scratch) {
  auto roles = live.Query("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY rolname");
  if (!roles.ok()) return roles.take_error();
  std::vector<std::string> names;
  for (const auto& row : roles->rows) names.push_back(row[0].value_or(""));
  return db::CreateMissingRoles(scratch, names);
}

}  // namespace

Result<PlanCommandResult> RunPlanCommand(const PlanCommandOptions& options) {
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  for (const std::string& id : options.allowed_hazards) {
    const auto& ids = HazardIds();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      std::string all;
      for (const std::string& known : ids) all += (all.empty() ? "" : ", ") + known;
      return Error(core::kExitBadInput, "unknown hazard '" + id + "' (known: " + all + ")");
    }
  }
  if (!options.slug.empty()) {
    auto name = migrate::ParseMigrationName("20000101000000_" + options.slug + ".sql");
    if (!name.ok()) {
      return Error(core::kExitBadInput, "invalid migration name '" + options.slug +
                                            "': use lower-case letters, digits and '_'");
    }
  }

  auto repo = git::OpenRepository(options.repo_path);
  if (!repo.ok()) return repo.take_error();
  std::string root = git::WorkTreeRoot(repo->get());
  auto snapshot = verify::ReadSnapshot(repo->get(), git::Source::WorkTree());
  if (!snapshot.ok()) return snapshot.take_error();

  PlanCommandResult result;
  result.diagnostics = snapshot->diagnostics;
  auto model = verify::DesiredModel(*snapshot);
  if (!model.ok()) return model.take_error();
  for (const auto& file : model->files()) {
    for (const auto& e : file.errors()) result.diagnostics.push_back(e);
  }
  if (HasError(result.diagnostics)) {
    core::SortDiagnostics(result.diagnostics);
    result.exit_code = core::kExitBadInput;
    return result;
  }

  progress("starting PostgreSQL");
  db::ScratchServerOptions server_options = options.server;
  if (snapshot->config.postgres_version > 0) {
    server_options.cluster.binaries.major = snapshot->config.postgres_version;
  }
  auto server = db::OpenScratchServer(server_options);
  if (!server.ok()) return server.take_error();
  // Dropped on every way out of a shared server; an ephemeral cluster goes with `server`.
  std::vector<db::ScratchDatabase> created;
  core::Defer drop([&] {
    if ((*server)->ephemeral()) return;
    for (const auto& d : created) (void)(*server)->DropDatabase(d);
  });
  auto create = [&](const char* purpose) -> Result<db::ScratchDatabase> {
    auto database = (*server)->CreateDatabase(purpose);
    if (!database.ok()) return database.take_error();
    created.push_back(*database);
    return *database;
  };

  db::Catalog desired_catalog, current_catalog;
  std::string default_owner;
  std::string current_name;
  {
    progress("loading the desired state (" + std::to_string(snapshot->schema_files.size()) +
             " files)");
    auto desired_db = create("desired");
    if (!desired_db.ok()) return desired_db.take_error();
    auto desired = db::Connection::Open(desired_db->conninfo);
    if (!desired.ok()) return desired.take_error();
    if (auto s = db::CreateMissingRoles(*desired, verify::RolesToCreate(*snapshot, *model));
        !s.ok()) {
      return s.take_error();
    }
    auto loaded = verify::LoadDesiredState(*desired, *model, [&]() -> Result<db::Connection> {
      auto retry = create("locate");
      if (!retry.ok()) return retry.take_error();
      return db::Connection::Open(retry->conninfo);
    });
    if (!loaded.ok()) return loaded.take_error();
    for (auto& d : *loaded) result.diagnostics.push_back(std::move(d));

    auto current_db = create("current");
    if (!current_db.ok()) return current_db.take_error();
    current_name = current_db->name;
    auto current = db::Connection::Open(current_db->conninfo);
    if (!current.ok()) return current.take_error();
    if (options.from_url.empty()) {
      progress("loading the baseline and " + std::to_string(snapshot->migrations.size()) +
               " pending migrations");
      auto migrated = verify::LoadMigratedState(*current, *snapshot);
      if (!migrated.ok()) return migrated.take_error();
      for (auto& d : *migrated) result.diagnostics.push_back(std::move(d));
    } else {
      progress("reading the schema of " + db::RedactConnectionString(options.from_url));
      auto live = db::Connection::Open(options.from_url);
      if (!live.ok()) return live.take_error();
      auto dump = migrate::RunPgDump(
          options.from_url, {"--schema-only", "--no-owner", "--exclude-table=public.migrations"});
      if (!dump.ok()) return dump.take_error();
      if (auto s = CreateRoles(*live, *current); !s.ok()) return s.take_error();
      std::string label = "schema of " + db::RedactConnectionString(options.from_url);
      auto statements = migrate::SplitScript(*dump, 0, dump->size(), label);
      if (!statements.ok()) return statements.take_error();
      if (auto s = migrate::RunStatements(*current, *dump, *statements, label); !s.ok()) {
        return Error(core::kExitEnvironment,
                     "cannot copy the live schema into a scratch "
                     "database: " +
                         s.error().ToString());
      }
      (void)current->Execute("RESET ALL");
    }
    if (HasError(result.diagnostics)) {
      core::SortDiagnostics(result.diagnostics);
      result.exit_code = core::kExitBadInput;
      return result;
    }

    progress("comparing catalogs");
    auto owner = desired->Query("SELECT current_user");
    if (!owner.ok()) return owner.take_error();
    default_owner = owner->rows.at(0).at(0).value_or("");
    auto d = db::Introspect(*desired);
    if (!d.ok()) return d.take_error();
    desired_catalog = std::move(*d);
    auto c = db::Introspect(*current);
    if (!c.ok()) return c.take_error();
    current_catalog = std::move(*c);
  }

  PlanOptions plan_options;
  plan_options.owners = options.from_url.empty();
  plan_options.default_owner = default_owner;
  plan_options.reorder_columns = options.reorder_columns;
  result.plan = BuildPlan(current_catalog, desired_catalog, plan_options);
  const Plan& plan = result.plan;
  for (const std::string& u : plan.unsupported) {
    result.diagnostics.push_back(Make(core::Severity::kError, "unsupported-change", u));
  }
  for (Diagnostic w : plan.warnings) {
    if (options.strict && w.rule == "uncovered-object") {
      w.severity = core::Severity::kError;
      w.hint = "without --strict the plan leaves such objects alone";
    }
    result.diagnostics.push_back(std::move(w));
  }
  if (!plan.unsupported.empty()) {
    core::SortDiagnostics(result.diagnostics);
    result.exit_code = core::kExitFindings;
    return result;
  }
  result.migrations = RenderPlan(plan, options.render);
  if (result.migrations.empty()) {
    core::SortDiagnostics(result.diagnostics);
    result.exit_code = HasError(result.diagnostics) ? core::kExitFindings : core::kExitOk;
    return result;
  }

  progress("proving the plan on a copy of the current state");
  auto proof = ProvePlan(**server, current_name, result.migrations, desired_catalog,
                         plan_options.owners, plan.unordered_tables);
  if (!proof.ok()) return proof.take_error();
  if (proof->failure) {
    result.diagnostics.push_back(
        Make(core::Severity::kError, "plan-failed",
             "the plan fails on a copy of the current state: " + proof->failure->ToString()));
  }
  for (const db::Difference& d : proof->remaining) {
    result.diagnostics.push_back(
        Make(core::Severity::kError, "plan-incomplete",
             "the plan cannot express this change: " + DescribeRemaining(d)));
  }

  std::set<std::string> allowed(options.allowed_hazards.begin(), options.allowed_hazards.end());
  bool refused_hazard = false;
  for (const Step& step : plan.steps) {
    for (const Hazard& h : step.hazards) {
      bool ok = options.allow_all_hazards || allowed.count(h.id) || h.requested;
      refused_hazard |= !ok;
      result.diagnostics.push_back(Make(
          ok ? core::Severity::kWarning : core::Severity::kError, "hazard-" + h.id, h.message,
          ok ? "" : "review it, then rerun with --allow-hazard " + h.id + " (or --allow-hazards)"));
    }
  }
  (void)refused_hazard;
  core::SortDiagnostics(result.diagnostics);
  if (HasError(result.diagnostics)) {
    result.exit_code = core::kExitFindings;
    return result;
  }

  if (!options.slug.empty()) {
    auto listing = migrate::ListMigrations(root + "/" + snapshot->config.migrations_dir);
    if (!listing.ok()) return listing.take_error();
    std::set<std::string> taken;
    std::string newest;
    for (const auto& m : listing->migrations) {
      taken.insert(m.version);
      newest = std::max(newest, m.version);
    }
    // git keeps no empty directory: after a rebaseline a fresh clone has none.
    if (auto s = core::CreateDirectories(root + "/" + snapshot->config.migrations_dir); !s.ok()) {
      return s.take_error();
    }
    std::time_t t = options.version.empty() ? std::time(nullptr) : ParseVersion(options.version);
    if (!newest.empty() && FormatVersion(t) <= newest) t = ParseVersion(newest) + 1;
    for (size_t i = 0; i < result.migrations.size(); ++i) {
      std::string version = FormatVersion(t + static_cast<std::time_t>(i));
      std::string suffix = i == 0 ? "" : "_concurrently";
      std::string rel =
          snapshot->config.migrations_dir + "/" + version + "_" + options.slug + suffix + ".sql";
      if (auto s = core::WriteFileAtomic(root + "/" + rel, result.migrations[i].sql); !s.ok()) {
        return s.take_error();
      }
      result.written.push_back(rel);
    }
  }
  return result;
}

}  // namespace pgstate::plan
