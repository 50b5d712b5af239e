// Migration rules: file names and versions, and the hazards of each statement.

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "lint/reporter.h"
#include "migrate/migration_files.h"
#include "schema/parse_tree.h"

namespace pgstate::lint {

namespace {

namespace tree = schema::tree;

// A relation as (schema, name), unqualified names in the first schema of the search path.
using Relation = std::pair<std::string, std::string>;

std::string Show(const Relation& r) { return r.first + "." + r.second; }

bool IsVolatileFunction(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {"random",
                                                           "random_normal",
                                                           "clock_timestamp",
                                                           "timeofday",
                                                           "gen_random_uuid",
                                                           "gen_random_bytes",
                                                           "uuid_generate_v1",
                                                           "uuid_generate_v1mc",
                                                           "uuid_generate_v4",
                                                           "nextval",
                                                           "setseed",
                                                           "txid_current",
                                                           "pg_current_xact_id"};
  return names.count(name) > 0;
}

bool IsSerialType(std::string_view name) {
  return name == "serial" || name == "bigserial" || name == "smallserial" || name == "serial2" ||
         name == "serial4" || name == "serial8";
}

// Tracks CHECK (col IS NOT NULL) constraints: which exist, which are validated.
class NotNullChecks {
 public:
  void Add(const Relation& table, const std::string& name, const std::string& column,
           bool validated) {
    by_name_[{table, name}] = {column, validated};
  }
  void Validate(const Relation& table, const std::string& name) {
    auto it = by_name_.find({table, name});
    if (it != by_name_.end()) it->second.second = true;
  }
  bool HasValidated(const Relation& table, const std::string& column) const {
    for (const auto& [key, value] : by_name_) {
      if (key.first == table && value.first == column && value.second) return true;
    }
    return false;
  }

 private:
  std::map<std::pair<Relation, std::string>, std::pair<std::string, bool>> by_name_;
};

// The column of `expr` when it is `<column> IS NOT NULL`; "" otherwise.
std::string NotNullColumn(const PgQuery__Node* expr) {
  if (expr == nullptr || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST) return {};
  const PgQuery__NullTest* t = expr->null_test;
  if (t->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || t->arg == nullptr ||
      t->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) {
    return {};
  }
  const PgQuery__ColumnRef* ref = t->arg->column_ref;
  if (ref->n_fields != 1) return {};
  return std::string(tree::Str(ref->fields[0]));
}

class MigrationLinter {
 public:
  MigrationLinter(const std::vector<std::string>& search_path, Reporter& reporter)
      : default_schema_(search_path.empty() ? "public" : search_path.front()),
        reporter_(reporter) {}

  Relation Resolve(const tree::QualifiedName& q) const {
    return {q.schema.empty() ? default_schema_ : q.schema, q.name};
  }

  // Remembers the CHECK (col IS NOT NULL) constraints of the baseline.
  void ReadBaseline(const sql::SourceFile& baseline) {
    for (const sql::Statement& s : baseline.statements()) RecordChecks(s);
  }

  void LintFile(const sql::SourceFile& file) {
    migrate::MigrationContent content = migrate::SplitMigration(file.text());
    size_t up_end = content.down ? content.up.size() : SIZE_MAX;
    // Tables this migration creates: changing them holds no lock anyone else waits for.
    created_.clear();
    for (const sql::Statement& s : file.statements()) {
      if (s.text.begin >= up_end) break;
      const PgQuery__Node* n = tree::Unwrap(s.node);
      if (n == nullptr) continue;
      if (n->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
        created_.insert(Resolve(tree::NameOf(n->create_stmt->relation)));
      } else if (n->node_case == PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT &&
                 n->create_table_as_stmt->into != nullptr) {
        created_.insert(Resolve(tree::NameOf(n->create_table_as_stmt->into->rel)));
      }
    }
    for (const sql::Statement& s : file.statements()) {
      if (s.text.begin >= up_end) break;
      const PgQuery__Node* n = tree::Unwrap(s.node);
      if (n == nullptr) continue;
      LintStatement(file, s, n, content.no_transaction);
      RecordChecks(s);
    }
  }

