// Desired-state rules: what a schema file may contain, and what the files say together.

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "config/config.h"
#include "lint/reporter.h"
#include "schema/parse_tree.h"

namespace pgstate::lint {

namespace {

using schema::StatementId;
using sql::Statement;
using sql::StatementClass;

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

// Byte offset in `text` of `name` as a whole word (case-insensitive); npos if absent.
size_t FindWord(std::string_view text, std::string_view name, size_t from = 0) {
  if (name.empty()) return std::string_view::npos;
  for (size_t i = from; i + name.size() <= text.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(text[i + k])) ==
              std::tolower(static_cast<unsigned char>(name[k]));
    }
    if (!match) continue;
    bool left = i == 0 || !IsIdentChar(text[i - 1]);
    bool right = i + name.size() == text.size() || !IsIdentChar(text[i + name.size()]);
    if (left && right) return i;
  }
  return std::string_view::npos;
}

// "table 'public.users'"
std::string Phrase(const sql::ObjectKey& key) {
  return key.kind + " '" + key.QualifiedName() + "'";
}

// The statement's leading keywords, upper-cased: "DROP TABLE", "ALTER MATERIALIZED VIEW".
std::string LeadingKeywords(std::string_view text) {
  static const std::set<std::string> kWords = {
      "DROP",        "ALTER",      "TABLE",         "VIEW",         "MATERIALIZED", "INDEX",
      "SEQUENCE",    "FUNCTION",   "PROCEDURE",     "ROUTINE",      "TYPE",         "DOMAIN",
      "SCHEMA",      "EXTENSION",  "TRIGGER",       "POLICY",       "RULE",         "AGGREGATE",
      "OPERATOR",    "COLLATION",  "CAST",          "EVENT",        "FOREIGN",      "SERVER",
      "PUBLICATION", "UPDATE",     "DELETE",        "TRUNCATE",     "OWNED",        "STATISTICS",
      "TEXT",        "SEARCH",     "CONFIGURATION", "DICTIONARY",   "CONVERSION",   "LANGUAGE",
      "ROLE",        "USER",       "GROUP",         "SUBSCRIPTION", "DATA",         "WRAPPER",
      "ACCESS",      "METHOD",     "TRANSFORM",     "TABLESPACE",   "DATABASE",     "CLASS",
      "FAMILY",      "PROCEDURAL", "DEFAULT",       "PRIVILEGES"};
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t begin = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string word;
    for (size_t k = begin; k < i; ++k) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(text[k])));
    }
    if (word.empty() || kWords.count(word) == 0) break;
    if (!out.empty()) out += ' ';
    out += word;
    if (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) break;
  }
  return out.empty() ? "statement" : out;
}

// The ALTER TABLE subcommand that makes a statement non-declarative, or "" if none does.
const char* DestructiveSubcommand(const PgQuery__AlterTableStmt* alter) {
  for (size_t i = 0; i < alter->n_cmds; ++i) {
    const PgQuery__Node* n = alter->cmds[i];
    if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
        return "DROP COLUMN";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        return "DROP CONSTRAINT";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        return "ALTER COLUMN ... TYPE";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        return "ALTER COLUMN ... DROP NOT NULL";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (cmd->def == nullptr) return "ALTER COLUMN ... DROP DEFAULT";
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
        return "ALTER COLUMN ... DROP EXPRESSION";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        return "ALTER COLUMN ... DROP IDENTITY";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
        return "NO INHERIT";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
        return "NOT OF";
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        return "DETACH PARTITION";
      default:
        break;
    }
  }
  return "";
}

constexpr const char kDeclarativeHint[] =
    "schema files state what should exist: change or delete the definition, and 'pgstate plan' "
    "writes the migration";

