#include "verify/verify.h"

#include <algorithm>
#include <future>
#include <map>

#include "core/defer.h"
#include "db/catalog.h"
#include "db/roles.h"
#include "git/repository.h"
#include "verify/column_order.h"
#include "verify/states.h"

namespace pgstate::verify {

using core::Diagnostic;
using core::Error;
using core::Result;

namespace {

// The two ways out of a column-order difference, each one command.
constexpr const char kColumnOrderHint[] =
    "keep the database's order: 'pgstate verify --fix-column-order' rewrites the CREATE TABLE; "
    "or rebuild the table in the desired order: 'pgstate plan -m reorder_columns "
    "--reorder-columns' (a table rewrite)";

// One line of at most `limit` characters: definitions can be whole function bodies.
std::string OneLine(const std::string& text, size_t limit = 240) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > limit) out = out.substr(0, limit) + "…";
  return out;
}

Diagnostic DifferenceDiagnostic(const db::Difference& d,
                                const std::map<std::string, core::SourceLocation>& where) {
  Diagnostic diag;
  diag.rule = "state-mismatch";
  switch (d.kind) {
    case db::Difference::Kind::kOnlyInA:
      diag.message = d.key + " is created by baseline + migrations but is not in the desired state";
      break;
    case db::Difference::Kind::kOnlyInB:
      diag.message = d.key + " is in the desired state but baseline + migrations do not create it";
      break;
    case db::Difference::Kind::kDifferent:
      diag.message = d.key + " differs: baseline + migrations give `" + OneLine(d.a_definition) +
                     "`, the desired state has `" + OneLine(d.b_definition) + "`";
      break;
    case db::Difference::Kind::kColumnOrder: {
      std::string table = d.key.substr(d.key.find(' ') + 1);
      diag.rule = "column-order";
      diag.message =
          "the columns of " + table + " are in another order: baseline + migrations give (" +
          OneLine(d.a_definition) + "), the desired state has (" + OneLine(d.b_definition) + ")";
      diag.hint = std::string(kColumnOrderHint);
      break;
    }
  }
  auto it = where.find(d.key);
  if (it != where.end()) diag.location = it->second;
  return diag;
}

}  // namespace