 private:
  bool Existing(const Relation& r) const { return created_.count(r) == 0; }

  void RecordChecks(const sql::Statement& s) {
    const PgQuery__Node* n = tree::Unwrap(s.node);
    if (n == nullptr) return;
    for (const tree::ConstraintSite& site : tree::ConstraintsOf(n)) {
      const PgQuery__Constraint* c = site.constraint;
      if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) continue;
      std::string column = NotNullColumn(c->raw_expr);
      if (column.empty()) continue;
      Relation table = Resolve(tree::NameOf(site.relation));
      checks_.Add(table, c->conname != nullptr ? c->conname : "", column, !c->skip_validation);
    }
    if (n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) {
      const PgQuery__AlterTableStmt* a = n->alter_table_stmt;
      Relation table = Resolve(tree::NameOf(a->relation));
      for (size_t i = 0; i < a->n_cmds; ++i) {
        const PgQuery__Node* c = a->cmds[i];
        if (c == nullptr || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        auto t = c->alter_table_cmd->subtype;
        if ((t == PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint ||
             t == PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse) &&
            c->alter_table_cmd->name != nullptr) {
          checks_.Validate(table, c->alter_table_cmd->name);
        }
      }
    }
  }

  void Concurrently(const sql::SourceFile& file, const sql::Statement& s, bool no_transaction,
                    const char* what) {
    if (no_transaction) return;
    reporter_.AtStatement(file, s, "concurrently-in-transaction",
                          std::string(what) + " cannot run inside a transaction block",
                          "start the migration with the line '" +
                              std::string(migrate::kNoTransactionHeader) +
                              "' (and keep other statements out of it)");
  }