void LintStatementKinds(const schema::Model& model, StatementId id, Reporter& reporter) {
  const sql::SourceFile& file = model.file_of(id);
  const Statement& s = model.statement(id);
  const PgQuery__Node* node = schema::tree::Unwrap(s.node);
  std::string_view text = file.TextOf(s.text);
  if (node == nullptr) return;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_DROP_STMT:
      reporter.AtStatement(
          file, s, "schema-drop",
          "'" + LeadingKeywords(text) + "' does not belong in a desired-state file",
          kDeclarativeHint);
      return;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      reporter.AtStatement(
          file, s, "schema-data",
          "'" + LeadingKeywords(text) + "' does not belong in a desired-state file",
          "put data changes in a migration");
      return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      const char* sub = DestructiveSubcommand(node->alter_table_stmt);
      if (*sub != '\0') {
        reporter.AtStatement(file, s, "schema-alter",
                             "'" + LeadingKeywords(text) + " ... " + sub +
                                 "' does not belong in a desired-state file",
                             kDeclarativeHint);
      }
      return;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      reporter.AtStatement(
          file, s, "schema-alter",
          "'" + LeadingKeywords(text) + " ... RENAME' does not belong in a desired-state file",
          kDeclarativeHint);
      return;
    default:
      if (s.cls == StatementClass::kAlteration) {
        reporter.AtStatement(file, s, "schema-alter",
                             "'" + LeadingKeywords(text) +
                                 "' that changes an existing object does not belong in a "
                                 "desired-state file",
                             kDeclarativeHint);
      } else if (s.cls == StatementClass::kDrop) {
        reporter.AtStatement(
            file, s, "schema-drop",
            "'" + LeadingKeywords(text) + "' does not belong in a desired-state file",
            kDeclarativeHint);
      }
      return;
  }
}

void LintDuplicates(const schema::Model& model, Reporter& reporter) {
  for (const schema::Duplicate& dup : model.duplicates()) {
    const schema::Definition* at = &dup.second;
    const schema::Definition* other = &dup.first;
    std::string message =
        Phrase(dup.key) + " is defined twice; first at " + model.LocationOf(dup.first).ToString();
    // Report where the user is looking when only the first definition is in scope.
    if (!reporter.Wants("duplicate-object", model.file_of(dup.second.statement).path())) {
      std::swap(at, other);
      message = Phrase(dup.key) + " is defined again at " + model.LocationOf(dup.second).ToString();
    }
    const sql::SourceFile& file = model.file_of(at->statement);
    const Statement& s = model.statement(at->statement);
    size_t offset =
        at->element >= 0 ? s.elements[static_cast<size_t>(at->element)].span.begin : s.text.begin;
    core::Diagnostic* d = reporter.AtStatement(
        file, s, "duplicate-object", message,
        "keep one definition (objects are identified by kind and name)", offset);
    if (d != nullptr) d->related.push_back(model.LocationOf(*other));
  }
}

// Where a statement names a reference: the first use of its name after the statement's own
// name; SIZE_MAX (the statement's start) when it cannot be found.
size_t ReferenceOffset(const sql::SourceFile& file, const Statement& s, const sql::ObjectKey& key) {
  std::string_view text = file.TextOf(s.text);
  std::string name = key.name;
  name = name.substr(0, name.find('('));
  if (name.rfind('.') != std::string::npos) name = name.substr(name.rfind('.') + 1);
  size_t offset = FindWord(text, name);
  std::string own =
      s.key.name.substr(s.key.name.rfind('.') == std::string::npos ? 0 : s.key.name.rfind('.') + 1);
  if (offset != std::string_view::npos && !own.empty() && FindWord(text, own) == offset &&
      name != own) {
    offset = FindWord(text, name, offset + 1);
  }
  return offset == std::string_view::npos ? SIZE_MAX : s.text.begin + offset;
}

void LintUnknownObjects(const schema::Model& model, Reporter& reporter) {
  std::set<std::pair<StatementId, sql::ObjectKey>> seen;
  for (const schema::Reference* r : model.Unresolved()) {
    if (!seen.insert({r->from, r->key}).second) continue;
    const sql::SourceFile& file = model.file_of(r->from);
    const Statement& s = model.statement(r->from);
    if (!reporter.Wants("unknown-object", file.path())) continue;
    // A statement that does not belong in desired state is reported as that, not twice.
    if (s.cls == StatementClass::kDrop || s.cls == StatementClass::kAlteration) continue;
    if (const PgQuery__Node* n = schema::tree::Unwrap(s.node);
        n != nullptr && (n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
                         n->node_case == PG_QUERY__NODE__NODE_DELETE_STMT ||
                         n->node_case == PG_QUERY__NODE__NODE_TRUNCATE_STMT)) {
      continue;
    }
    std::string_view text = file.TextOf(s.text);
    std::string who = s.cls == StatementClass::kDefinition && !s.key.empty()
                          ? Phrase(s.key)
                          : "'" + LeadingKeywords(text) + "'";
    std::string hint = "define it in a schema file, or list it under check.external in .pgstate";
    if (schema::ExtensionMayProvide(r->key.kind)) {
      hint =
          "define it in a schema file, create the extension that provides it, or list it "
          "under check.external in .pgstate";
    }
    reporter.AtStatement(file, s, "unknown-object",
                         who + " references " + Phrase(r->key) + ", which no schema file defines",
                         hint, ReferenceOffset(file, s, r->key));
  }
}

