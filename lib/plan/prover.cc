#include "plan/prover.h"

#include "core/defer.h"
#include "db/catalog.h"
#include "migrate/script.h"

namespace pgstate::plan {

core::Status ApplyMigrations(db::Connection& connection,
                             const std::vector<MigrationText>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    const MigrationText& m = migrations[i];
    std::string name = i == 0 ? "plan" : "plan (second migration)";
    auto statements = migrate::SplitScript(m.sql, 0, m.sql.size(), name);
    if (!statements.ok()) return statements.take_error();
    if (m.no_transaction) {
      if (auto s = migrate::RunStatements(connection, m.sql, *statements, name); !s.ok()) return s;
      (void)connection.Execute("RESET ALL");
      continue;
    }
    if (db::SqlStatus s = connection.Execute("BEGIN"); !s.ok()) return s.error().ToError();
    if (auto s = migrate::RunStatements(connection, m.sql, *statements, name); !s.ok()) {
      (void)connection.Execute("ROLLBACK");
      return s;
    }
    if (db::SqlStatus s = connection.Execute("COMMIT"); !s.ok()) {
      return core::Error(s.error().code, name + ": " + s.error().message);
    }
    (void)connection.Execute("RESET ALL");
  }
  return {};
}

core::Result<Proof> ProvePlan(db::ScratchServer& server, const std::string& current_database,
                              const std::vector<MigrationText>& migrations,
                              const db::Catalog& desired, bool owners,
                              const std::set<std::string>& unordered_tables) {
  auto copy = server.CreateDatabase("proof", current_database);
  if (!copy.ok()) return copy.take_error();
  core::Defer drop([&] { (void)server.DropDatabase(*copy); });
  Proof proof;
  db::Catalog after;
  {
    auto connection = db::Connection::Open(copy->conninfo);
    if (!connection.ok()) return connection.take_error();
    if (auto s = ApplyMigrations(*connection, migrations); !s.ok()) {
      proof.failure = s.take_error();
      return proof;
    }
    auto catalog = db::Introspect(*connection);
    if (!catalog.ok()) return catalog.take_error();
    after = std::move(*catalog);
  }
  db::CompareOptions compare;
  compare.owners = owners;
  for (db::Difference& d : db::Compare(after, desired, compare)) {
    if (d.kind == db::Difference::Kind::kColumnOrder && unordered_tables.count(d.key)) continue;
    proof.remaining.push_back(std::move(d));
  }
  return proof;
}

std::string DescribeRemaining(const db::Difference& d) {
  switch (d.kind) {
    case db::Difference::Kind::kOnlyInA:
      return "still there after the plan: " + d.key;
    case db::Difference::Kind::kOnlyInB:
      return "missing after the plan: " + d.key;
    case db::Difference::Kind::kColumnOrder:
      return "columns in another order after the plan: " + d.key + " (is: " + d.a_definition +
             "; desired: " + d.b_definition + ")";
    default:
      return "different after the plan: " + d.key + " (is: " + d.a_definition +
             "; desired: " + d.b_definition + ")";
  }
}

}  // namespace pgstate::plan