Result<VerifyResult> RunVerify(const VerifyOptions& options) {
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  if (options.fix_column_order && (!options.rev.empty() || !options.merge_with.empty())) {
    return Error(core::kExitUsage,
                 "--fix-column-order rewrites files of the work tree: it cannot be combined "
                 "with --rev or --merge-with");
  }
  auto repo = git::OpenRepository(options.repo_path);
  if (!repo.ok()) return repo.take_error();

  Result<Snapshot> snapshot =
      options.merge_with.empty()
          ? ReadSnapshot(repo->get(), options.rev.empty() ? git::Source::WorkTree()
                                                          : git::Source::Revision(options.rev))
          : ReadMergedSnapshot(repo->get(), options.merge_with,
                               options.rev.empty() ? std::string("HEAD") : options.rev);
  if (!snapshot.ok()) return snapshot.take_error();

  VerifyResult result;
  result.description = snapshot->description;
  result.diagnostics = snapshot->diagnostics;
  result.migrations = snapshot->migrations.size();

  auto model = DesiredModel(*snapshot);
  if (!model.ok()) return model.take_error();
  for (const auto& file : model->files()) {
    for (const auto& e : file.errors()) result.diagnostics.push_back(e);
    result.desired_statements += file.statements().size();
  }
  if (!result.diagnostics.empty()) {
    core::SortDiagnostics(result.diagnostics);
    return result;  // nothing worth loading
  }

  progress("starting PostgreSQL");
  db::ScratchServerOptions server_options = options.server;
  if (snapshot->config.postgres_version > 0) {
    server_options.cluster.binaries.major = snapshot->config.postgres_version;
  }
  auto server = db::OpenScratchServer(server_options);
  if (!server.ok()) return server.take_error();
  result.server = (*server)->Describe();

  // Scratch databases, dropped on every way out of a shared server (an ephemeral cluster goes
  // with `server`, databases and all).
  std::vector<db::ScratchDatabase> created;
  core::Defer drop([&] {
    if ((*server)->ephemeral()) return;
    for (const auto& d : created) (void)(*server)->DropDatabase(d);
  });
  auto open_new = [&](const char* purpose) -> Result<db::Connection> {
    auto database = (*server)->CreateDatabase(purpose);
    if (!database.ok()) return database.take_error();
    created.push_back(*database);
    return db::Connection::Open(database->conninfo);
  };

  progress("loading the desired state (" + std::to_string(snapshot->schema_files.size()) +
           " files) and the baseline and " + std::to_string(snapshot->migrations.size()) +
           " pending migrations");
  auto desired = open_new("desired");
  if (!desired.ok()) return desired.take_error();
  // Roles belong to the cluster: created once, before either state loads.
  if (auto s = db::CreateMissingRoles(*desired, RolesToCreate(*snapshot, *model)); !s.ok()) {
    return s.take_error();
  }
  auto migrated = open_new("migrated");
  if (!migrated.ok()) return migrated.take_error();
  // The two states are loaded at once, on their own connections: each load is PostgreSQL's work
  // in its own backend, and the two loads are most of verify's time. Only this thread uses the
  // server's admin connection and `created` (the desired state's retry creates a database).
  auto migrated_loading =
      std::async(std::launch::async, [&] { return LoadMigratedState(*migrated, *snapshot); });
  auto desired_load = LoadDesiredState(*desired, *model, [&] { return open_new("locate"); });
  auto migrated_load = migrated_loading.get();
  if (!desired_load.ok()) return desired_load.take_error();
  if (!migrated_load.ok()) return migrated_load.take_error();

  for (auto* loaded : {&*desired_load, &*migrated_load}) {
    for (auto& d : *loaded) result.diagnostics.push_back(std::move(d));
  }
  if (!result.diagnostics.empty()) {
    core::SortDiagnostics(result.diagnostics);
    return result;
  }

  progress("comparing catalogs");
  auto migrated_introspecting =
      std::async(std::launch::async, [&] { return db::Introspect(*migrated); });
  auto desired_catalog = db::Introspect(*desired);
  auto migrated_catalog = migrated_introspecting.get();
  if (!desired_catalog.ok()) return desired_catalog.take_error();
  if (!migrated_catalog.ok()) return migrated_catalog.take_error();
  db::CompareOptions compare;
  compare.column_order = snapshot->config.column_order == config::ColumnOrder::kIgnore
                             ? db::CompareOptions::ColumnOrder::kIgnore
                             : db::CompareOptions::ColumnOrder::kStrict;
  result.differences = db::Compare(*migrated_catalog, *desired_catalog, compare);

  // Point each difference at the object's definition in the desired-state files.
  std::map<std::string, core::SourceLocation> where;
  for (const auto& [key, object] : model->objects()) {
    if (!object.definitions.empty())
      where.emplace(key.ToString(), object.definitions.front().location);
  }
  for (const auto& d : result.differences)
    result.diagnostics.push_back(DifferenceDiagnostic(d, where));
  core::SortDiagnostics(result.diagnostics);
  // Plan closes every difference but column order (its diagnostic says how to close that).
  for (auto it = result.diagnostics.rbegin(); it != result.diagnostics.rend(); ++it) {
    if (it->rule == "state-mismatch") {
      it->hint = "'pgstate plan -m <name>' writes the migration that closes the difference";
      break;
    }
  }

  bool order_differs = std::any_of(
      result.differences.begin(), result.differences.end(),
      [](const db::Difference& d) { return d.kind == db::Difference::Kind::kColumnOrder; });
  if (options.fix_column_order && order_differs) {
    auto fixed = FixColumnOrder(git::WorkTreeRoot(repo->get()), *model, result.differences);
    if (!fixed.ok()) return fixed.take_error();
    if (fixed->rewritten.empty()) {
      for (auto& d : fixed->refused) result.diagnostics.push_back(std::move(d));
      core::SortDiagnostics(result.diagnostics);
      return result;
    }
    // What the files say now: verified again from the start.
    VerifyOptions again = options;
    again.fix_column_order = false;
    progress("verifying the rewritten files");
    auto after = RunVerify(again);
    if (!after.ok()) return after.take_error();
    after->rewritten = std::move(fixed->rewritten);
    for (auto& d : fixed->refused) after->diagnostics.push_back(std::move(d));
    core::SortDiagnostics(after->diagnostics);
    return after;
  }
  return result;
}

}  // namespace pgstate::verify