void LintCycles(const schema::Model& model, Reporter& reporter) {
  std::vector<core::Diagnostic> diagnostics = model.CycleDiagnostics();
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    const schema::Cycle& cycle = model.cycles()[i];
    // In scope when any member is; reported at the first member in scope.
    std::vector<StatementId> members = cycle.members;
    members.insert(members.end(), cycle.also_involved.begin(), cycle.also_involved.end());
    for (StatementId id : members) {
      const sql::SourceFile& file = model.file_of(id);
      if (!reporter.Wants("dependency-cycle", file.path())) continue;
      core::Diagnostic* d = reporter.AtStatement(file, model.statement(id), "dependency-cycle",
                                                 diagnostics[i].message, diagnostics[i].hint);
      if (d != nullptr) {
        for (StatementId other : members) {
          if (other != id) d->related.push_back(model.LocationOf(other));
        }
      }
      break;
    }
  }
}

// module-boundary: a reference into a module the referencing one does not require;
// module-cycle: modules that require each other in a circle.
void LintModules(const schema::Model& model, Reporter& reporter) {
  const schema::Modules& modules = model.options().modules;
  if (!modules.configured()) return;
  for (const auto& cycle : modules.cycles()) {
    std::string path;
    for (size_t m : cycle) path += modules[m].name + " -> ";
    path += modules[cycle.front()].name;
    core::Diagnostic d;
    d.rule = "module-cycle";
    d.message = "modules require each other in a circle: " + path;
    d.hint =
        "a module may not depend on itself through others: move the shared objects into a "
        "module both require";
    d.location = {config::kConfigFileName, modules[cycle.front()].line, 1};
    for (size_t i = 1; i < cycle.size(); ++i) {
      d.related.push_back({config::kConfigFileName, modules[cycle[i]].line, 1});
    }
    reporter.Add(std::move(d));
  }
  std::set<std::tuple<StatementId, size_t, sql::ObjectKey>> seen;
  for (const schema::Reference& r : model.references()) {
    if (r.provider != schema::Provider::kModel && r.provider != schema::Provider::kImplicit) {
      continue;
    }
    if (schema::CoveredByRelation(r)) continue;
    const sql::SourceFile& file = model.file_of(r.from);
    size_t from = modules.ModuleOf(file.path());
    for (StatementId target : r.targets) {
      size_t to = modules.ModuleOf(model.file_of(target).path());
      if (modules.MayUse(from, to) || !seen.insert({r.from, to, r.key}).second) continue;
      if (!reporter.Wants("module-boundary", file.path())) continue;
      const Statement& s = model.statement(r.from);
      std::string who =
          !s.key.empty() ? Phrase(s.key) : "'" + LeadingKeywords(file.TextOf(s.text)) + "'";
      core::Diagnostic* d = reporter.AtStatement(
          file, s, "module-boundary",
          who + " in module '" + modules[from].name + "' references " + Phrase(r.key) +
              " of module '" + modules[to].name + "', which '" + modules[from].name +
              "' does not require",
          from == schema::Modules::kRoot
              ? "files outside every module may only use the root module: move it into a module"
              : "add 'requires = " + modules[to].name + "' to [module \"" + modules[from].name +
                    "\"] in .pgstate (line " + std::to_string(modules[from].line) +
                    "), or move one of the objects",
          ReferenceOffset(file, s, r.key));
      if (d != nullptr) d->related.push_back(model.LocationOf(target));
      break;
    }
  }
}

}  // namespace

void LintDesiredState(const schema::Model& model, Reporter& reporter) {
  for (uint32_t f = 0; f < model.files().size(); ++f) {
    for (uint32_t i = 0; i < model.files()[f].statements().size(); ++i) {
      LintStatementKinds(model, StatementId{f, i}, reporter);
    }
  }
  LintDuplicates(model, reporter);
  LintUnknownObjects(model, reporter);
  LintCycles(model, reporter);
  LintModules(model, reporter);
}

}  // namespace pgstate::lint