  void LintStatement(const sql::SourceFile& file, const sql::Statement& s, const PgQuery__Node* n,
                     bool no_transaction) {
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_DROP_STMT: {
        const PgQuery__DropStmt* d = n->drop_stmt;
        if (d->concurrent) Concurrently(file, s, no_transaction, "DROP INDEX CONCURRENTLY");
        if (d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
        for (size_t i = 0; i < d->n_objects; ++i) {
          const PgQuery__Node* o = d->objects[i];
          if (o == nullptr || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
          tree::QualifiedName q;
          q.name = std::string(tree::LastName(o->list->items, o->list->n_items));
          q.schema = std::string(tree::SchemaOfName(o->list->items, o->list->n_items));
          Relation r = Resolve(q);
          if (!Existing(r)) continue;
          reporter_.AtStatement(file, s, "drop-table",
                                "dropping table '" + Show(r) + "' deletes its data",
                                "first deploy code that no longer uses it; keep a backup");
        }
        return;
      }
      case PG_QUERY__NODE__NODE_INDEX_STMT: {
        const PgQuery__IndexStmt* idx = n->index_stmt;
        if (idx->concurrent) {
          Concurrently(file, s, no_transaction, "CREATE INDEX CONCURRENTLY");
          return;
        }
        Relation r = Resolve(tree::NameOf(idx->relation));
        // ON ONLY a partitioned table cannot be concurrent; its partitions' indexes can.
        if (!Existing(r) || (idx->relation != nullptr && !idx->relation->inh)) return;
        reporter_.AtStatement(file, s, "index-not-concurrently",
                              "creating an index on existing table '" + Show(r) +
                                  "' blocks writes to it until "
                                  "the index is built",
                              "use CREATE INDEX CONCURRENTLY in a migration whose first line is '" +
                                  std::string(migrate::kNoTransactionHeader) + "'");
        return;
      }
      case PG_QUERY__NODE__NODE_RENAME_STMT: {
        const PgQuery__RenameStmt* rn = n->rename_stmt;
        if (rn->relation == nullptr) return;
        Relation r = Resolve(tree::NameOf(rn->relation));
        if (!Existing(r)) return;
        std::string to = rn->newname != nullptr ? rn->newname : "";
        if (rn->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
          reporter_.AtStatement(
              file, s, "rename",
              "renaming table '" + Show(r) + "' to '" + to +
                  "' breaks running code that still uses the old name",
              "add the new name alongside the old one (a view), move the code, then drop the old");
        } else if (rn->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
          std::string from = rn->subname != nullptr ? rn->subname : "";
          reporter_.AtStatement(
              file, s, "rename",
              "renaming column '" + from + "' of '" + Show(r) + "' to '" + to +
                  "' breaks running code that still uses the old name",
              "add the new column, write both, backfill, move readers, then drop the old one");
        }
        return;
      }
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        LintAlterTable(file, s, n->alter_table_stmt);
        return;
      default:
        return;
    }
  }

  void LintAlterTable(const sql::SourceFile& file, const sql::Statement& s,
                      const PgQuery__AlterTableStmt* a) {
    if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
    Relation table = Resolve(tree::NameOf(a->relation));
    if (!Existing(table)) return;
    for (size_t i = 0; i < a->n_cmds; ++i) {
      const PgQuery__Node* c = a->cmds[i];
      if (c == nullptr || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
      const PgQuery__AlterTableCmd* cmd = c->alter_table_cmd;
      std::string column = cmd->name != nullptr ? cmd->name : "";
      switch (cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
          reporter_.AtStatement(file, s, "drop-column",
                                "dropping column '" + column + "' of '" + Show(table) +
                                    "' deletes its data, and running code that still reads it "
                                    "fails",
                                "first deploy code that no longer uses the column");
          break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
          reporter_.AtStatement(file, s, "alter-column-type",
                                "changing the type of column '" + column + "' of '" + Show(table) +
                                    "' can rewrite the table and its indexes under an ACCESS "
                                    "EXCLUSIVE lock",
                                "add a new column, backfill it in batches, then switch over");
          break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
          if (!checks_.HasValidated(table, column)) {
            reporter_.AtStatement(
                file, s, "set-not-null",
                "SET NOT NULL on column '" + column + "' of '" + Show(table) +
                    "' scans the whole table under an ACCESS EXCLUSIVE lock",
                "first ADD CONSTRAINT … CHECK (" + column +
                    " IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT "
                    "NULL");
          }
          break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse: {
          if (cmd->def == nullptr || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) break;
          const PgQuery__Constraint* con = cmd->def->constraint;
          bool fk = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
          bool check = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK;
          if ((fk || check) && !con->skip_validation) {
            std::string name = con->conname != nullptr && *con->conname != '\0'
                                   ? " '" + std::string(con->conname) + "'"
                                   : std::string();
            reporter_.AtStatement(
                file, s, "constraint-not-valid",
                std::string("adding ") + (fk ? "foreign key" : "check constraint") + name +
                    " to existing table '" + Show(table) +
                    "' without NOT VALID scans the table while blocking writes",
                "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration");
          }
          break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
          if (cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            LintAddColumn(file, s, table, cmd->def->column_def);
          }
          break;
        default:
          break;
      }
    }
  }

  void LintAddColumn(const sql::SourceFile& file, const sql::Statement& s, const Relation& table,
                     const PgQuery__ColumnDef* col) {
    std::string column = col->colname != nullptr ? col->colname : "";
    std::string reason;
    if (col->type_name != nullptr) {
      std::string_view type = tree::LastName(col->type_name->names, col->type_name->n_names);
      if (IsSerialType(type)) reason = "type " + std::string(type) + " (nextval)";
    }
    auto scan = [&](const PgQuery__Node* expr) {
      tree::ForEachNode(expr, [&](const PgQuery__Node* n) {
        if (!reason.empty() || n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return;
        std::string_view f = tree::LastName(n->func_call->funcname, n->func_call->n_funcname);
        if (IsVolatileFunction(f)) reason = std::string(f) + "()";
      });
    };
    scan(col->raw_default);
    for (size_t i = 0; i < col->n_constraints && reason.empty(); ++i) {
      const PgQuery__Node* c = col->constraints[i];
      if (c == nullptr || c->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
      if (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
        scan(c->constraint->raw_expr);
      } else if (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) {
        reason = "GENERATED AS IDENTITY";
      }
    }
    if (reason.empty()) return;
    reporter_.AtStatement(file, s, "volatile-default",
                          "adding column '" + column + "' with volatile default " + reason +
                              " rewrites table '" + Show(table) +
                              "' under an ACCESS EXCLUSIVE lock",
                          "add the column without a default (or with a constant one), then "
                          "backfill it in batches");
  }

  std::string default_schema_;
  Reporter& reporter_;
  std::set<Relation> created_;
  NotNullChecks checks_;
};

}  // namespace

void LintMigrations(const std::vector<const sql::SourceFile*>& migrations,
                    const sql::SourceFile* baseline, const std::vector<std::string>& search_path,
                    Reporter& reporter) {
  std::optional<std::string> baseline_version;
  if (baseline != nullptr) {
    auto version = migrate::ParseBaselineVersion(baseline->text());
    if (!version.ok()) {
      core::Diagnostic d;
      d.severity = core::Severity::kError;
      d.rule = "baseline-header";
      d.message = version.error().message;
      d.location = {baseline->path(), 1, 1};
      d.source_line = std::string(baseline->lines().LineAt(0));
      d.hint = "'pgstate rebaseline' writes this line; restore it or remove the line";
      reporter.Add(std::move(d));
    } else {
      baseline_version = *version;
    }
  }

  std::vector<std::string> paths;
  std::map<std::string, const sql::SourceFile*> by_path;
  for (const sql::SourceFile* m : migrations) {
    paths.push_back(m->path());
    by_path[m->path()] = m;
  }
  migrate::MigrationListing listing = migrate::ClassifyMigrationPaths(paths);
  for (const migrate::InvalidMigrationName& bad : listing.invalid) {
    reporter.AtFile(bad.path, "migration-name", bad.reason,
                    "name it <yyyymmddHHMMSS>_<slug>.sql (UTC time, slug of a-z, 0-9 and '_'), "
                    "e.g. 20240131093000_add_users_email.sql");
  }
  for (const migrate::DuplicateVersion& duplicate : listing.duplicates) {
    if (!reporter.Wants("migration-duplicate-version", duplicate.path)) continue;
    core::Diagnostic d;
    d.severity = core::Severity::kError;
    d.rule = "migration-duplicate-version";
    d.message = migrate::DuplicateVersionMessage(duplicate);
    d.location.file = duplicate.path;
    d.related.push_back({duplicate.first_path, 0, 0});
    d.hint = migrate::kDuplicateVersionHint;
    reporter.Add(std::move(d));
  }
  for (const migrate::MigrationFile& m : listing.migrations) {
    if (baseline_version && m.version <= *baseline_version) {
      reporter.AtFile(m.path, "migration-older-than-baseline",
                      "migration version '" + m.version + "' is not newer than the baseline's '" +
                          *baseline_version + "'",
                      "the baseline already holds everything up to its version: rename the "
                      "migration with the current UTC time so it runs after it");
    }
  }

  // Hazards, in version order so CHECK constraints validated earlier count (invalid names last).
  MigrationLinter linter(search_path, reporter);
  if (baseline != nullptr) linter.ReadBaseline(*baseline);
  for (const migrate::MigrationFile& m : listing.migrations) linter.LintFile(*by_path[m.path]);
  for (const migrate::InvalidMigrationName& bad : listing.invalid) {
    linter.LintFile(*by_path[bad.path]);
  }
}

}  // namespace pgstate::lint
