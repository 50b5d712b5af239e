// BuildPlan: the catalog diff turned into ordered DDL. See plan.h for what it promises.
//
// How it works:
//  1. Every object (not comments, grants, owners) gets a status: same, create, drop, alter
//     (changed in place) or replace (dropped and created again).
//  2. Replacing or dropping something, or changing a column's type, disrupts what depends on it
//     (pg_depend of the current catalog): dependents are replaced too, a column default that
//     uses a replaced function is detached and set again, until nothing changes.
//  3. Each status becomes an Action: a few statements with a phase (drops first), a rank (kind
//     order, for a readable plan) and the actions it must follow: what it depends on in the
//     desired catalog is created first, what depends on it in the current one is dropped first.
//  4. A topological sort picks, among the ready actions, the lowest (phase, rank, key).
//     Actions that need transactions of their own, and all that follow them, go last.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "plan/catalog_index.h"
#include "plan/plan.h"
#include "plan/quote.h"

namespace pgstate::plan {

namespace {

enum class Status { kSame, kCreate, kDrop, kAlter, kReplace };

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string KindOf(const std::string& key) {
  for (const char* kind : {"materialized view ", "default privileges "}) {
    if (StartsWith(key, kind)) return std::string(kind).substr(0, std::string(kind).size() - 1);
  }
  return key.substr(0, key.find(' '));
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Splits "k1=v1, k2=v2" (reloptions as the catalog lists them) into keys.
std::vector<std::string> OptionKeys(const std::string& options) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (start < options.size()) {
    size_t comma = options.find(", ", start);
    std::string item =
        options.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    keys.push_back(item.substr(0, item.find('=')));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return keys;
}

// Kind order for a readable plan: creates in this order, drops in the reverse.
int KindRank(const std::string& kind) {
  static const std::map<std::string, int> kRanks = {
      {"schema", 0},    {"extension", 1}, {"collation", 2}, {"type", 3},
      {"domain", 4},    {"sequence", 5},  {"function", 6},  {"procedure", 6},
      {"aggregate", 7}, {"table", 8},     {"column", 9},    {"constraint", 10},
      {"index", 11},    {"fkey", 12},     {"view", 13},     {"materialized view", 14},
      {"trigger", 15},  {"policy", 16},   {"rule", 17},     {"statistics", 18},
      {"owned-by", 19}, {"comment", 20},  {"grant", 21},    {"default privileges", 22},
      {"owner", 23},    {"final", 24}};
  auto it = kRanks.find(kind);
  return it == kRanks.end() ? 30 : it->second;
}

struct Action {
  int phase = 1;  // 0: drops, 1: everything else
  int rank = 0;
  std::string key;
  std::string order;  // ties of (phase, rank) go by this: the key, a column's by its position
  std::vector<Step> steps;
  std::set<int> after;
  bool online = false;
};

// The parts of a column that differ between two catalogs.
struct ColumnChange {
  bool type = false;  // type or collation
  bool default_expr = false;
  bool not_null = false;
  bool identity = false;
  bool storage = false;
  bool compression = false;
  bool statistics = false;
  bool options = false;
};

class Planner {
 public:
  Planner(const db::Catalog& from, const db::Catalog& to, const PlanOptions& options)
      : a_(from), b_(to), options_(options) {}

  Plan Run() {
    ComputeStatus();
    ChooseRebuilds();
    Cascade();
    if (!plan_.unsupported.empty()) return std::move(plan_);
    MakeActions();
    MakeAttributeActions();
    AddEdges();
    Order();
    ReportUncovered();
    return std::move(plan_);
  }

 private:
  // ---------------------------------------------------------------- status

  Status StatusOf(const std::string& key) const {
    auto it = status_.find(key);
    return it == status_.end() ? Status::kSame : it->second;
  }
  bool InA(const std::string& key) const { return a_.Has(key); }
  bool InB(const std::string& key) const { return b_.Has(key); }

  // The relation a sub-object belongs to, on the side that has it.
  std::string RelationOf(const std::string& key) const {
    auto it = b_.relation_of.find(key);
    if (it != b_.relation_of.end()) return it->second;
    it = a_.relation_of.find(key);
    return it == a_.relation_of.end() ? std::string() : it->second;
  }

  // True when the A version of `key` disappears with its relation (dropped or replaced).
  bool GoesWithRelation(const std::string& key) const {
    std::string rel = RelationOf(key);
    if (rel.empty()) return false;
    Status s = StatusOf(rel);
    return s == Status::kDrop || s == Status::kReplace;
  }
  // True when the B version of `key` is created fresh: itself, or its relation.
  bool Fresh(const std::string& key) const {
    Status s = StatusOf(key);
    if (s == Status::kCreate || s == Status::kReplace) return true;
    std::string rel = RelationOf(key);
    if (rel.empty() || !InB(key)) return false;
    Status r = StatusOf(rel);
    return r == Status::kCreate || r == Status::kReplace;
  }
  // True when a table exists before the plan and stays (so locking it matters).
  bool Existing(const std::string& relation_key) const {
    return InA(relation_key) && InB(relation_key) && StatusOf(relation_key) != Status::kReplace;
  }

  // Sub-objects PostgreSQL manages itself: partition clones, attached partition indexes,
  // columns of partitions and inheritance children.
  bool Managed(const CatalogIndex& side, const std::string& key) const {
    if (auto c = side.constraints.find(key); c != side.constraints.end()) {
      return c->second->inherited;
    }
    if (auto t = side.triggers.find(key); t != side.triggers.end()) return t->second->inherited;
    if (auto i = side.indexes.find(key); i != side.indexes.end()) {
      return !i->second->attached_to.empty();
    }
    if (auto c = side.columns.find(key); c != side.columns.end()) {
      return c->second->inherited && InheritanceUnchanged(side.column_table.at(key)->key);
    }
    return false;
  }

  // True unless the table's parents (INHERITS or PARTITION OF) differ between the sides.
  bool InheritanceUnchanged(const std::string& table_key) const {
    auto x = a_.tables.find(table_key);
    auto y = b_.tables.find(table_key);
    if (x == a_.tables.end() || y == b_.tables.end()) return true;
    return x->second->inherits == y->second->inherits &&
           x->second->partition_of == y->second->partition_of;
  }

  static std::string RoutineHeader(const std::string& def) {
    // pg_get_functiondef: "CREATE OR REPLACE FUNCTION name(args)\n RETURNS t\n LANGUAGE …"
    size_t first = def.find('\n');
    std::string header = def.substr(0, first);
    if (first != std::string::npos) {
      size_t second = def.find('\n', first + 1);
      std::string line = def.substr(
          first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
      if (StartsWith(line, " RETURNS ")) header += line;
    }
    return header;
  }

  void ComputeStatus() {
    std::set<std::string> keys;
    for (const auto& [k, o] : a_.objects) keys.insert(k);
    for (const auto& [k, o] : b_.objects) keys.insert(k);
    for (const std::string& key : keys) {
      bool in_a = InA(key), in_b = InB(key);
      if (in_a && !in_b) {
        status_[key] = Status::kDrop;
      } else if (!in_a && in_b) {
        status_[key] = Status::kCreate;
      } else if (a_.objects.at(key).definition != b_.objects.at(key).definition) {
        status_[key] = Changed(key);
      }
    }
  }

  // alter or replace for an object both sides have with different definitions.
  Status Changed(const std::string& key) {
    std::string kind = KindOf(key);
    if (kind == "extension" || kind == "sequence" || kind == "domain" || kind == "column") {
      if (kind == "domain") {
        const auto* x = a_.domains.at(key);
        const auto* y = b_.domains.at(key);
        std::string xs = x->definition.substr(0, x->definition.find(" DEFAULT "));
        std::string ys = y->definition.substr(0, y->definition.find(" DEFAULT "));
        if (x->base_type != y->base_type ||
            xs.substr(0, xs.find(" CONSTRAINT ")) != ys.substr(0, ys.find(" CONSTRAINT "))) {
          // A different base type or collation: only a new domain will do.
          if (x->base_type != y->base_type || xs.find(" COLLATE ") != std::string::npos ||
              ys.find(" COLLATE ") != std::string::npos) {
            return Status::kReplace;
          }
        }
      }
      if (kind == "column") {
        const auto* x = a_.columns.at(key);
        const auto* y = b_.columns.at(key);
        if (x->generated != y->generated && !(y->generated.empty())) return Status::kReplace;
      }
      return Status::kAlter;
    }
    if (kind == "table") {
      const auto* x = a_.tables.at(key);
      const auto* y = b_.tables.at(key);
      if (x->partitioned != y->partitioned || x->partition_key != y->partition_key) {
        return Status::kReplace;
      }
      return Status::kAlter;
    }
    if (kind == "constraint") {
      const auto* x = a_.constraints.at(key);
      const auto* y = b_.constraints.at(key);
      if (!x->validated && y->validated && x->definition == y->definition + " NOT VALID") {
        return Status::kAlter;  // VALIDATE CONSTRAINT
      }
      return Status::kReplace;
    }
    if (kind == "function" || kind == "procedure") {
      const auto* x = a_.routines.at(key);
      const auto* y = b_.routines.at(key);
      return RoutineHeader(x->definition) == RoutineHeader(y->definition) ? Status::kAlter
                                                                          : Status::kReplace;
    }
    if (kind == "type") {
      const auto* x = a_.types.at(key);
      const auto* y = b_.types.at(key);
      if (x->kind == 'e' && y->kind == 'e') {
        // Adding labels works in place when the old ones keep their order.
        size_t j = 0;
        for (const std::string& label : y->labels) {
          if (j < x->labels.size() && x->labels[j] == label) ++j;
        }
        if (j == x->labels.size()) return Status::kAlter;
        recreated_enums_.insert(key);
        return Status::kReplace;
      }
      if (x->kind == 'c' && y->kind == 'c') return Status::kAlter;
      return Status::kReplace;
    }
    return Status::kReplace;
  }

  // ---------------------------------------------------------------- column order

  // Why ALTER TABLE alone cannot give existing table `key` its desired column order ("" when
  // it can): PostgreSQL only appends columns, so the columns that stay must keep their order
  // and come before every new one.
  std::string OrderProblem(const std::string& key) const {
    const db::CatalogTable& x = *a_.tables.at(key);
    const db::CatalogTable& y = *b_.tables.at(key);
    auto stays = [&](const db::CatalogColumn& c) {
      return !c.inherited && a_.columns.count(c.key) && b_.columns.count(c.key) &&
             StatusOf(c.key) != Status::kReplace;
    };
    std::vector<std::string> now, desired;
    for (const auto& c : x.columns) {
      if (stays(c)) now.push_back(c.name);
    }
    std::string first_new;
    for (const auto& c : y.columns) {
      if (c.inherited) continue;
      if (!stays(c)) {
        if (first_new.empty()) first_new = c.name;
        continue;
      }
      desired.push_back(c.name);
      if (!first_new.empty()) {
        return "column " + first_new + " is added at the end of " + y.qualified + ", not before " +
               c.name + " as in the desired state (PostgreSQL cannot insert a column)";
      }
    }
    if (now != desired) {
      return "the columns of " + y.qualified + " stay in their order (" + Join(now, ", ") +
             "), not the desired (" + Join(desired, ", ") + ") (PostgreSQL cannot move a column)";
    }
    return {};
  }

  // Why `key` cannot be rebuilt to reorder its columns ("" when it can).
  std::string RebuildObstacle(const std::string& key) const {
    const db::CatalogTable& x = *a_.tables.at(key);
    const db::CatalogTable& y = *b_.tables.at(key);
    if (x.partitioned || y.partitioned) return "it is partitioned";
    if (!x.partition_of.empty() || !y.partition_of.empty()) return "it is a partition";
    if (!x.inherits.empty() || !y.inherits.empty()) return "it inherits from another table";
    for (const CatalogIndex* side : {&a_, &b_}) {
      for (const auto& [k, t] : side->tables) {
        if (t->partition_of == x.qualified ||
            std::find(t->inherits.begin(), t->inherits.end(), x.qualified) != t->inherits.end()) {
          return "other tables inherit from it";
        }
      }
    }
    return {};
  }

  // Existing tables whose column order cannot be reached in place: rebuilt with
  // --reorder-columns (replaced, their rows copied), otherwise reported.
  void ChooseRebuilds() {
    for (const auto& [key, t] : b_.tables) {
      if (!Existing(key)) continue;
      std::string problem = OrderProblem(key);
      if (problem.empty()) continue;
      std::string obstacle = options_.reorder_columns ? RebuildObstacle(key) : "";
      if (options_.reorder_columns && obstacle.empty()) {
        status_[key] = Status::kReplace;
        rebuilt_.insert(key);
        continue;
      }
      plan_.unordered_tables.insert(key);
      if (options_.reorder_columns) {
        Warn("column-order", problem + "; cannot rebuild it: " + obstacle);
      } else {
        Warn("column-order", problem,
             "rebuild the table in the desired order: pgstate plan --reorder-columns; or keep "
             "the database's order: write this migration, then pgstate verify "
             "--fix-column-order");
      }
    }
  }

  // ---------------------------------------------------------------- cascade

  bool TypeChanges(const std::string& column_key) const {
    if (StatusOf(column_key) != Status::kAlter) return false;
    const auto* x = a_.columns.at(column_key);
    const auto* y = b_.columns.at(column_key);
    return x->type != y->type || x->collation != y->collation;
  }

  void Cascade() {
    std::vector<std::string> queue;
    for (const auto& [key, s] : status_) {
      if (s == Status::kDrop || s == Status::kReplace) queue.push_back(key);
      if (KindOf(key) == "column" && TypeChanges(key)) queue.push_back(key);
    }
    // Columns of a recreated enum (or its array) are converted to the new type.
    for (const std::string& type : recreated_enums_) {
      auto deps = a_.dependents.find(type);
      if (deps == a_.dependents.end()) continue;
      for (const std::string& x : deps->second) {
        if (KindOf(x) != "column" || !InB(x) || GoesWithRelation(x)) continue;
        if (StatusOf(x) == Status::kSame) status_[x] = Status::kAlter;
        converted_columns_[x] = type;
        queue.push_back(x);
      }
    }
    // What goes with a dropped or replaced relation (its columns, constraints, indexes) takes
    // what depends on it along: another table's foreign key, a view.
    std::map<std::string, std::vector<std::string>> parts;
    for (const auto& [part, rel] : a_.relation_of) parts[rel].push_back(part);
    std::set<std::string> seen;
    while (!queue.empty()) {
      std::string y = queue.back();
      queue.pop_back();
      if (!seen.insert(y).second) continue;
      Status sy = StatusOf(y);
      if (sy == Status::kDrop || sy == Status::kReplace) {
        auto p = parts.find(y);
        if (p != parts.end()) queue.insert(queue.end(), p->second.begin(), p->second.end());
      }
      auto deps = a_.dependents.find(y);
      if (deps == a_.dependents.end()) continue;
      bool y_is_type_change =
          KindOf(y) == "column" && StatusOf(y) == Status::kAlter && !GoesWithRelation(y);
      for (const std::string& x : deps->second) {
        Status sx = StatusOf(x);
        if (sx == Status::kDrop || sx == Status::kReplace || GoesWithRelation(x)) continue;
        if (!InB(x)) continue;
        std::string kx = KindOf(x);
        if (y_is_type_change) {
          // ALTER COLUMN TYPE rebuilds indexes, constraints and statistics itself.
          if (kx == "index" || kx == "constraint" || kx == "statistics" || kx == "table" ||
              kx == "sequence") {
            continue;
          }
        }
        if (kx == "column") {
          if (converted_columns_.count(x) && converted_columns_.at(x) == y) continue;
          if (sx == Status::kAlter && !DependsInB(x, y)) continue;  // the change lets go of y
          const auto* col = a_.columns.at(x);
          std::string yk = KindOf(y);
          if ((yk == "function" || yk == "sequence") && !col->default_expr.empty() &&
              col->generated.empty()) {
            detached_defaults_.insert(x);
            continue;
          }
          if (!col->generated.empty()) {
            status_[x] = Status::kReplace;
            queue.push_back(x);
            continue;
          }
          plan_.unsupported.push_back("cannot change " + y + ": " + x + " depends on it");
          continue;
        }
        if (kx == "table" || kx == "schema" || kx == "extension" || kx == "sequence") {
          if (sx == Status::kAlter && !DependsInB(x, y)) continue;
          if (kx == "table" && StatusOf(y) == Status::kReplace && KindOf(y) == "table") {
            status_[x] = Status::kReplace;  // a partition of a replaced table
            queue.push_back(x);
            continue;
          }
          if (kx == "sequence") continue;  // OWNED BY: handled by its own action
          plan_.unsupported.push_back("cannot change " + y + ": " + x + " depends on it");
          continue;
        }
        if (sx == Status::kAlter && !DependsInB(x, y)) continue;
        if (recreated_enums_.count(x)) continue;
        status_[x] = Status::kReplace;
        queue.push_back(x);
      }
    }
  }

  bool DependsInB(const std::string& x, const std::string& y) const {
    auto it = b_.depends_on.find(x);
    return it != b_.depends_on.end() && it->second.count(y) > 0;
  }

  // ---------------------------------------------------------------- actions

  int NewAction(int phase, const std::string& rank_kind, const std::string& key) {
    Action a;
    a.phase = phase;
    a.rank = phase == 0 ? 100 - KindRank(rank_kind) : KindRank(rank_kind);
    a.key = key;
    a.order = key;
    actions_.push_back(std::move(a));
    return static_cast<int>(actions_.size()) - 1;
  }

  // Adds a statement to `action`. An online statement after ordinary ones goes into the
  // action's tail: an action of its own that follows it in the second migration, so the
  // ordinary part (ADD … NOT VALID) stays in the first.
  Step& Add(int action, std::string sql, bool locks_existing = false, bool online = false) {
    bool on = online && options_.online;
    if (on && !actions_[action].steps.empty() && !actions_[action].online) {
      auto tail = tail_of_.find(action);
      int t;
      if (tail == tail_of_.end()) {
        t = NewAction(1, "", actions_[action].key + " (online)");
        actions_[t].rank = actions_[action].rank;
        actions_[t].after.insert(action);
        actions_[t].online = true;
        tail_of_[action] = t;
      } else {
        t = tail->second;
      }
      action = t;
    } else if (on) {
      actions_[action].online = true;
    }
    Step step;
    step.sql = std::move(sql);
    step.locks_existing = locks_existing;
    actions_[action].steps.push_back(std::move(step));
    return actions_[action].steps.back();
  }

  void Hazard(Step& step, const char* id, std::string message) {
    step.hazards.push_back({id, std::move(message)});
  }

  void MakeActions() {
    for (const auto& [key, status] : status_) {
      if (status == Status::kSame) continue;
      std::string kind = KindOf(key);
      bool drop = status == Status::kDrop || status == Status::kReplace;
      bool create = status == Status::kCreate || status == Status::kReplace;
      if (drop && !GoesWithRelation(key) && !Managed(a_, key) && !OnlineReplace(key)) {
        MakeDrop(key, kind);
      }
      std::string rel = RelationOf(key);
      bool relation_fresh =
          !rel.empty() && (StatusOf(rel) == Status::kCreate || StatusOf(rel) == Status::kReplace);
      if (relation_fresh) {
        // Part of a relation created anew: made with it (columns, constraints) or after it.
        if (InB(key) && !Managed(b_, key) && kind != "column" && !InlineConstraint(key)) {
          MakeCreate(key, kind);
        }
        continue;
      }
      if (status == Status::kAlter) MakeAlter(key, kind);
      if (create && !Managed(b_, key)) MakeCreate(key, kind);
    }
    // Sub-objects of recreated relations that did not change themselves.
    for (const auto& [key, obj] : b_.objects) {
      if (StatusOf(key) != Status::kSame || !Fresh(key) || Managed(b_, key)) continue;
      std::string kind = KindOf(key);
      if (kind == "column" || InlineConstraint(key)) continue;
      MakeCreate(key, kind);
    }
    for (const std::string& x : detached_defaults_) MakeDetachedDefault(x);
  }

  // The key of the table a foreign key references (in the current catalog).
  std::string ReferencedTableKey(const db::CatalogConstraint& fk) const {
    for (const auto& [k, t] : a_.tables) {
      if (t->qualified == fk.referenced_table) return k;
    }
    return {};
  }

  // A constraint written inside the CREATE TABLE of its (new) table: all but foreign keys.
  bool InlineConstraint(const std::string& key) const {
    auto c = b_.constraints.find(key);
    if (c == b_.constraints.end() || c->second->inherited || c->second->type == 'f') return false;
    std::string rel = "table " + c->second->schema + "." + c->second->table;
    return StatusOf(rel) == Status::kCreate || StatusOf(rel) == Status::kReplace;
  }

  // A changed index on a table that stays: built anew beside the old one, then swapped.
  bool OnlineReplace(const std::string& key) const {
    if (KindOf(key) != "index" || StatusOf(key) != Status::kReplace || !options_.online) {
      return false;
    }
    std::string rel = RelationOf(key);
    return !GoesWithRelation(key) && Existing(rel) && !IsPartitioned(b_, rel) &&
           !HasDependentsInB(key) && !Managed(a_, key) && !Managed(b_, key);
  }

  // Records which action makes `key` exist in its desired form, and which removes the current.
  void SetCreate(const std::string& key, int action) { create_of_[key] = action; }
  void SetDrop(const std::string& key, int action) { drop_of_[key] = action; }

  std::string DropTarget(const std::string& target) {
    // "FUNCTION public.f(int)" -> "FUNCTION IF EXISTS public.f(int)"
    size_t space = target.find(' ');
    return target.substr(0, space) + " IF EXISTS" + target.substr(space);
  }

  void MakeDrop(const std::string& key, const std::string& kind) {
    int id = NewAction(
        0, kind == "constraint" && a_.constraints.at(key)->type == 'f' ? "fkey" : kind, key);
    SetDrop(key, id);
    if (kind == "schema") {
      Add(id, "DROP SCHEMA IF EXISTS " + QuoteIdent(a_.schemas.at(key)->name));
    } else if (kind == "extension") {
      Step& s = Add(id, "DROP EXTENSION IF EXISTS " + QuoteIdent(a_.extensions.at(key)->name));
      Hazard(s, kHazardDataLoss,
             "drops extension " + a_.extensions.at(key)->name + " with everything it created");
    } else if (kind == "table") {
      const auto* t = a_.tables.at(key);
      if (rebuilt_.count(key)) {
        SetAside(id, *t);
      } else {
        Step& s = Add(id, "DROP TABLE IF EXISTS " + t->qualified, true);
        Hazard(s, kHazardDataLoss, "drops table " + t->qualified + " and its data");
      }
      // Everything on the table goes with it, but a foreign key to another table that goes
      // too is dropped first: two such tables could not otherwise be ordered.
      for (const auto& [k, rel] : a_.relation_of) {
        if (rel != key) continue;
        auto fk = a_.constraints.find(k);
        if (fk != a_.constraints.end() && fk->second->type == 'f' &&
            fk->second->referenced_table != t->qualified) {
          Status ts = StatusOf(ReferencedTableKey(*fk->second));
          if (ts == Status::kDrop || ts == Status::kReplace) {
            int fk_drop = NewAction(0, "fkey", k);
            Add(fk_drop, "ALTER TABLE " + t->qualified + " DROP CONSTRAINT IF EXISTS " +
                             QuoteIdent(fk->second->name));
            SetDrop(k, fk_drop);
            actions_[id].after.insert(fk_drop);
            continue;
          }
        }
        SetDrop(k, id);
      }
    } else if (kind == "column") {
      const auto* t = a_.column_table.at(key);
      const auto* c = a_.columns.at(key);
      // ONLY keeps the column in inheritance children that still have it (as their own).
      bool keep_in_children = false;
      for (const auto& [k, child] : b_.tables) {
        if (std::find(child->inherits.begin(), child->inherits.end(), t->qualified) ==
            child->inherits.end()) {
          continue;
        }
        for (const auto& col : child->columns) keep_in_children |= col.name == c->name;
      }
      Step& s = Add(id,
                    "ALTER TABLE " + std::string(keep_in_children ? "ONLY " : "") + t->qualified +
                        " DROP COLUMN IF EXISTS " + QuoteIdent(c->name),
                    true);
      if (c->generated.empty()) {
        Hazard(s, kHazardDataLoss,
               "drops column " + c->name + " of " + t->qualified + " and its data");
      }
    } else if (kind == "constraint") {
      const auto* c = a_.constraints.at(key);
      Add(id,
          "ALTER TABLE " + c->table_qualified + " DROP CONSTRAINT IF EXISTS " + QuoteIdent(c->name),
          Existing("table " + c->schema + "." + c->table));
    } else if (kind == "index") {
      const auto* x = a_.indexes.at(key);
      Add(id, "DROP INDEX IF EXISTS " + x->qualified, Existing(RelationOf(key)));
    } else if (kind == "sequence") {
      Add(id, "DROP SEQUENCE IF EXISTS " + a_.sequences.at(key)->qualified);
    } else if (kind == "view" || kind == "materialized view") {
      const auto* v = a_.views.at(key);
      Add(id, std::string("DROP ") + (v->materialized ? "MATERIALIZED VIEW" : "VIEW") +
                  " IF EXISTS " + v->qualified);
      for (const auto& [k, rel] : a_.relation_of) {
        if (rel == key) SetDrop(k, id);
      }
    } else if (kind == "function" || kind == "procedure" || kind == "aggregate") {
      Add(id, "DROP " + DropTarget(a_.routines.at(key)->target));
    } else if (kind == "trigger") {
      const auto* t = a_.triggers.at(key);
      Add(id,
          "DROP TRIGGER IF EXISTS " + QuoteIdent(t->name) + " ON " +
              QuoteQualified(t->schema, t->table),
          Existing(RelationOf(key)));
    } else if (kind == "type") {
      const auto* t = a_.types.at(key);
      if (recreated_enums_.count(key)) {
        // The old type steps aside under another name; it goes once no column uses it.
        std::string old_name = t->name.substr(0, 40) + "__pgstate_old";
        Add(id, "ALTER TYPE " + t->qualified + " RENAME TO " + QuoteIdent(old_name));
        int final_drop = NewAction(1, "final", key);
        Add(final_drop, "DROP TYPE IF EXISTS " + QuoteQualified(t->schema, old_name));
        enum_final_drop_[key] = final_drop;
      } else {
        Add(id, "DROP TYPE IF EXISTS " + t->qualified);
      }
    } else if (kind == "domain") {
      Add(id, "DROP DOMAIN IF EXISTS " + a_.domains.at(key)->qualified);
    } else if (kind == "policy") {
      const auto* p = a_.policies.at(key);
      Add(id,
          "DROP POLICY IF EXISTS " + QuoteIdent(p->name) + " ON " +
              QuoteQualified(p->schema, p->table),
          Existing(RelationOf(key)));
    } else if (kind == "collation") {
      const auto* c = a_.collations.at(key);
      Add(id, "DROP COLLATION IF EXISTS " + QuoteQualified(c->schema, c->name));
    } else if (kind == "rule") {
      const auto* r = a_.rules.at(key);
      Add(id,
          "DROP RULE IF EXISTS " + QuoteIdent(r->name) + " ON " +
              QuoteQualified(r->schema, r->table),
          Existing(RelationOf(key)));
    } else if (kind == "statistics") {
      const auto* s = a_.statistics.at(key);
      Add(id, "DROP STATISTICS IF EXISTS " + QuoteQualified(s->schema, s->name));
    }
  }

  // ------------------------------------------------------------ rebuilds

  // `name` + `suffix`, cut to PostgreSQL's 63 bytes (at a character boundary).
  static std::string TempName(const std::string& name, const std::string& suffix) {
    size_t keep = std::min(name.size(), 63 - suffix.size());
    while (keep > 0 && keep < name.size() && (name[keep] & 0xC0) == 0x80) --keep;
    return name.substr(0, keep) + suffix;
  }
  static std::string OldTableName(const db::CatalogTable& t) {
    return TempName(t.name, "__pgstate_old");
  }
  static std::string OldIdentitySequence(const db::CatalogTable& t, const db::CatalogColumn& c) {
    return TempName(t.name + "_" + c.name, "__pgstate_old_seq");
  }

  // A table to rebuild steps aside under another name, freeing every name its new self takes:
  // the indexes of its primary key, unique and exclusion constraints (made inside CREATE
  // TABLE), its identity sequences; the sequences it owns let go (the new table takes them).
  void SetAside(int id, const db::CatalogTable& t) {
    std::string old = QuoteQualified(t.schema, OldTableName(t));
    Add(id, "ALTER TABLE " + t.qualified + " RENAME TO " + QuoteIdent(OldTableName(t)), true);
    for (const auto* c : ConstraintsOf(a_, t.key)) {
      if (c->type == 'p' || c->type == 'u' || c->type == 'x') {
        Add(id, "ALTER TABLE " + old + " DROP CONSTRAINT " + QuoteIdent(c->name));
      }
    }
    for (const auto& c : t.columns) {
      auto y = b_.columns.find(c.key);
      if (c.identity == 0 || y == b_.columns.end() || y->second->identity == 0) continue;
      Add(id,
          "DO $pgstate$ BEGIN EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', "
          "pg_get_serial_sequence(" +
              QuoteLiteral(old) + ", " + QuoteLiteral(c.name) + "), " +
              QuoteLiteral(OldIdentitySequence(t, c)) + "); END $pgstate$");
    }
    for (const auto* seq : OwnedSequencesKept(t)) {
      Add(id, "ALTER SEQUENCE " + seq->qualified + " OWNED BY NONE");
    }
  }

  // Sequences owned by a column of `t` that own them in both states (the plan changes other
  // ownership itself).
  std::vector<const db::CatalogSequence*> OwnedSequencesKept(const db::CatalogTable& t) const {
    std::vector<const db::CatalogSequence*> out;
    for (const auto& [k, seq] : a_.sequences) {
      auto y = b_.sequences.find(k);
      if (y == b_.sequences.end() || seq->owned_by != y->second->owned_by) continue;
      if (StartsWith(seq->owned_by, t.qualified + ".")) out.push_back(y->second);
    }
    return out;
  }

  // The new table takes the rows of the old one, its sequences' values and ownership; then the
  // old one goes (with its indexes, triggers and the rest: they are made anew on the new one).
  void TakeOver(int id, const db::CatalogTable& t) {
    const db::CatalogTable& x = *a_.tables.at(t.key);
    std::string old = QuoteQualified(t.schema, OldTableName(x));
    std::vector<std::string> columns, lost;
    for (const auto& c : x.columns) {
      auto y = b_.columns.find(c.key);
      if (y == b_.columns.end()) {
        lost.push_back(c.name);
      } else if (y->second->generated.empty()) {
        columns.push_back(QuoteIdent(c.name));
      }
    }
    std::string list = Join(columns, ", ");
    Step& copy = Add(id, "INSERT INTO " + t.qualified + " (" + list +
                             ") OVERRIDING SYSTEM VALUE SELECT " + list + " FROM " + old);
    Hazard(copy, kHazardTableRewrite,
           "rebuilds " + t.qualified +
               " to put its columns in the desired order: every row is copied while the table "
               "is locked");
    copy.hazards.back().requested = true;
    for (const std::string& c : lost) {
      Hazard(copy, kHazardDataLoss, "drops column " + c + " of " + t.qualified + " and its data");
    }
    for (const auto& c : x.columns) {
      auto y = b_.columns.find(c.key);
      if (c.identity == 0 || y == b_.columns.end() || y->second->identity == 0) continue;
      Add(id, "SELECT setval(pg_get_serial_sequence(" + QuoteLiteral(t.qualified) + ", " +
                  QuoteLiteral(c.name) + "), last_value, is_called) FROM " +
                  QuoteQualified(t.schema, OldIdentitySequence(x, c)));
    }
    for (const auto* seq : OwnedSequencesKept(x)) {
      Add(id, "ALTER SEQUENCE " + seq->qualified + " OWNED BY " + seq->owned_by);
    }
    Add(id, "DROP TABLE " + old);
  }

  // ------------------------------------------------------------ creates

  std::string ColumnDefinition(const db::CatalogColumn& c) const {
    std::string def = QuoteIdent(c.name) + " " + c.type;
    if (!c.collation.empty()) def += " COLLATE " + c.collation;
    if (c.identity != 0) {
      def += std::string(" GENERATED ") + (c.identity == 'a' ? "ALWAYS" : "BY DEFAULT") +
             " AS IDENTITY";
      if (!c.identity_options.empty()) def += " (" + c.identity_options + ")";
    }
    if (!c.generated.empty()) def += " GENERATED ALWAYS AS (" + c.generated + ") STORED";
    if (c.not_null) def += " NOT NULL";
    if (!c.default_expr.empty()) def += " DEFAULT " + c.default_expr;
    if (!c.compression.empty()) def += " COMPRESSION " + c.compression;
    return def;
  }

  // Column settings CREATE TABLE / ADD COLUMN cannot carry.
  void ColumnSettings(int id, const db::CatalogTable& t, const db::CatalogColumn& c,
                      const db::CatalogColumn* before, bool existing) {
    std::string prefix = "ALTER TABLE " + t.qualified + " ALTER COLUMN " + QuoteIdent(c.name);
    std::string old_storage = before ? before->storage : "";
    std::string type_storage =
        StartsWith(c.type, "numeric") || c.type == "inet" || c.type == "cidr" ? "MAIN" : "EXTENDED";
    if (c.storage != old_storage) {
      // Back to the type's own: PostgreSQL 16 says DEFAULT, earlier versions need its name (the
      // model lists storage only where it differs from the type's).
      std::string storage = !c.storage.empty()                    ? c.storage
                            : b_.catalog.server_version >= 160000 ? "DEFAULT"
                                                                  : type_storage;
      Add(id, prefix + " SET STORAGE " + storage, existing);
    }
    int old_stats = before ? before->statistics : -1;
    if (c.statistics != old_stats) {
      Add(id, prefix + " SET STATISTICS " + std::to_string(c.statistics), existing);
    }
    std::string old_options = before ? before->options : "";
    if (c.options != old_options) {
      std::vector<std::string> reset;
      std::vector<std::string> new_keys = OptionKeys(c.options);
      for (const std::string& k : OptionKeys(old_options)) {
        if (std::find(new_keys.begin(), new_keys.end(), k) == new_keys.end()) reset.push_back(k);
      }
      if (!reset.empty()) Add(id, prefix + " RESET (" + Join(reset, ", ") + ")", existing);
      if (!c.options.empty()) Add(id, prefix + " SET (" + c.options + ")", existing);
    }
  }

  // A constraint definition fit for CREATE TABLE (…) or ADD CONSTRAINT.
  static std::string ConstraintClause(const db::CatalogConstraint& c) {
    return "CONSTRAINT " + QuoteIdent(c.name) + " " + c.definition;
  }

  void MakeCreateTable(const std::string& key, int id) {
    const auto* t = b_.tables.at(key);
    SetCreate(key, id);
    std::vector<std::string> elements;
    std::vector<const db::CatalogColumn*> local;
    for (const auto& c : t->columns) {
      SetCreate(c.key, id);
      if (c.inherited) continue;
      elements.push_back(ColumnDefinition(c));
      local.push_back(&c);
    }
    // Constraints other than foreign keys go inside; foreign keys follow (they may point at
    // tables created later, or at this one).
    for (const auto* c : ConstraintsOf(b_, key)) {
      if (c->inherited || c->type == 'f') continue;
      elements.push_back(ConstraintClause(*c));
      SetCreate(c->key, id);
      inline_constraints_.insert(c->key);
    }
    std::string sql =
        std::string("CREATE ") + (t->unlogged ? "UNLOGGED " : "") + "TABLE " + t->qualified;
    std::string body;
    if (!elements.empty()) body = " (\n    " + Join(elements, ",\n    ") + "\n)";
    if (!t->partition_of.empty()) {
      sql += " PARTITION OF " + t->partition_of + body + " " + t->partition_bound;
    } else {
      sql += body.empty() ? " ()" : body;
      if (!t->inherits.empty()) sql += " INHERITS (" + Join(t->inherits, ", ") + ")";
    }
    if (!t->partition_key.empty()) sql += " PARTITION BY " + t->partition_key;
    if (!t->access_method.empty()) sql += " USING " + t->access_method;
    if (!t->options.empty()) sql += " WITH (" + t->options + ")";
    if (!t->tablespace.empty()) sql += " TABLESPACE " + t->tablespace;
    Add(id, sql);
    if (rebuilt_.count(key)) TakeOver(id, *t);
    for (const auto* c : local) ColumnSettings(id, *t, *c, nullptr, false);
    // Inherited columns take the parent's default and NOT NULL; set what differs.
    for (const auto& c : t->columns) {
      if (!c.inherited) continue;
      const db::CatalogColumn* parent = ParentColumn(*t, c.name);
      std::string prefix = "ALTER TABLE " + t->qualified + " ALTER COLUMN " + QuoteIdent(c.name);
      std::string parent_default = parent ? parent->default_expr : "";
      if (c.default_expr != parent_default) {
        Add(id,
            prefix + (c.default_expr.empty() ? " DROP DEFAULT" : " SET DEFAULT " + c.default_expr));
      }
      bool parent_not_null = parent && parent->not_null;
      if (c.not_null && !parent_not_null) Add(id, prefix + " SET NOT NULL");
      ColumnSettings(id, *t, c, parent, false);
    }
    TableSettings(id, nullptr, *t);
  }

  const db::CatalogColumn* ParentColumn(const db::CatalogTable& t, const std::string& name) const {
    std::vector<std::string> parents = t.inherits;
    if (!t.partition_of.empty()) parents.push_back(t.partition_of);
    for (const std::string& q : parents) {
      for (const auto& [k, table] : b_.tables) {
        if (table->qualified != q) continue;
        for (const auto& c : table->columns) {
          if (c.name == name) return &c;
        }
      }
    }
    return nullptr;
  }

  std::vector<const db::CatalogConstraint*> ConstraintsOf(const CatalogIndex& side,
                                                          const std::string& table_key) const {
    std::vector<const db::CatalogConstraint*> out;
    for (const auto& [k, c] : side.constraints) {
      if ("table " + c->schema + "." + c->table == table_key) out.push_back(c);
    }
    return out;
  }

  // Table-level settings: replica identity, row level security (and their removal).
  void TableSettings(int id, const db::CatalogTable* before, const db::CatalogTable& t) {
    bool existing = before != nullptr;
    std::string prefix = "ALTER TABLE " + t.qualified;
    std::string old_ri = before ? before->replica_identity : "";
    if (t.replica_identity != old_ri) {
      int ri = id;
      if (StartsWith(t.replica_identity, "USING INDEX")) {
        // Needs the index: an action of its own that follows the index's creation.
        ri = NewAction(1, "owned-by", t.key + " replica identity");
        replica_identity_actions_.push_back({ri, t.schema});
        replica_identity_index_[ri] = t.replica_identity.substr(12);
      }
      Add(ri,
          prefix + " REPLICA IDENTITY " +
              (t.replica_identity.empty() ? std::string("DEFAULT") : t.replica_identity),
          existing);
    }
    bool old_rls = before && before->row_security;
    if (t.row_security != old_rls) {
      Add(id, prefix + (t.row_security ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY", existing);
    }
    bool old_force = before && before->force_row_security;
    if (t.force_row_security != old_force) {
      Add(id, prefix + (t.force_row_security ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY",
          existing);
    }
  }

  // "CREATE [UNIQUE] INDEX name ON …" -> the same with CONCURRENTLY and another name.
  static std::string ConcurrentIndex(const std::string& def, const std::string& quoted_name,
                                     const std::string& new_name) {
    std::string prefix =
        StartsWith(def, "CREATE UNIQUE INDEX ") ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    std::string rest = def.substr(prefix.size());
    if (StartsWith(rest, quoted_name + " ON ")) rest = rest.substr(quoted_name.size());
    return prefix + "CONCURRENTLY " + new_name + rest;
  }

  static std::string StripInvalid(const std::string& def) {
    return EndsWith(def, " -- invalid") ? def.substr(0, def.size() - 11) : def;
  }

  bool HasDependentsInB(const std::string& key) const {
    auto it = b_.dependents.find(key);
    return it != b_.dependents.end() && !it->second.empty();
  }

  bool IsPartitioned(const CatalogIndex& side, const std::string& relation_key) const {
    auto t = side.tables.find(relation_key);
    return t != side.tables.end() && (t->second->partitioned || !t->second->partition_of.empty());
  }

  void MakeCreateIndex(const std::string& key, int id) {
    const auto* x = b_.indexes.at(key);
    SetCreate(key, id);
    std::string rel = RelationOf(key);
    std::string def = StripInvalid(x->definition);
    // A partitioned table's index: created on the whole tree (its partitions' indexes follow).
    if (size_t only = def.find(" ON ONLY "); only != std::string::npos) def.erase(only + 3, 5);
    bool existing = Existing(rel);
    std::string quoted_name = QuoteIdent(x->name);
    bool concurrent =
        existing && options_.online && !IsPartitioned(b_, rel) && !HasDependentsInB(key);
    if (!concurrent) {
      Step& s = Add(id, def, existing);
      if (existing) {
        Hazard(s, kHazardBlocksWrites,
               "builds index " + x->qualified + " while writes to " +
                   rel.substr(rel.find(' ') + 1) + " wait");
      }
      return;
    }
    if (!OnlineReplace(key)) {
      Add(id, ConcurrentIndex(def, quoted_name, quoted_name), true, true);
      return;
    }
    // Replace online: build the new one beside the old, swap.
    std::string temp = x->name.substr(0, 50) + "_pgstate_new";
    Add(id, ConcurrentIndex(def, quoted_name, QuoteIdent(temp)), true, true);
    Add(id, "DROP INDEX CONCURRENTLY IF EXISTS " + x->qualified, true, true);
    Add(id, "ALTER INDEX " + QuoteQualified(x->schema, temp) + " RENAME TO " + quoted_name, true,
        true);
    online_replaced_.insert(key);
  }

  void MakeCreateConstraint(const std::string& key, int id) {
    const auto* c = b_.constraints.at(key);
    SetCreate(key, id);
    std::string table_key = "table " + c->schema + "." + c->table;
    bool existing = Existing(table_key);
    bool partitioned = IsPartitioned(b_, table_key);
    std::string prefix =
        "ALTER TABLE " + c->table_qualified + " ADD CONSTRAINT " + QuoteIdent(c->name) + " ";
    if (!existing || !options_.online) {
      Add(id, prefix + c->definition, existing);
      return;
    }
    if ((c->type == 'f' || c->type == 'c') && c->validated && !partitioned) {
      // NOT VALID takes a short lock; VALIDATE scans without blocking writes.
      Add(id, prefix + c->definition + " NOT VALID", true);
      Add(id, "ALTER TABLE " + c->table_qualified + " VALIDATE CONSTRAINT " + QuoteIdent(c->name),
          true, true);
      return;
    }
    if ((c->type == 'p' || c->type == 'u') && !partitioned && !HasDependentsInB(key)) {
      std::string index_sql = UniqueIndexFor(*c);
      if (!index_sql.empty()) {
        Add(id, index_sql, true, true);
        std::string clause = c->type == 'p' ? "PRIMARY KEY" : "UNIQUE";
        std::string deferrable;
        if (c->deferrable) {
          deferrable = c->deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
        }
        Add(id, prefix + clause + " USING INDEX " + QuoteIdent(TempIndexName(*c)) + deferrable,
            true, true);
        return;
      }
    }
    Step& s = Add(id, prefix + c->definition, true);
    if (c->type == 'f' || c->type == 'c') {
      Hazard(s, kHazardLongValidation,
             "validates " + c->name + " on " + c->table_qualified + " while holding its lock");
    } else {
      Hazard(s, kHazardAccessExclusive,
             "builds the index of " + c->name + " while " + c->table_qualified +
                 " is locked against reads");
    }
  }

  static std::string TempIndexName(const db::CatalogConstraint& c) {
    return c.name.substr(0, 50) + "_pgstate_idx";
  }

  // CREATE UNIQUE INDEX CONCURRENTLY for a PRIMARY KEY / UNIQUE constraint's definition, or
  // "" when the definition has a shape this does not handle.
  static std::string UniqueIndexFor(const db::CatalogConstraint& c) {
    const std::string& def = c.definition;
    std::string rest;
    bool nulls_not_distinct = false;
    if (StartsWith(def, "PRIMARY KEY ")) {
      rest = def.substr(12);
    } else if (StartsWith(def, "UNIQUE NULLS NOT DISTINCT ")) {
      rest = def.substr(26);
      nulls_not_distinct = true;
    } else if (StartsWith(def, "UNIQUE ")) {
      rest = def.substr(7);
    } else {
      return {};
    }
    if (rest.find("DEFERRABLE") != std::string::npos) {
      rest = rest.substr(0, rest.find(" DEFERRABLE"));
    }
    std::string columns = rest, tail;
    size_t close = rest.find(')');
    if (rest.empty() || rest[0] != '(' || close == std::string::npos) return {};
    columns = rest.substr(0, close + 1);
    tail = rest.substr(close + 1);
    std::string include, with, tablespace;
    if (StartsWith(tail, " INCLUDE (")) {
      size_t end = tail.find(')');
      include = tail.substr(0, end + 1);
      tail = tail.substr(end + 1);
    }
    if (StartsWith(tail, " WITH (")) {
      size_t end = tail.find(')');
      with = tail.substr(0, end + 1);
      tail = tail.substr(end + 1);
    }
    if (StartsWith(tail, " USING INDEX TABLESPACE ")) {
      tablespace = " TABLESPACE " + tail.substr(24);
      tail.clear();
    }
    if (!tail.empty()) return {};
    return "CREATE UNIQUE INDEX CONCURRENTLY " + QuoteIdent(TempIndexName(c)) + " ON " +
           c.table_qualified + " " + columns + include +
           (nulls_not_distinct ? " NULLS NOT DISTINCT" : "") + with + tablespace;
  }

  void MakeCreateSequence(const std::string& key, int id) {
    const auto* s = b_.sequences.at(key);
    SetCreate(key, id);
    Add(id, "CREATE SEQUENCE " + s->qualified + " " + SequenceOptions(*s));
    if (!s->owned_by.empty()) MakeOwnedBy(*s);
  }

  static std::string SequenceOptions(const db::CatalogSequence& s) {
    return "AS " + s.type + " START WITH " + std::to_string(s.start) + " INCREMENT BY " +
           std::to_string(s.increment) + " MINVALUE " + std::to_string(s.min_value) + " MAXVALUE " +
           std::to_string(s.max_value) + " CACHE " + std::to_string(s.cache) +
           (s.cycle ? " CYCLE" : " NO CYCLE");
  }

  void MakeOwnedBy(const db::CatalogSequence& s) {
    int id = NewAction(1, "owned-by", s.key + " owned by");
    Add(id, "ALTER SEQUENCE " + s.qualified + " OWNED BY " +
                (s.owned_by.empty() ? std::string("NONE") : s.owned_by));
    owned_by_actions_[id] = s.key;
  }

  static std::string TriggerSql(const db::CatalogTrigger& t) {
    std::string def = t.definition;
    size_t alter = def.find("; ALTER TABLE ");
    return alter == std::string::npos ? def : def.substr(0, alter);
  }

  void MakeCreate(const std::string& key, const std::string& kind) {
    std::string rank_kind = kind;
    if (kind == "constraint" && b_.constraints.at(key)->type == 'f') rank_kind = "fkey";
    int id = NewAction(1, rank_kind, key);
    if (kind == "schema") {
      SetCreate(key, id);
      Add(id, "CREATE SCHEMA " + QuoteIdent(b_.schemas.at(key)->name));
    } else if (kind == "extension") {
      SetCreate(key, id);
      const auto* e = b_.extensions.at(key);
      Add(id, "CREATE EXTENSION IF NOT EXISTS " + QuoteIdent(e->name) + " WITH SCHEMA " +
                  QuoteIdent(e->schema) + " VERSION " + QuoteLiteral(e->version));
    } else if (kind == "table") {
      MakeCreateTable(key, id);
    } else if (kind == "column") {
      const auto* t = b_.column_table.at(key);
      const auto* c = b_.columns.at(key);
      SetCreate(key, id);
      // New columns of one table are added in the desired order: ADD COLUMN appends.
      char position[16];
      std::snprintf(position, sizeof position, " %08d", c->position);
      actions_[id].order = t->key + position;
      bool existing = Existing(t->key);
      Step& s =
          Add(id, "ALTER TABLE " + t->qualified + " ADD COLUMN " + ColumnDefinition(*c), existing);
      if (existing && c->not_null && c->default_expr.empty() && c->identity == 0 &&
          c->generated.empty()) {
        Warn("requires-backfill", "column " + c->name + " of " + t->qualified +
                                      " is NOT NULL without a default: adding it fails while "
                                      "the table has rows");
      }
      if (existing && !c->generated.empty()) {
        Hazard(s, kHazardTableRewrite,
               "rewrites " + t->qualified + " to compute generated column " + c->name);
      } else if (existing && c->identity != 0) {
        Hazard(s, kHazardTableRewrite,
               "rewrites " + t->qualified + " to number identity column " + c->name);
      } else if (existing && VolatileDefault(c->default_expr)) {
        Hazard(s, kHazardTableRewrite,
               "rewrites " + t->qualified + ": the default of " + c->name + " is volatile");
      }
      ColumnSettings(id, *t, *c, nullptr, existing);
    } else if (kind == "constraint") {
      MakeCreateConstraint(key, id);
    } else if (kind == "index") {
      MakeCreateIndex(key, id);
    } else if (kind == "sequence") {
      MakeCreateSequence(key, id);
    } else if (kind == "view" || kind == "materialized view") {
      SetCreate(key, id);
      Add(id, b_.views.at(key)->definition);
    } else if (kind == "function" || kind == "procedure" || kind == "aggregate") {
      SetCreate(key, id);
      creates_routines_ = true;
      Add(id, b_.routines.at(key)->definition);
    } else if (kind == "trigger") {
      SetCreate(key, id);
      const auto* t = b_.triggers.at(key);
      bool existing = Existing(RelationOf(key));
      Add(id, TriggerSql(*t), existing);
      TriggerState(id, *t, existing);
    } else if (kind == "type") {
      SetCreate(key, id);
      Add(id, b_.types.at(key)->definition);
    } else if (kind == "domain") {
      SetCreate(key, id);
      Add(id, b_.domains.at(key)->definition);
    } else if (kind == "policy" || kind == "collation" || kind == "rule" || kind == "statistics") {
      SetCreate(key, id);
      Add(id, b_.objects.at(key).definition, Existing(RelationOf(key)));
    }
  }

  void TriggerState(int id, const db::CatalogTrigger& t, bool existing) {
    const char* state = t.enabled == 'D'   ? " DISABLE TRIGGER "
                        : t.enabled == 'R' ? " ENABLE REPLICA TRIGGER "
                        : t.enabled == 'A' ? " ENABLE ALWAYS TRIGGER "
                                           : " ENABLE TRIGGER ";
    if (t.enabled == 'O') return;
    Add(id, "ALTER TABLE " + QuoteQualified(t.schema, t.table) + state + QuoteIdent(t.name),
        existing);
  }

  static bool VolatileDefault(const std::string& expr) {
    for (const char* f : {"random()", "clock_timestamp()", "gen_random_uuid()", "uuid_generate",
                          "timeofday()", "nextval("}) {
      if (expr.find(f) != std::string::npos) return true;
    }
    return false;
  }

  // ------------------------------------------------------------ alters

  void MakeAlter(const std::string& key, const std::string& kind) {
    int id = NewAction(1, kind, key);
    SetCreate(key, id);
    if (kind == "extension") {
      const auto* x = a_.extensions.at(key);
      const auto* y = b_.extensions.at(key);
      if (x->version != y->version) {
        Add(id,
            "ALTER EXTENSION " + QuoteIdent(y->name) + " UPDATE TO " + QuoteLiteral(y->version));
      }
      if (x->schema != y->schema) {
        Add(id, "ALTER EXTENSION " + QuoteIdent(y->name) + " SET SCHEMA " + QuoteIdent(y->schema));
      }
    } else if (kind == "table") {
      AlterTable(id, *a_.tables.at(key), *b_.tables.at(key));
    } else if (kind == "column") {
      AlterColumn(id, key);
    } else if (kind == "constraint") {
      const auto* c = b_.constraints.at(key);
      Add(id, "ALTER TABLE " + c->table_qualified + " VALIDATE CONSTRAINT " + QuoteIdent(c->name),
          true, true);
    } else if (kind == "sequence") {
      const auto* x = a_.sequences.at(key);
      const auto* y = b_.sequences.at(key);
      if (SequenceOptions(*x) != SequenceOptions(*y)) {
        Add(id, "ALTER SEQUENCE " + y->qualified + " " + SequenceOptions(*y));
      }
      if (x->owned_by != y->owned_by) MakeOwnedBy(*y);
    } else if (kind == "function" || kind == "procedure") {
      creates_routines_ = true;
      Add(id, b_.routines.at(key)->definition);
    } else if (kind == "type") {
      AlterType(id, *a_.types.at(key), *b_.types.at(key));
    } else if (kind == "domain") {
      AlterDomain(id, *a_.domains.at(key), *b_.domains.at(key));
    }
  }

  void AlterTable(int id, const db::CatalogTable& x, const db::CatalogTable& y) {
    std::string prefix = "ALTER TABLE " + y.qualified;
    if (x.unlogged != y.unlogged) {
      Step& s = Add(id, prefix + (y.unlogged ? " SET UNLOGGED" : " SET LOGGED"), true);
      Hazard(s, kHazardTableRewrite, "rewrites " + y.qualified + " to change its persistence");
    }
    if (x.options != y.options) {
      std::vector<std::string> reset;
      std::vector<std::string> new_keys = OptionKeys(y.options);
      for (const std::string& k : OptionKeys(x.options)) {
        if (std::find(new_keys.begin(), new_keys.end(), k) == new_keys.end()) reset.push_back(k);
      }
      if (!reset.empty()) Add(id, prefix + " RESET (" + Join(reset, ", ") + ")", true);
      if (!y.options.empty()) Add(id, prefix + " SET (" + y.options + ")", true);
    }
    if (x.access_method != y.access_method) {
      Step& s = Add(id,
                    prefix + " SET ACCESS METHOD " +
                        (y.access_method.empty() ? std::string("heap") : y.access_method),
                    true);
      Hazard(s, kHazardTableRewrite, "rewrites " + y.qualified + " into another access method");
    }
    if (x.tablespace != y.tablespace) {
      Step& s = Add(id,
                    prefix + " SET TABLESPACE " +
                        (y.tablespace.empty() ? std::string("pg_default") : y.tablespace),
                    true);
      Hazard(s, kHazardTableRewrite, "moves " + y.qualified + " to another tablespace");
    }
    for (const std::string& p : x.inherits) {
      if (std::find(y.inherits.begin(), y.inherits.end(), p) == y.inherits.end()) {
        Add(Release(y.key), prefix + " NO INHERIT " + p, true);
      }
    }
    for (const std::string& p : y.inherits) {
      if (std::find(x.inherits.begin(), x.inherits.end(), p) == x.inherits.end()) {
        // After the columns it must have are added (its own action).
        int inherit = NewAction(1, "constraint", y.key + " inherit");
        Add(inherit, prefix + " INHERIT " + p, true);
        inherit_actions_[inherit] = y.key;
      }
    }
    if (x.partition_of != y.partition_of || x.partition_bound != y.partition_bound) {
      if (!x.partition_of.empty()) {
        Add(Release(y.key), "ALTER TABLE " + x.partition_of + " DETACH PARTITION " + x.qualified,
            true);
      }
      if (!y.partition_of.empty()) {
        Step& s = Add(id,
                      "ALTER TABLE " + y.partition_of + " ATTACH PARTITION " + y.qualified + " " +
                          y.partition_bound,
                      true);
        Hazard(s, kHazardLongValidation,
               "scans " + y.qualified + " to check it fits partition bounds");
      }
    }
    TableSettings(id, &x, y);
  }

  // The action that takes a table out of its parents (NO INHERIT, DETACH PARTITION): before
  // the columns it got from them can be dropped, and before the parents change.
  int Release(const std::string& table_key) {
    auto it = release_of_.find(table_key);
    if (it != release_of_.end()) return it->second;
    int id = NewAction(0, "constraint", table_key + " release");
    release_of_[table_key] = id;
    return id;
  }

  // True when `type` (as format_type spells it, maybe with []) is an enum of that catalog.
  static bool IsEnum(const CatalogIndex& side, std::string type) {
    if (EndsWith(type, "[]")) type.resize(type.size() - 2);
    for (const auto& [k, t] : side.types) {
      if (t->kind == 'e' && t->qualified == type) return true;
    }
    return false;
  }

  static bool BinaryCoercible(const std::string& from, const std::string& to) {
    auto varchar_len = [](const std::string& t) -> int {
      if (t == "character varying" || t == "text") return 1 << 30;
      if (StartsWith(t, "character varying(")) return std::atoi(t.c_str() + 18);
      return -1;
    };
    int f = varchar_len(from), t = varchar_len(to);
    if (f > 0 && t > 0) return t >= f;
    auto numeric = [](const std::string& t, int* p, int* s) {
      if (t == "numeric") {
        *p = 1 << 30;
        *s = -1;
        return true;
      }
      return std::sscanf(t.c_str(), "numeric(%d,%d)", p, s) == 2;
    };
    int fp, fs, tp, ts;
    if (numeric(from, &fp, &fs) && numeric(to, &tp, &ts)) {
      return (ts == -1 && tp == (1 << 30)) || (fs == ts && tp >= fp);
    }
    return false;
  }

  void AlterColumn(int id, const std::string& key) {
    const auto* t = b_.column_table.at(key);
    const auto* x = a_.columns.at(key);
    const auto* y = b_.columns.at(key);
    if (Managed(b_, key) && Managed(a_, key)) {
      // Inherited column: type changes come from the parent; local settings still apply.
      AlterColumnLocal(id, *t, *x, *y, false);
      return;
    }
    AlterColumnLocal(id, *t, *x, *y, true);
  }

  void AlterColumnLocal(int id, const db::CatalogTable& t, const db::CatalogColumn& x,
                        const db::CatalogColumn& y, bool own) {
    std::string prefix = "ALTER TABLE " + t.qualified + " ALTER COLUMN " + QuoteIdent(y.name);
    bool converted = converted_columns_.count(y.key) > 0;
    bool type_change = own && (x.type != y.type || x.collation != y.collation || converted);
    bool default_change =
        x.default_expr != y.default_expr || (type_change && !x.default_expr.empty());
    if (!x.generated.empty() && y.generated.empty()) {
      Add(id, prefix + " DROP EXPRESSION", true);
    }
    // Identity goes away before a default can be set, and before a sequence of the same name
    // is created; it comes after the old default and its sequence are gone (own actions).
    if (x.identity != 0 && y.identity == 0) {
      int drop = NewAction(1, "column", y.key + " drop identity");
      Add(drop, prefix + " DROP IDENTITY", true);
      drop_identity_[y.key] = drop;
    }
    if (default_change && !x.default_expr.empty()) Add(id, prefix + " DROP DEFAULT", true);
    if (type_change) {
      std::string type = y.type + (y.collation.empty() ? "" : " COLLATE " + y.collation);
      std::string cast = QuoteIdent(y.name);
      // Enums have no casts between each other (or from most types): go through text.
      if (converted || IsEnum(a_, x.type) || IsEnum(b_, y.type)) {
        cast += EndsWith(y.type, "[]") ? "::text[]" : "::text";
      }
      Step& s = Add(id, prefix + " TYPE " + type + " USING " + cast + "::" + y.type, true);
      if (converted || !BinaryCoercible(x.type, y.type) || x.collation != y.collation) {
        Hazard(s, kHazardTableRewrite,
               "rewrites " + t.qualified + " to change the type of " + y.name + " from " + x.type +
                   " to " + y.type);
      }
    }
    if (x.not_null && !y.not_null) Add(id, prefix + " DROP NOT NULL", true);
    if (!x.not_null && y.not_null) SetNotNull(id, t, y, prefix);
    if (y.identity != 0 && x.identity == 0) {
      int add = NewAction(1, "column", y.key + " add identity");
      Add(add,
          prefix + " ADD GENERATED " + (y.identity == 'a' ? "ALWAYS" : "BY DEFAULT") +
              " AS IDENTITY" + (y.identity_options.empty() ? "" : " (" + y.identity_options + ")"),
          true);
      add_identity_[y.key] = add;
    } else if (y.identity != 0 && x.identity != 0) {
      std::vector<std::string> sets;
      if (x.identity != y.identity) {
        sets.push_back(std::string("SET GENERATED ") +
                       (y.identity == 'a' ? "ALWAYS" : "BY DEFAULT"));
      }
      if (x.identity_options != y.identity_options) {
        for (const std::string& o : IdentityOptionList(y.identity_options)) {
          sets.push_back("SET " + o);
        }
        if (x.identity_options.find(" CYCLE") != std::string::npos &&
            y.identity_options.find(" CYCLE") == std::string::npos) {
          sets.push_back("SET NO CYCLE");
        }
      }
      if (!sets.empty()) Add(id, prefix + " " + Join(sets, " "), true);
    }
    if (default_change && !y.default_expr.empty()) {
      if (detached_defaults_.count(y.key)) {
        // Set once what it uses exists again (its own action).
      } else {
        Add(id, prefix + " SET DEFAULT " + y.default_expr, true);
      }
    }
    if (x.compression != y.compression) {
      Add(id,
          prefix + " SET COMPRESSION " +
              (y.compression.empty() ? std::string("default") : y.compression),
          true);
    }
    ColumnSettings(id, t, y, &x, true);
  }

  // "START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9 CACHE 1 CYCLE" -> each option.
  static std::vector<std::string> IdentityOptionList(const std::string& options) {
    std::vector<std::string> out;
    const char* names[] = {"START WITH ", "INCREMENT BY ", "MINVALUE ", "MAXVALUE ", "CACHE "};
    for (const char* n : names) {
      size_t at = options.find(n);
      if (at == std::string::npos) continue;
      size_t value = at + std::string(n).size();
      size_t end = options.find(' ', value);
      out.push_back(std::string(n) + options.substr(value, end == std::string::npos
                                                               ? std::string::npos
                                                               : end - value));
    }
    if (options.find(" CYCLE") != std::string::npos) out.push_back("CYCLE");
    return out;
  }

  // NOT NULL on an existing column: through a validated CHECK, so the lock that SET NOT NULL
  // takes is not held for a scan.
  void SetNotNull(int id, const db::CatalogTable& t, const db::CatalogColumn& c,
                  const std::string& prefix) {
    bool identity_coming = c.identity != 0;
    bool new_key = false;
    for (const auto* k : ConstraintsOf(b_, t.key)) {
      if (k->type != 'p' ||
          std::find(k->columns.begin(), k->columns.end(), c.name) == k->columns.end()) {
        continue;
      }
      Status s = StatusOf(k->key);
      if (s == Status::kCreate || s == Status::kReplace) new_key = true;
    }
    if (new_key) return;  // ADD PRIMARY KEY sets NOT NULL itself
    if (!options_.online || identity_coming || t.partitioned || !t.partition_of.empty()) {
      Step& s = Add(id, prefix + " SET NOT NULL", true);
      Hazard(
          s, kHazardAccessExclusive,
          "scans " + t.qualified + " for NULLs in " + c.name + " while it is locked against reads");
      return;
    }
    std::string check = c.name.substr(0, 40) + "_not_null_pgstate";
    Add(id,
        "ALTER TABLE " + t.qualified + " ADD CONSTRAINT " + QuoteIdent(check) + " CHECK (" +
            QuoteIdent(c.name) + " IS NOT NULL) NOT VALID",
        true);
    Add(id, "ALTER TABLE " + t.qualified + " VALIDATE CONSTRAINT " + QuoteIdent(check), true, true);
    Add(id, prefix + " SET NOT NULL", true, true);
    Add(id, "ALTER TABLE " + t.qualified + " DROP CONSTRAINT " + QuoteIdent(check), true, true);
  }

  void MakeDetachedDefault(const std::string& key) {
    const auto* t = a_.column_table.at(key);
    const auto* x = a_.columns.at(key);
    std::string prefix = "ALTER TABLE " + t->qualified + " ALTER COLUMN " + QuoteIdent(x->name);
    int detach = NewAction(0, "column", key + " default");
    Add(detach, prefix + " DROP DEFAULT", true);
    detach_of_[key] = detach;
    auto y = b_.columns.find(key);
    if (y == b_.columns.end() || y->second->default_expr.empty()) return;
    int attach = NewAction(1, "column", key + " default");
    Add(attach, prefix + " SET DEFAULT " + y->second->default_expr, true);
    attach_of_[key] = attach;
  }

  void AlterType(int id, const db::CatalogType& x, const db::CatalogType& y) {
    if (x.kind == 'e') {
      // New labels, each placed before the old label that follows it (or at the end).
      for (size_t i = 0; i < y.labels.size(); ++i) {
        const std::string& label = y.labels[i];
        if (std::find(x.labels.begin(), x.labels.end(), label) != x.labels.end()) continue;
        std::string where;
        for (size_t j = i + 1; j < y.labels.size(); ++j) {
          if (std::find(x.labels.begin(), x.labels.end(), y.labels[j]) != x.labels.end()) {
            where = " BEFORE " + QuoteLiteral(y.labels[j]);
            break;
          }
        }
        Add(id, "ALTER TYPE " + y.qualified + " ADD VALUE " + QuoteLiteral(label) + where);
      }
      return;
    }
    // Composite: attributes by name.
    std::map<std::string, const db::CatalogColumn*> old_attrs, new_attrs;
    for (const auto& a : x.attributes) old_attrs[a.name] = &a;
    for (const auto& a : y.attributes) new_attrs[a.name] = &a;
    std::vector<std::string> changes;
    for (const auto& a : x.attributes) {
      if (!new_attrs.count(a.name)) changes.push_back("DROP ATTRIBUTE " + QuoteIdent(a.name));
    }
    for (const auto& a : y.attributes) {
      auto it = old_attrs.find(a.name);
      std::string type = a.type + (a.collation.empty() ? "" : " COLLATE " + a.collation);
      if (it == old_attrs.end()) {
        changes.push_back("ADD ATTRIBUTE " + QuoteIdent(a.name) + " " + type);
      } else if (it->second->type != a.type || it->second->collation != a.collation) {
        changes.push_back("ALTER ATTRIBUTE " + QuoteIdent(a.name) + " TYPE " + type);
      }
    }
    if (!changes.empty()) Add(id, "ALTER TYPE " + y.qualified + " " + Join(changes, ", "));
    // Attribute order is part of the type: report what ADD ATTRIBUTE cannot reach.
    std::vector<std::string> kept_order;
    for (const auto& a : y.attributes) kept_order.push_back(a.name);
    std::vector<std::string> reached;
    for (const auto& a : x.attributes) {
      if (new_attrs.count(a.name)) reached.push_back(a.name);
    }
    for (const auto& a : y.attributes) {
      if (!old_attrs.count(a.name)) reached.push_back(a.name);
    }
    if (reached != kept_order) {
      plan_.unsupported.push_back("cannot reorder the attributes of type " + y.qualified);
    }
  }

  static std::string ConstraintName(const std::string& clause) {
    // "CONSTRAINT name CHECK (…)" or "CONSTRAINT \"Na me\" CHECK (…)"
    std::string rest = clause.substr(11);
    if (!rest.empty() && rest[0] == '"') {
      std::string name;
      for (size_t i = 1; i < rest.size(); ++i) {
        if (rest[i] == '"') {
          if (i + 1 < rest.size() && rest[i + 1] == '"') {
            name += '"';
            ++i;
            continue;
          }
          break;
        }
        name += rest[i];
      }
      return name;
    }
    return rest.substr(0, rest.find(' '));
  }

  void AlterDomain(int id, const db::CatalogDomain& x, const db::CatalogDomain& y) {
    std::string prefix = "ALTER DOMAIN " + y.qualified;
    for (const std::string& c : x.constraints) {
      if (std::find(y.constraints.begin(), y.constraints.end(), c) == y.constraints.end()) {
        Add(id, prefix + " DROP CONSTRAINT IF EXISTS " + QuoteIdent(ConstraintName(c)));
      }
    }
    if (x.default_expr != y.default_expr) {
      Add(id,
          prefix + (y.default_expr.empty() ? " DROP DEFAULT" : " SET DEFAULT " + y.default_expr));
    }
    if (x.not_null != y.not_null) {
      Step& s = Add(id, prefix + (y.not_null ? " SET NOT NULL" : " DROP NOT NULL"));
      if (y.not_null) {
        Hazard(s, kHazardLongValidation, "checks every column of domain " + y.qualified);
      }
    }
    for (const std::string& c : y.constraints) {
      if (std::find(x.constraints.begin(), x.constraints.end(), c) != x.constraints.end()) continue;
      if (options_.online && c.find(" NOT VALID") == std::string::npos) {
        Add(id, prefix + " ADD " + c + " NOT VALID");
        Add(id, prefix + " VALIDATE CONSTRAINT " + QuoteIdent(ConstraintName(c)), false, true);
      } else {
        Add(id, prefix + " ADD " + c);
      }
    }
  }

  // ------------------------------------------------------------ attributes

  static std::string Grantee(const std::string& role) {
    return role == "public" ? "PUBLIC" : QuoteIdent(role);
  }

  struct Privileges {
    std::set<std::string> plus, grantable, minus;
    friend bool operator==(const Privileges& x, const Privileges& y) {
      return x.plus == y.plus && x.grantable == y.grantable && x.minus == y.minus;
    }
  };

  static std::map<std::string, Privileges> PrivilegesOf(
      const std::vector<const db::CatalogGrant*>* grants) {
    std::map<std::string, Privileges> out;
    if (!grants) return out;
    for (const auto* g : *grants) {
      Privileges& p = out[g->grantee];
      for (const std::string& priv : g->privileges) (g->revoke ? p.minus : p.plus).insert(priv);
      for (const std::string& priv : g->grantable) p.grantable.insert(priv);
    }
    return out;
  }

  // GRANT/REVOKE target and the column suffix of a privilege.
  std::pair<std::string, std::string> GrantTarget(const CatalogIndex& side,
                                                  const db::CatalogGrant& g) const {
    if (StartsWith(g.object_key, "column ")) {
      auto col = side.columns.find(g.object_key);
      if (col != side.columns.end()) {
        return {g.target, " (" + QuoteIdent(col->second->name) + ")"};
      }
    }
    return {g.target, ""};
  }

  void MakeAttributeActions() {
    std::set<std::string> keys;
    for (const auto& [k, v] : a_.comments) keys.insert(k);
    for (const auto& [k, v] : b_.comments) keys.insert(k);
    for (const auto& [k, v] : a_.grants) keys.insert(k);
    for (const auto& [k, v] : b_.grants) keys.insert(k);
    for (const auto& [k, v] : a_.owners) keys.insert(k);
    for (const auto& [k, v] : b_.owners) keys.insert(k);
    for (const std::string& key : keys) {
      if (!InB(key)) continue;  // goes with its object
      bool fresh = Fresh(key);
      // Comments.
      auto bc = b_.comments.find(key);
      auto ac = fresh ? a_.comments.end() : a_.comments.find(key);
      std::string old_text = ac != a_.comments.end() ? ac->second->text : "";
      bool had = ac != a_.comments.end();
      if (bc != b_.comments.end() && (!had || old_text != bc->second->text)) {
        int id = NewAction(1, "comment", "comment on " + key);
        Add(id, bc->second->definition);
        attribute_of_[id] = key;
      } else if (bc == b_.comments.end() && had) {
        int id = NewAction(1, "comment", "comment on " + key);
        Add(id, "COMMENT ON " + ac->second->target + " IS NULL");
        attribute_of_[id] = key;
      }
      // Privileges.
      auto bg = b_.grants.find(key);
      auto ag = fresh ? a_.grants.end() : a_.grants.find(key);
      std::map<std::string, Privileges> before =
          PrivilegesOf(ag == a_.grants.end() ? nullptr : &ag->second);
      std::map<std::string, Privileges> after =
          PrivilegesOf(bg == b_.grants.end() ? nullptr : &bg->second);
      const db::CatalogGrant* sample = bg != b_.grants.end()   ? bg->second.front()
                                       : ag != a_.grants.end() ? ag->second.front()
                                                               : nullptr;
      if (sample && before != after) {
        const CatalogIndex& side = bg != b_.grants.end() ? b_ : a_;
        auto [target, cols] = GrantTarget(side, *sample);
        std::set<std::string> grantees;
        for (const auto& [g, p] : before) grantees.insert(g);
        for (const auto& [g, p] : after) grantees.insert(g);
        int id = -1;
        for (const std::string& g : grantees) {
          Privileges x = before.count(g) ? before.at(g) : Privileges{};
          Privileges y = after.count(g) ? after.at(g) : Privileges{};
          std::vector<std::string> grant, grant_option, revoke, revoke_option;
          for (const std::string& p : y.plus) {
            bool was = x.plus.count(p) > 0;
            bool option = y.grantable.count(p) > 0;
            bool had_option = x.grantable.count(p) > 0;
            if (!was || option != had_option) {
              if (option) {
                grant_option.push_back(p + cols);
              } else if (was && had_option) {
                revoke_option.push_back(p + cols);
              } else {
                grant.push_back(p + cols);
              }
            }
          }
          for (const std::string& p : x.plus) {
            if (!y.plus.count(p)) revoke.push_back(p + cols);
          }
          for (const std::string& p : y.minus) {
            if (!x.minus.count(p)) revoke.push_back(p + cols);
          }
          for (const std::string& p : x.minus) {
            if (!y.minus.count(p)) grant.push_back(p + cols);
          }
          if (grant.empty() && grant_option.empty() && revoke.empty() && revoke_option.empty()) {
            continue;
          }
          if (id < 0) {
            id = NewAction(1, "grant", "privileges on " + key);
            attribute_of_[id] = key;
          }
          std::string who = Grantee(g);
          if (!revoke.empty()) {
            Add(id, "REVOKE " + Join(revoke, ", ") + " ON " + target + " FROM " + who);
          }
          if (!revoke_option.empty()) {
            Add(id, "REVOKE GRANT OPTION FOR " + Join(revoke_option, ", ") + " ON " + target +
                        " FROM " + who);
          }
          if (!grant.empty())
            Add(id, "GRANT " + Join(grant, ", ") + " ON " + target + " TO " + who);
          if (!grant_option.empty()) {
            Add(id, "GRANT " + Join(grant_option, ", ") + " ON " + target + " TO " + who +
                        " WITH GRANT OPTION");
          }
        }
      }
      // Owner.
      if (!options_.owners) continue;
      auto bo = b_.owners.find(key);
      if (bo == b_.owners.end()) continue;
      auto ao = a_.owners.find(key);
      bool needed =
          fresh ? !options_.default_owner.empty() && bo->second->owner != options_.default_owner
                : ao == a_.owners.end() || ao->second->owner != bo->second->owner;
      if (needed) {
        int id = NewAction(1, "owner", "owner of " + key);
        Add(id, bo->second->definition);
        attribute_of_[id] = key;
      }
    }
    // Default privileges.
    std::set<std::string> dkeys;
    for (const auto& [k, v] : a_.default_privileges) dkeys.insert(k);
    for (const auto& [k, v] : b_.default_privileges) dkeys.insert(k);
    for (const std::string& key : dkeys) {
      auto x = a_.default_privileges.find(key);
      auto y = b_.default_privileges.find(key);
      bool in_x = x != a_.default_privileges.end(), in_y = y != b_.default_privileges.end();
      if (in_x && in_y && x->second->definition == y->second->definition) continue;
      int id = NewAction(1, "default privileges", key);
      if (in_x) Add(id, InverseDefaultPrivilege(*x->second));
      if (in_y) Add(id, y->second->definition);
    }
  }

  static std::string InverseDefaultPrivilege(const db::CatalogDefaultPrivilege& p) {
    std::string s = "ALTER DEFAULT PRIVILEGES FOR ROLE " + QuoteIdent(p.role);
    if (!p.schema.empty()) s += " IN SCHEMA " + QuoteIdent(p.schema);
    s += p.revoke ? " GRANT " : " REVOKE ";
    s += Join(p.privileges, ", ") + " ON " + p.object_type;
    s += (p.revoke ? " TO " : " FROM ") + Grantee(p.grantee);
    return s;
  }

  void Warn(const std::string& rule, const std::string& message, const std::string& hint = {}) {
    core::Diagnostic d;
    d.severity = core::Severity::kWarning;
    d.rule = rule;
    d.message = message;
    d.hint = hint;
    plan_.warnings.push_back(std::move(d));
  }

  // ------------------------------------------------------------ edges

  void Edge(int before, int after) {
    if (before < 0 || after < 0 || before == after) return;
    actions_[after].after.insert(before);
  }

  int Find(const std::map<std::string, int>& m, const std::string& key) const {
    auto it = m.find(key);
    return it == m.end() ? -1 : it->second;
  }

  void AddEdges() {
    // Desired dependencies: what X needs is made first.
    for (const auto& d : b_.catalog.dependencies) {
      int x = Find(create_of_, d.from), y = Find(create_of_, d.to);
      Edge(y, x);
      Edge(y, Find(attach_of_, d.from));
    }
    // Current dependencies: what depends on Y goes (or changes) before Y goes or changes.
    for (const auto& d : a_.catalog.dependencies) {
      // A converted column follows the new enum, not the old one.
      auto conv = converted_columns_.find(d.from);
      if (conv != converted_columns_.end() && conv->second == d.to) continue;
      int y_drop = Find(drop_of_, d.to);
      int x_drop = Find(drop_of_, d.from);
      int x_change = Find(create_of_, d.from);
      std::string y_kind = KindOf(d.to);
      bool disruptive = y_kind == "column" || y_kind == "type" || y_kind == "domain";
      int y_change = disruptive && StatusOf(d.to) == Status::kAlter ? Find(create_of_, d.to) : -1;
      if (y_drop >= 0) {
        if (x_drop >= 0) {
          Edge(x_drop, y_drop);
        } else if (x_change >= 0 && StatusOf(d.from) == Status::kAlter) {
          Edge(x_change, y_drop);
        }
        Edge(Find(detach_of_, d.from), y_drop);
      }
      if (y_change >= 0) {
        Edge(x_drop, y_change);
        Edge(Find(detach_of_, d.from), y_change);
      }
    }
    // A replaced object: the old one goes before the new one comes.
    for (const auto& [key, drop] : drop_of_) {
      int create = Find(create_of_, key);
      if (create >= 0 && drop != create) Edge(drop, create);
    }
    // Attributes follow their object; OWNED BY follows the sequence and its column.
    for (const auto& [id, key] : attribute_of_) Edge(Find(create_of_, key), id);
    for (const auto& [id, seq] : owned_by_actions_) {
      Edge(Find(create_of_, seq), id);
      const auto* s = b_.sequences.count(seq) ? b_.sequences.at(seq) : nullptr;
      if (s && !s->owned_by.empty()) {
        for (const auto& [k, col] : b_.columns) {
          const auto* t = b_.column_table.at(k);
          if (t->qualified + "." + QuoteIdent(col->name) == s->owned_by) {
            Edge(Find(create_of_, k), id);
          }
        }
      }
      // Releasing ownership comes before the old owner column goes.
      if (a_.sequences.count(seq)) {
        for (const auto& [k, col] : a_.columns) {
          const auto* t = a_.column_table.at(k);
          if (t->qualified + "." + QuoteIdent(col->name) == a_.sequences.at(seq)->owned_by) {
            Edge(id, Find(drop_of_, k));
          }
        }
      }
    }
    // Replica identity USING INDEX follows the index.
    for (const auto& [id, schema] : replica_identity_actions_) {
      std::string index_key = "index " + schema + "." + Unquote(replica_identity_index_[id]);
      Edge(Find(create_of_, index_key), id);
    }
    // Recreated enums: columns convert after the new type exists, the old type goes last.
    for (const auto& [column, type] : converted_columns_) {
      Edge(Find(create_of_, type), Find(create_of_, column));
      Edge(Find(create_of_, column), Find(enum_final_drop_, type));
    }
    for (const auto& [type, final_drop] : enum_final_drop_) {
      Edge(Find(create_of_, type), final_drop);
      auto deps = a_.dependents.find(type);
      if (deps == a_.dependents.end()) continue;
      for (const std::string& x : deps->second) Edge(Find(create_of_, x), final_drop);
    }
    // Detached defaults: detach before the change, attach after.
    for (const auto& [col, detach] : detach_of_) {
      int attach = Find(attach_of_, col);
      Edge(detach, attach);
      Edge(Find(create_of_, col), attach);
      Edge(detach, Find(create_of_, col));
    }
    // Columns a table got from its parents go after it leaves them; the parents change after.
    for (const auto& [table, release] : release_of_) {
      for (const auto& [k, col] : a_.columns) {
        if (a_.column_table.at(k)->key == table) Edge(release, Find(drop_of_, k));
      }
      const auto* x = a_.tables.at(table);
      for (const auto& [k, t] : a_.tables) {
        bool parent =
            t->qualified == x->partition_of ||
            std::find(x->inherits.begin(), x->inherits.end(), t->qualified) != x->inherits.end();
        if (parent) {
          Edge(release, Find(drop_of_, k));
          Edge(release, Find(create_of_, k));
        }
      }
    }
    // INHERIT follows the columns the child gains.
    for (const auto& [inherit, table] : inherit_actions_) {
      Edge(Find(create_of_, table), inherit);
      for (const auto& [k, col] : b_.columns) {
        if (b_.column_table.at(k)->key == table) Edge(Find(create_of_, k), inherit);
      }
    }
    // Identity: dropped before any sequence is created (it may take the same name) and before
    // the column gets a default; added after the old default and every dropped sequence.
    for (const auto& [column, drop] : drop_identity_) {
      Edge(drop, Find(create_of_, column));
      for (size_t i = 0; i < actions_.size(); ++i) {
        if (StartsWith(actions_[i].key, "sequence ") && actions_[i].phase == 1) {
          Edge(drop, static_cast<int>(i));
        }
      }
    }
    for (const auto& [column, add] : add_identity_) {
      Edge(Find(create_of_, column), add);
      for (size_t i = 0; i < actions_.size(); ++i) {
        if (StartsWith(actions_[i].key, "sequence ") && actions_[i].phase == 0) {
          Edge(static_cast<int>(i), add);
        }
      }
    }
    ChainNewColumns();
    // Extensions come before everything that may use what they provide, and go after.
    std::vector<int> ext_creates, ext_drops;
    for (size_t i = 0; i < actions_.size(); ++i) {
      if (StartsWith(actions_[i].key, "extension ")) {
        (actions_[i].phase == 0 ? ext_drops : ext_creates).push_back(static_cast<int>(i));
      }
    }
    for (size_t i = 0; i < actions_.size(); ++i) {
      const std::string& key = actions_[i].key;
      if (StartsWith(key, "extension ") || StartsWith(key, "schema ")) continue;
      for (int e : ext_creates) {
        if (actions_[i].phase == 1) Edge(e, static_cast<int>(i));
      }
      for (int e : ext_drops) {
        if (actions_[i].phase == 0) Edge(static_cast<int>(i), e);
      }
    }
  }

  // New columns of a table are added in their desired order (ADD COLUMN appends), whatever
  // else each waits for; unless one needs a later one (a generated column): then it lands
  // after that one, and the plan's proof reports the order.
  void ChainNewColumns() {
    std::map<std::string, std::vector<std::pair<int, int>>> by_table;  // (position, action)
    for (const auto& [key, column] : b_.columns) {
      int id = Find(create_of_, key);
      if (id < 0 || actions_[id].key != key) continue;  // made with its (new) table
      by_table[b_.column_table.at(key)->key].emplace_back(column->position, id);
    }
    for (auto& [table, columns] : by_table) {
      std::sort(columns.begin(), columns.end());
      for (size_t i = 1; i < columns.size(); ++i) {
        int before = columns[i - 1].second, after = columns[i].second;
        if (!Requires(before, after)) Edge(before, after);
      }
    }
  }

  // True when action `x` must follow action `y`, directly or through others.
  bool Requires(int x, int y) const {
    std::vector<int> stack = {x};
    std::set<int> seen;
    while (!stack.empty()) {
      int a = stack.back();
      stack.pop_back();
      if (a == y) return true;
      if (!seen.insert(a).second) continue;
      for (int p : actions_[a].after) stack.push_back(p);
    }
    return false;
  }

  static std::string Unquote(const std::string& q) {
    if (q.size() >= 2 && q.front() == '"' && q.back() == '"') {
      std::string out;
      for (size_t i = 1; i + 1 < q.size(); ++i) {
        out += q[i];
        if (q[i] == '"') ++i;
      }
      return out;
    }
    return q;
  }

  // ------------------------------------------------------------ order

  void Order() {
    size_t n = actions_.size();
    // Online actions make everything after them online.
    std::vector<std::vector<int>> successors(n);
    std::vector<int> pending(n, 0);
    for (size_t i = 0; i < n; ++i) {
      for (int p : actions_[i].after) {
        successors[p].push_back(static_cast<int>(i));
        ++pending[i];
      }
    }
    auto cmp = [&](int x, int y) {
      const Action& a = actions_[x];
      const Action& b = actions_[y];
      if (a.phase != b.phase) return a.phase > b.phase;
      if (a.rank != b.rank) return a.rank > b.rank;
      return a.order > b.order;
    };
    std::priority_queue<int, std::vector<int>, decltype(cmp)> ready(cmp);
    for (size_t i = 0; i < n; ++i) {
      if (pending[i] == 0) ready.push(static_cast<int>(i));
    }
    std::vector<int> order;
    while (!ready.empty()) {
      int i = ready.top();
      ready.pop();
      order.push_back(i);
      for (int s : successors[i]) {
        if (actions_[i].online) actions_[s].online = true;
        if (--pending[s] == 0) ready.push(s);
      }
    }
    if (order.size() != n) {
      std::vector<std::string> stuck;
      for (size_t i = 0; i < n; ++i) {
        if (pending[i] > 0) stuck.push_back(actions_[i].key);
      }
      plan_.unsupported.push_back("cannot order the changes to " + Join(stuck, ", ") +
                                  ": they depend on each other");
      return;
    }
    if (creates_routines_) {
      Step s;
      s.sql = "SET check_function_bodies = false";
      plan_.steps.push_back(std::move(s));
    }
    for (bool online : {false, true}) {
      for (int i : order) {
        if (actions_[i].online != online) continue;
        for (Step step : actions_[i].steps) {
          step.online = online;
          plan_.steps.push_back(std::move(step));
        }
      }
    }
  }

  // ------------------------------------------------------------ reports

  void ReportUncovered() {
    auto text = [](const db::UncoveredObject& u) { return u.kind + " " + u.identity; };
    std::set<std::string> before, after;
    for (const auto& u : a_.catalog.uncovered) before.insert(text(u));
    for (const auto& u : b_.catalog.uncovered) after.insert(text(u));
    for (const std::string& u : after) {
      Warn("uncovered-object",
           u + (before.count(u)
                    ? " is not covered by the catalog model: its changes are not planned"
                    : " is not covered by the catalog model: the plan does not create it"));
    }
    for (const std::string& u : before) {
      if (!after.count(u)) {
        Warn("uncovered-object",
             u + " is not covered by the catalog model: the plan does not drop it");
      }
    }
  }

  CatalogIndex a_;
  CatalogIndex b_;
  PlanOptions options_;
  Plan plan_;
  std::map<std::string, Status> status_;
  std::set<std::string> recreated_enums_;
  std::set<std::string> rebuilt_;                         // tables rebuilt to reorder their columns
  std::map<std::string, std::string> converted_columns_;  // column -> recreated enum
  std::set<std::string> detached_defaults_;
  std::set<std::string> inline_constraints_;
  std::set<std::string> online_replaced_;
  std::vector<Action> actions_;
  std::map<int, int> tail_of_;
  std::map<std::string, int> release_of_;                    // table -> NO INHERIT / DETACH action
  std::map<std::string, int> drop_identity_, add_identity_;  // column -> action
  std::map<int, std::string> inherit_actions_;               // INHERIT action -> table key
  std::map<std::string, int> create_of_, drop_of_, detach_of_, attach_of_, enum_final_drop_;
  std::map<int, std::string> attribute_of_, owned_by_actions_;
  std::vector<std::pair<int, std::string>> replica_identity_actions_;
  std::map<int, std::string> replica_identity_index_;
  bool creates_routines_ = false;
};

}  // namespace

const std::vector<std::string>& HazardIds() {
  static const std::vector<std::string> kIds = {kHazardAccessExclusive, kHazardBlocksWrites,
                                                kHazardDataLoss, kHazardLongValidation,
                                                kHazardTableRewrite};
  return kIds;
}

bool Plan::HasOnlineSteps() const {
  for (const Step& s : steps) {
    if (s.online) return true;
  }
  return false;
}

std::set<std::string> Plan::HazardIdsUsed() const {
  std::set<std::string> ids;
  for (const Step& s : steps) {
    for (const Hazard& h : s.hazards) ids.insert(h.id);
  }
  return ids;
}

Plan BuildPlan(const db::Catalog& from, const db::Catalog& to, const PlanOptions& options) {
  return Planner(from, to, options).Run();
}

}  // namespace pgstate::plan
