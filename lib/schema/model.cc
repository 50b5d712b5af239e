#include "schema/model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>
#include <utility>

#include "schema/parse_tree.h"
#include "sql/keyer.h"
#include "sql/lexer.h"
#include "sql/names.h"

namespace pgstate::schema {

namespace {

using sql::ObjectKey;
using sql::Statement;
using sql::StatementClass;

const std::vector<std::string>& RelationKinds() {
  static const std::vector<std::string> kinds = {
      "table",    "view",    "materialized view", "foreign table", "partitioned table",
      "relation", "sequence"};
  return kinds;
}

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool IsRelationKind(std::string_view kind) { return Contains(RelationKinds(), kind); }

bool IsRoutineKind(std::string_view kind) {
  return kind == "function" || kind == "procedure" || kind == "aggregate" || kind == "routine";
}

// Kinds whose name is "<relation>.<part>" (split at the first dot: a part may contain dots).
bool IsSubObjectKind(std::string_view kind) {
  return kind == "column" || kind == "constraint" || kind == "trigger" || kind == "policy" ||
         kind == "rule";
}

// Kinds an extension never provides: a reference to a missing one is always an error.
bool IsStrictKind(std::string_view kind) {
  static const std::vector<std::string> strict = {
      "column",    "constraint",    "index",       "trigger",      "policy", "rule",      "schema",
      "extension", "event trigger", "publication", "subscription", "server", "statistics"};
  return IsRelationKind(kind) || Contains(strict, kind);
}

// Keys that are not objects of their own: several statements may share them legitimately.
bool IsSharedKind(std::string_view kind) {
  auto starts = [&](std::string_view prefix) {
    return kind.compare(0, prefix.size(), prefix) == 0 &&
           (kind.size() == prefix.size() || kind[prefix.size()] == ' ');
  };
  return starts("grant") || starts("revoke") || starts("setting") || starts("rows") ||
         starts("default privileges");
}

// Alternative kinds a reference of `kind` is satisfied by, `kind` itself included; a small
// value, so resolving a reference allocates nothing.
struct Kinds {
  std::array<std::string_view, 10> items;
  size_t size = 0;
  void Add(std::string_view k) { items[size++] = k; }
  const std::string_view* begin() const { return items.data(); }
  const std::string_view* end() const { return items.data() + size; }
  bool Has(std::string_view k) const { return std::find(begin(), end(), k) != end(); }
};

Kinds Family(std::string_view kind) {
  Kinds f;
  if (IsRelationKind(kind)) {
    for (const auto& r : RelationKinds()) f.Add(r);
  } else if (kind == "type") {
    f.Add("type");
    f.Add("domain");
    for (const auto& r : RelationKinds()) f.Add(r);
  } else if (kind == "domain") {
    f.Add("domain");
    f.Add("type");
  } else if (IsRoutineKind(kind)) {
    for (std::string_view k : {"function", "procedure", "aggregate", "routine"}) f.Add(k);
  } else {
    f.Add(kind);
  }
  return f;
}

std::string BaseName(std::string_view routine_name) {
  return std::string(routine_name.substr(0, routine_name.find('(')));
}

const PgQuery__Node* NodeOf(const Statement& s) { return tree::Unwrap(s.node); }

bool IsLoadable(const Statement& s) {
  switch (s.cls) {
    case StatementClass::kInvalid:
    case StatementClass::kMetaCommand:
    case StatementClass::kTransaction:
    case StatementClass::kSetting:
      return false;
    default:
      return true;
  }
}

// True when the statement brings its key (and extra keys) into existence, so two of them are a
// duplicate, rather than changing something defined elsewhere.
bool IsCreating(const Statement& s) {
  const PgQuery__Node* n = NodeOf(s);
  if (n == nullptr || s.cls != StatementClass::kDefinition) return false;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
    case PG_QUERY__NODE__NODE_VIEW_STMT:
    case PG_QUERY__NODE__NODE_INDEX_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_RULE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT:
    case PG_QUERY__NODE__NODE_CREATE_CONVERSION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_OP_CLASS_STMT:
    case PG_QUERY__NODE__NODE_CREATE_OP_FAMILY_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FDW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_SERVER_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRANSFORM_STMT:
    case PG_QUERY__NODE__NODE_CREATE_AM_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PLANG_STMT:
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
      return true;
    default:
      return false;
  }
}

// A key a statement defines, and whether PostgreSQL chose its name (an unnamed constraint or
// index): PostgreSQL then picks a free name ("t_a_check1"), so a clash is no duplicate.
struct DefinedKey {
  ObjectKey key;
  bool generated = false;
};

// The keys a statement defines: those of a creating statement, and for ALTER TABLE the columns
// and constraints its ADD COLUMN / ADD CONSTRAINT actions add (pg_dump's
// `ALTER TABLE ONLY t ADD CONSTRAINT c …` defines the constraint c).
std::vector<DefinedKey> DefinedKeys(const Statement& s) {
  std::vector<DefinedKey> keys;
  if (s.key.empty() || s.cls != StatementClass::kDefinition) return keys;
  const PgQuery__Node* n = NodeOf(s);
  if (IsCreating(s)) {
    bool unnamed_index = n != nullptr && n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT &&
                         (n->index_stmt->idxname == nullptr || *n->index_stmt->idxname == '\0');
    keys.push_back({s.key, unnamed_index});
    for (const ObjectKey& k : s.extra_keys) keys.push_back({k, false});
    return keys;
  }
  if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) return keys;
  std::set<std::string> columns, constraints;
  bool unnamed_constraint = false;
  const PgQuery__AlterTableStmt* a = n->alter_table_stmt;
  for (size_t i = 0; i < a->n_cmds; ++i) {
    const PgQuery__Node* c = a->cmds[i];
    if (c == nullptr || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = c->alter_table_cmd;
    const PgQuery__Node* def = cmd->def;
    if (def == nullptr) continue;
    if ((cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
         cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse) &&
        def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && def->column_def->colname != nullptr) {
      columns.insert(def->column_def->colname);
    } else if ((cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
                cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse) &&
               def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      const char* name = def->constraint->conname;
      if (name != nullptr && *name != '\0') {
        constraints.insert(name);
      } else {
        unnamed_constraint = true;
      }
    }
  }
  std::vector<ObjectKey> all = {s.key};
  all.insert(all.end(), s.extra_keys.begin(), s.extra_keys.end());
  for (const ObjectKey& k : all) {
    std::string part =
        k.name.substr(k.name.find('.') == std::string::npos ? 0 : k.name.find('.') + 1);
    if (k.kind == "column" && columns.count(part) > 0) {
      keys.push_back({k, false});
    } else if (k.kind == "constraint" && constraints.count(part) > 0) {
      keys.push_back({k, false});
    } else if (k.kind == "constraint" && unnamed_constraint) {
      keys.push_back({k, true});
    }
  }
  return keys;
}

// True when a CREATE TABLE element is a constraint without a CONSTRAINT name clause.
bool IsUnnamedConstraintElement(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return true;
  std::string_view word = text.substr(i, 10);
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower != "constraint";
}

// True when the statement defining a relation lists all of its columns itself; otherwise its
// columns (and inherited constraints) come from elsewhere: a query, a parent, a type.
bool ListsAllColumns(const Statement& s) {
  const PgQuery__Node* n = NodeOf(s);
  if (n == nullptr) return false;
  const PgQuery__CreateStmt* c = nullptr;
  if (n->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) c = n->create_stmt;
  if (n->node_case == PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT) {
    c = n->create_foreign_table_stmt->base_stmt;
  }
  if (c == nullptr) return false;
  if (c->n_inh_relations > 0 || c->partbound != nullptr || c->of_typename != nullptr) return false;
  for (size_t i = 0; i < c->n_table_elts; ++i) {
    if (c->table_elts[i] != nullptr &&
        c->table_elts[i]->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
      return false;
    }
  }
  return true;
}

bool IsBuiltinSchema(std::string_view schema) {
  return schema == "pg_catalog" || schema == "information_schema" || schema == "public" ||
         schema == "pg_toast";
}

// Functions of pg_catalog that a schema file names as a trigger function or a column default.
bool IsBuiltinFunctionName(std::string_view name) {
  static const std::vector<std::string> names = {"tsvector_update_trigger",
                                                 "tsvector_update_trigger_column",
                                                 "suppress_redundant_updates_trigger",
                                                 "now",
                                                 "nextval",
                                                 "currval",
                                                 "lastval",
                                                 "setval",
                                                 "gen_random_uuid",
                                                 "random",
                                                 "clock_timestamp",
                                                 "statement_timestamp",
                                                 "transaction_timestamp",
                                                 "timeofday",
                                                 "current_setting",
                                                 "set_config",
                                                 "lower",
                                                 "upper",
                                                 "coalesce",
                                                 "to_tsvector",
                                                 "array_to_string",
                                                 "jsonb_build_object",
                                                 "json_build_object"};
  return Contains(names, name);
}

bool IsBuiltin(const ObjectKey& key, const std::vector<std::string>& search_path) {
  const std::string& kind = key.kind;
  if (kind == "schema") return IsBuiltinSchema(key.name);
  if (key.schema == "pg_catalog" || key.schema == "information_schema") return true;
  if (kind == "role" || kind == "tablespace" || kind == "database" || kind == "access method" ||
      kind == "collation") {
    return true;  // cluster-wide, or provided by the operating system's locales
  }
  if (kind == "language") {
    return key.name == "plpgsql" || key.name == "sql" || key.name == "c" || key.name == "internal";
  }
  bool unqualified = key.schema.empty() || Contains(search_path, key.schema);
  if (!unqualified) return false;
  if (kind == "type" || kind == "domain") {
    std::string name = key.name;
    while (name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0)
      name.resize(name.size() - 2);
    if (!name.empty() && name[0] == '_') name.erase(0, 1);
    return sql::IsBuiltinTypeName(name);
  }
  if (IsRoutineKind(kind)) return IsBuiltinFunctionName(BaseName(key.name));
  return false;
}

}  // namespace

bool ExtensionMayProvide(std::string_view kind) { return !IsStrictKind(kind); }

const char* ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kModel:
      return "model";
    case Provider::kImplicit:
      return "implicit";
    case Provider::kBuiltin:
      return "builtin";
    case Provider::kExternal:
      return "external";
    case Provider::kExtension:
      return "extension";
    case Provider::kMissing:
      return "missing";
  }
  return "missing";
}

Model::Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::Parse(std::vector<FileText> files, ModelOptions options) {
  sql::ParseOptions parse_options;
  parse_options.search_path = options.search_path;
  parse_options.canonical_hashes = options.canonical_hashes;
  std::vector<sql::SourceFile> parsed;
  parsed.reserve(files.size());
  for (FileText& f : files) {
    parsed.push_back(sql::SourceFile::Parse(std::move(f.path), std::move(f.text), parse_options));
  }
  return Build(std::move(parsed), std::move(options));
}

Model Model::Build(std::vector<sql::SourceFile> files, ModelOptions options) {
  Model m;
  m.files_ = std::move(files);
  if (options.search_path.empty()) options.search_path = {"public"};
  m.options_ = std::move(options);
  const Modules& modules = m.options_.modules;
  std::stable_sort(m.files_.begin(), m.files_.end(),
                   [&](const sql::SourceFile& a, const sql::SourceFile& b) {
                     size_t ra = modules.Rank(modules.ModuleOf(a.path()));
                     size_t rb = modules.Rank(modules.ModuleOf(b.path()));
                     return ra != rb ? ra < rb : a.path() < b.path();
                   });
  m.Index();
  m.ResolveReferences();
  m.BuildGraph();
  m.Order();
  return m;
}

core::SourceLocation Model::LocationOf(StatementId id) const {
  core::SourceLocation loc = statement(id).location;
  if (loc.file.empty()) loc.file = files_[id.file].path();
  return loc;
}

core::SourceLocation Model::LocationOf(const Definition& definition) const {
  if (definition.element < 0) return LocationOf(definition.statement);
  const sql::SourceFile& file = file_of(definition.statement);
  const sql::Element& e =
      statement(definition.statement).elements[static_cast<size_t>(definition.element)];
  return file.lines().Locate(e.span.begin, file.path());
}

std::string Model::Describe(StatementId id) const {
  const Statement& s = statement(id);
  if (!s.key.empty()) return s.key.ToString();
  return "statement at " + LocationOf(id).ToString();
}

const Object* Model::Find(const ObjectKey& key) const {
  return Find(key.kind, key.schema, key.name);
}

const Object* Model::Find(std::string_view kind, std::string_view schema,
                          std::string_view name) const {
  auto it = by_key_.find(KeyLess::View{kind, schema, name});
  return it == by_key_.end() ? nullptr : it->second;
}

void Model::Index() {
  uint32_t nodes = 0;
  for (uint32_t f = 0; f < files_.size(); ++f) {
    file_base_.push_back(nodes);
    const auto& statements = files_[f].statements();
    for (uint32_t i = 0; i < statements.size(); ++i) {
      StatementId id{f, i};
      node_ids_.push_back(id);
      const Statement& s = statements[i];
      loadable_.push_back(IsLoadable(s));
      const PgQuery__Node* n = NodeOf(s);
      if (n != nullptr && n->node_case == PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT) {
        extension_statements_.push_back(id);
      }
      std::vector<DefinedKey> defined_keys = DefinedKeys(s);
      defines_.push_back(!defined_keys.empty());
      for (const DefinedKey& defined : defined_keys) {
        const ObjectKey& key = defined.key;
        if (IsSharedKind(key.kind)) continue;
        auto [it, added] = objects_.try_emplace(key);
        Object& o = it->second;
        if (added) o.key = key;
        // A key both named by the statement and one of its elements is defined once.
        bool as_element = std::any_of(s.elements.begin(), s.elements.end(),
                                      [&](const sql::Element& e) { return e.key == key; });
        if (!as_element) o.definitions.push_back({id, -1, LocationOf(id), defined.generated});
      }
      for (size_t e = 0; e < s.elements.size(); ++e) {
        const sql::Element& el = s.elements[e];
        if (el.key.empty() || IsSharedKind(el.key.kind) || s.cls == StatementClass::kInvalid) {
          continue;
        }
        // Columns and constraints are objects; enum labels, rows and LIKE clauses are not.
        if (el.key.kind != "column" && el.key.kind != "constraint") continue;
        auto [it, added] = objects_.try_emplace(el.key);
        Object& o = it->second;
        if (added) o.key = el.key;
        bool generated =
            el.key.kind == "constraint" && IsUnnamedConstraintElement(files_[f].TextOf(el.span));
        o.definitions.push_back({id, static_cast<int>(e),
                                 files_[f].lines().Locate(el.span.begin, files_[f].path()),
                                 generated});
      }
      ++nodes;
    }
  }
  by_key_.reserve(objects_.size());
  for (const auto& [key, object] : objects_) by_key_.emplace(KeyLess::Of(key), &object);
  // When two statements define the same object, their columns and constraints are duplicates
  // too: report the statement once.
  std::set<std::pair<StatementId, StatementId>> whole;
  for (auto& [key, object] : objects_) {
    for (size_t i = 1; i < object.definitions.size(); ++i) {
      StatementId second = object.definitions[i].statement;
      if (object.definitions[i].element < 0 && statement(second).key == key) {
        whole.insert({object.definitions[0].statement, second});
      }
    }
  }
  for (auto& [key, object] : objects_) {
    for (size_t i = 1; i < object.definitions.size(); ++i) {
      const Definition& first = object.definitions[0];
      const Definition& second = object.definitions[i];
      if (second.generated_name) continue;  // PostgreSQL picks another name for it
      if (whole.count({first.statement, second.statement}) > 0 &&
          !(second.element < 0 && statement(second.statement).key == key)) {
        continue;
      }
      duplicates_.push_back({key, first, second});
    }
  }
  std::sort(duplicates_.begin(), duplicates_.end(), [](const Duplicate& a, const Duplicate& b) {
    if (a.second.statement != b.second.statement) return a.second.statement < b.second.statement;
    return a.second.element < b.second.element;
  });
}

bool Model::ImplicitlyProvided(const ObjectKey& key, std::vector<StatementId>* targets) const {
  auto add = [&](const Object& o) {
    for (const Definition& d : o.definitions) targets->push_back(d.statement);
  };
  // The sequence of a serial or identity column: <table>_<column>_seq.
  if ((key.kind == "sequence" || key.kind == "relation") && key.name.size() > 4 &&
      key.name.compare(key.name.size() - 4, 4, "_seq") == 0) {
    std::string stem = key.name.substr(0, key.name.size() - 4);
    for (size_t i = stem.find('_'); i != std::string::npos; i = stem.find('_', i + 1)) {
      ObjectKey column{"column", key.schema, stem.substr(0, i) + "." + stem.substr(i + 1)};
      if (const Object* o = Find(column)) {
        add(*o);
        return true;
      }
    }
  }
  // The index behind a PRIMARY KEY, UNIQUE or EXCLUDE constraint has the constraint's name.
  if (key.kind == "index") {
    for (auto it = objects_.lower_bound(KeyLess::View{"constraint", key.schema, ""});
         it != objects_.end() && it->first.kind == "constraint" && it->first.schema == key.schema;
         ++it) {
      const std::string& n = it->first.name;
      size_t dot = n.find('.');
      if (dot != std::string::npos && n.compare(dot + 1, std::string::npos, key.name) == 0) {
        add(it->second);
        return true;
      }
    }
  }
  // An array type "_t" exists with type "t".
  if ((key.kind == "type") && key.name.size() > 1 && key.name[0] == '_') {
    ObjectKey element = key;
    element.name.erase(0, 1);
    std::vector<StatementId> t;
    Provider p = ResolveInto(element, StatementId{UINT32_MAX, UINT32_MAX}, &t);
    if (p == Provider::kModel || p == Provider::kImplicit) {
      targets->insert(targets->end(), t.begin(), t.end());
      return true;
    }
  }
  // Columns and constraints of a relation that does not list its columns itself.
  if (IsSubObjectKind(key.kind)) {
    size_t dot = key.name.find('.');
    if (dot != std::string::npos) {
      std::string relation = key.name.substr(0, dot);
      for (const std::string& kind : RelationKinds()) {
        const Object* o = Find(kind, key.schema, relation);
        if (o == nullptr) continue;
        for (const Definition& d : o->definitions) {
          if (!ListsAllColumns(statement(d.statement))) {
            add(*o);
            return true;
          }
        }
      }
    }
  }
  return false;
}

Provider Model::ResolveInto(const ObjectKey& reference, StatementId from,
                            std::vector<StatementId>* targets) const {
  // An array type exists when its element type does.
  ObjectKey element;
  const ObjectKey* k = &reference;
  auto is_array = [](const ObjectKey& x) {
    return (x.kind == "type" || x.kind == "domain") && x.name.size() > 2 &&
           x.name.compare(x.name.size() - 2, 2, "[]") == 0;
  };
  if (is_array(reference)) {
    element = reference;
    while (is_array(element)) element.name.resize(element.name.size() - 2);
    k = &element;
  }
  const ObjectKey& key = *k;
  auto add = [&](const Object& o) {
    for (const Definition& d : o.definitions) {
      if (d.statement != from) targets->push_back(d.statement);
    }
  };
  const Kinds family = Family(key.kind);
  auto defined_in = [&](std::string_view schema) {
    for (std::string_view kind : family) {
      if (const Object* o = Find(kind, schema, key.name)) {
        add(*o);
        return true;
      }
    }
    if (!IsRoutineKind(key.kind)) return false;
    // Argument types may be spelled differently (int vs integer): match overloads by name.
    std::string base = BaseName(key.name);
    bool found = false;
    for (std::string_view kind : family) {
      for (auto it = objects_.lower_bound(KeyLess::View{kind, schema, base});
           it != objects_.end() && it->first.kind == kind && it->first.schema == schema &&
           BaseName(it->first.name) == base;
           ++it) {
        add(it->second);
        found = true;
      }
    }
    return found;
  };
  if (defined_in(key.schema)) return Provider::kModel;
  // An unqualified name may live in any schema of the search path.
  if (Contains(options_.search_path, key.schema)) {
    for (const std::string& s : options_.search_path) {
      if (s != key.schema && defined_in(s)) return Provider::kModel;
    }
  }
  if (ImplicitlyProvided(key, targets)) {
    targets->erase(std::remove(targets->begin(), targets->end(), from), targets->end());
    return Provider::kImplicit;
  }
  // A column of a relation the files do not define exists as its relation does (built in,
  // external, …); when the relation is missing, the reference to it says so.
  if (key.kind == "column") {
    size_t dot = key.name.find('.');
    if (dot != std::string::npos) {
      std::vector<StatementId> ignored;
      Provider relation =
          ResolveInto({"relation", key.schema, key.name.substr(0, dot)}, from, &ignored);
      if (relation != Provider::kModel && relation != Provider::kImplicit) return relation;
    }
  }
  if (IsBuiltin(key, options_.search_path)) return Provider::kBuiltin;
  for (const ObjectKey& e : options_.external_objects) {
    if (e.kind == "schema" &&
        (e.name == key.schema || (key.kind == "schema" && e.name == key.name))) {
      return Provider::kExternal;
    }
    if (family.Has(e.kind) && e.schema == key.schema &&
        (e.name == key.name ||
         (IsRoutineKind(key.kind) && BaseName(e.name) == BaseName(key.name)))) {
      return Provider::kExternal;
    }
  }
  if (!extension_statements_.empty() && ExtensionMayProvide(key.kind)) return Provider::kExtension;
  return Provider::kMissing;
}

Provider Model::Resolve(const ObjectKey& key) const {
  std::vector<StatementId> ignored;
  return ResolveInto(key, StatementId{UINT32_MAX, UINT32_MAX}, &ignored);
}

void Model::ResolveReferences() {
  for (StatementId id : node_ids_) {
    const Statement& s = statement(id);
    auto resolve = [&](const ObjectKey& ref) {
      if (ref.empty() || ref == s.key) return;
      Reference r;
      r.from = id;
      r.key = ref;
      r.provider = ResolveInto(ref, id, &r.targets);
      std::sort(r.targets.begin(), r.targets.end());
      r.targets.erase(std::unique(r.targets.begin(), r.targets.end()), r.targets.end());
      references_.push_back(std::move(r));
    };
    for (const ObjectKey& ref : s.references) resolve(ref);
    // An object needs its schema; CREATE EXTENSION … SCHEMA s needs s. (public and the
    // catalog schemas always exist.)
    std::string schema;
    if (defines_[Node(id)]) schema = s.key.schema;
    const PgQuery__Node* n = NodeOf(s);
    if (n != nullptr && n->node_case == PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT) {
      const PgQuery__CreateExtensionStmt* e = n->create_extension_stmt;
      for (size_t i = 0; i < e->n_options; ++i) {
        const PgQuery__Node* o = e->options[i];
        if (o != nullptr && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
            o->def_elem->defname != nullptr && std::string_view(o->def_elem->defname) == "schema") {
          schema = std::string(tree::Str(o->def_elem->arg));
        }
      }
    }
    if (schema.empty() || IsBuiltinSchema(schema)) continue;
    ObjectKey schema_key{"schema", "", schema};
    if (std::find(s.references.begin(), s.references.end(), schema_key) == s.references.end()) {
      resolve(schema_key);
    }
  }
}

std::vector<const Reference*> Model::Unresolved() const {
  std::vector<const Reference*> out;
  for (const Reference& r : references_) {
    if (r.provider != Provider::kMissing) continue;
    // A column of a missing relation: the reference to the relation says what is missing.
    if (r.key.kind == "column") {
      size_t dot = r.key.name.find('.');
      if (dot != std::string::npos &&
          Resolve({"relation", r.key.schema, r.key.name.substr(0, dot)}) == Provider::kMissing) {
        continue;
      }
    }
    out.push_back(&r);
  }
  return out;
}

const std::vector<StatementId>& Model::DependenciesOf(StatementId id) const {
  return dependencies_[Node(id)];
}

void Model::BuildGraph() {
  const size_t n = node_ids_.size();
  dependencies_.assign(n, {});
  auto depend = [&](StatementId from, StatementId on) {
    if (from == on || !loadable_[Node(from)] || !loadable_[Node(on)]) return;
    dependencies_[Node(from)].push_back(on);
  };
  auto relation_definers = [&](const std::string& schema, const std::string& name) {
    std::vector<StatementId> out;
    for (const std::string& kind : RelationKinds()) {
      if (const Object* o = Find(kind, schema, name)) {
        for (const Definition& d : o->definitions) out.push_back(d.statement);
      }
    }
    return out;
  };
  auto resolve_relation = [&](const tree::QualifiedName& q) {
    if (!q.schema.empty()) return ObjectKey{"table", q.schema, q.name};
    for (const std::string& schema : options_.search_path) {
      if (!relation_definers(schema, q.name).empty()) return ObjectKey{"table", schema, q.name};
    }
    return ObjectKey{"table", options_.search_path.front(), q.name};
  };

  // Statements that give a relation its primary key or unique constraints outside CREATE TABLE.
  std::map<std::pair<std::string, std::string>, std::vector<StatementId>> key_providers;
  // Statements with foreign keys, and the relations they reference.
  std::vector<std::pair<StatementId, ObjectKey>> foreign_keys;
  for (StatementId id : node_ids_) {
    const Statement& s = statement(id);
    const PgQuery__Node* node = NodeOf(s);
    if (node == nullptr) continue;
    if (node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT && node->index_stmt->unique) {
      ObjectKey rel = resolve_relation(tree::NameOf(node->index_stmt->relation));
      key_providers[{rel.schema, rel.name}].push_back(id);
    }
    for (const tree::ConstraintSite& site : tree::ConstraintsOf(node)) {
      auto type = site.constraint->contype;
      if (site.command != nullptr && (type == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
                                      type == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
        ObjectKey rel = resolve_relation(tree::NameOf(site.relation));
        key_providers[{rel.schema, rel.name}].push_back(id);
      }
      if (type == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && site.constraint->pktable != nullptr) {
        foreign_keys.push_back({id, resolve_relation(tree::NameOf(site.constraint->pktable))});
      }
    }
  }

  for (const Reference& r : references_) {
    for (StatementId t : r.targets) depend(r.from, t);
  }
  // Functions called in defaults, checks, index expressions, views and policies: not references
  // the parser reports (a call does not say which overload), but the function must exist first.
  // Only statements whose text names one of the files' functions are walked: the walk is the
  // costly part, and most statements call no user function.
  std::vector<std::string> function_names;
  for (const char* kind : {"function", "aggregate"}) {
    for (auto it = objects_.lower_bound(KeyLess::View{kind, "", ""});
         it != objects_.end() && it->first.kind == kind; ++it) {
      std::string base = BaseName(it->first.name);
      if (!base.empty() && !Contains(function_names, base)) function_names.push_back(base);
    }
  }
  // Statement texts are searched lower-cased (names are stored folded), one copy per file.
  std::vector<std::string> lowered(function_names.empty() ? 0 : files_.size());
  for (size_t f = 0; f < lowered.size(); ++f) {
    lowered[f] = files_[f].text();
    for (char& c : lowered[f]) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  auto names_a_function = [&](StatementId id) {
    std::string_view text = statement(id).text.In(lowered[id.file]);
    for (const std::string& name : function_names) {
      for (size_t at = text.find(name); at != std::string_view::npos;
           at = text.find(name, at + 1)) {
        size_t after = text.find_first_not_of(" \t\r\n\"", at + name.size());
        if (after != std::string_view::npos && text[after] == '(') return true;
      }
    }
    return false;
  };
  if (!function_names.empty()) {
    for (StatementId id : node_ids_) {
      if (!loadable_[Node(id)]) continue;
      const PgQuery__Node* node = NodeOf(statement(id));
      if (node == nullptr || node->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) continue;
      if (!names_a_function(id)) continue;
      tree::ForEachNode(node, [&](const PgQuery__Node* n) {
        if (n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return;
        const PgQuery__FuncCall* call = n->func_call;
        std::string name(tree::LastName(call->funcname, call->n_funcname));
        std::string schema(tree::SchemaOfName(call->funcname, call->n_funcname));
        std::vector<std::string> schemas =
            schema.empty() ? options_.search_path : std::vector<std::string>{schema};
        for (const std::string& in : schemas) {
          for (const char* kind : {"function", "aggregate"}) {
            for (auto it = objects_.lower_bound(KeyLess::View{kind, in, name + "("});
                 it != objects_.end() && it->first.kind == kind && it->first.schema == in &&
                 BaseName(it->first.name) == name;
                 ++it) {
              for (const Definition& d : it->second.definitions) depend(id, d.statement);
            }
          }
        }
      });
    }
  }
  for (const auto& [id, rel] : foreign_keys) {
    auto it = key_providers.find({rel.schema, rel.name});
    if (it == key_providers.end()) continue;
    for (StatementId p : it->second) depend(id, p);
  }
  for (StatementId id : node_ids_) {
    const Statement& s = statement(id);
    if (s.key.empty()) continue;
    for (size_t k = 0; k <= s.extra_keys.size(); ++k) {
      const ObjectKey& key = k == 0 ? s.key : s.extra_keys[k - 1];
      // A statement that changes an object comes after the object's definition; a second
      // definition after the first.
      if (const Object* o = Find(key)) {
        bool defines = std::any_of(o->definitions.begin(), o->definitions.end(),
                                   [&](const Definition& d) { return d.statement == id; });
        for (const Definition& d : o->definitions) {
          if (!defines || d.statement < id) depend(id, d.statement);
        }
      }
      // Sub-objects need their relation.
      if (IsSubObjectKind(key.kind)) {
        size_t dot = key.name.find('.');
        if (dot != std::string::npos) {
          for (StatementId d : relation_definers(key.schema, key.name.substr(0, dot))) {
            depend(id, d);
          }
        }
      }
    }
  }

  // Statements that use what an extension may provide come after CREATE EXTENSION, unless the
  // extension itself (through its schema) depends on them.
  if (!extension_statements_.empty()) {
    std::vector<std::vector<bool>> needed_by_extension;
    for (StatementId e : extension_statements_) {
      std::vector<bool> seen(n, false);
      std::vector<uint32_t> stack = {Node(e)};
      while (!stack.empty()) {
        uint32_t x = stack.back();
        stack.pop_back();
        for (StatementId d : dependencies_[x]) {
          if (!seen[Node(d)]) {
            seen[Node(d)] = true;
            stack.push_back(Node(d));
          }
        }
      }
      needed_by_extension.push_back(std::move(seen));
    }
    for (const Reference& r : references_) {
      if (r.provider != Provider::kExtension) continue;
      if (std::find(extension_statements_.begin(), extension_statements_.end(), r.from) !=
          extension_statements_.end()) {
        continue;
      }
      for (size_t i = 0; i < extension_statements_.size(); ++i) {
        if (!needed_by_extension[i][Node(r.from)]) depend(r.from, extension_statements_[i]);
      }
    }
  }
  for (auto& deps : dependencies_) {
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  }
}

void Model::Order() {
  const size_t n = node_ids_.size();
  // dependents[x] = nodes that need x.
  std::vector<std::vector<uint32_t>> dependents(n);
  std::vector<size_t> waiting(n, 0);
  for (uint32_t x = 0; x < n; ++x) {
    if (!loadable_[x]) continue;
    waiting[x] = dependencies_[x].size();
    for (StatementId d : dependencies_[x]) dependents[Node(d)].push_back(x);
  }
  // Node numbers follow model order, so the smallest ready node is the tie-break we want.
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<uint32_t>> ready;
  std::vector<bool> placed(n, false);
  for (uint32_t x = 0; x < n; ++x) {
    if (loadable_[x] && waiting[x] == 0) ready.push(x);
  }
  size_t remaining = static_cast<size_t>(std::count(loadable_.begin(), loadable_.end(), true));
  uint32_t next_unplaced = 0;
  while (remaining > 0) {
    if (ready.empty()) {
      // Only cycles (and what needs them) are left: place the first of them by model order.
      while (next_unplaced < n && (placed[next_unplaced] || !loadable_[next_unplaced])) {
        ++next_unplaced;
      }
      ready.push(next_unplaced);
      waiting[next_unplaced] = 0;
    }
    uint32_t x = ready.top();
    ready.pop();
    if (placed[x]) continue;
    placed[x] = true;
    --remaining;
    load_order_.push_back(node_ids_[x]);
    for (uint32_t y : dependents[x]) {
      if (!placed[y] && waiting[y] > 0 && --waiting[y] == 0) ready.push(y);
    }
  }

  // Strongly connected components (Tarjan, iterative) of more than one statement are cycles.
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  std::vector<std::vector<uint32_t>> components;
  int counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (!loadable_[root] || index[root] >= 0) continue;
    std::vector<std::pair<uint32_t, size_t>> work = {{root, 0}};
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!work.empty()) {
      auto& [v, next] = work.back();
      if (next < dependencies_[v].size()) {
        uint32_t w = Node(dependencies_[v][next++]);
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          work.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      work.pop_back();
      if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
      if (low[done] == index[done]) {
        std::vector<uint32_t> component;
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != done);
        if (component.size() > 1) components.push_back(std::move(component));
      }
    }
  }
  for (auto& component : components) {
    std::sort(component.begin(), component.end());
    std::set<uint32_t> members(component.begin(), component.end());
    // Shortest path from the first member back to itself along "needs" edges.
    uint32_t start = component.front();
    std::unordered_map<uint32_t, uint32_t> parent;
    std::deque<uint32_t> queue = {start};
    uint32_t last = start;
    bool closed = false;
    while (!queue.empty() && !closed) {
      uint32_t v = queue.front();
      queue.pop_front();
      for (StatementId d : dependencies_[v]) {
        uint32_t w = Node(d);
        if (members.count(w) == 0) continue;
        if (w == start) {
          last = v;
          closed = true;
          break;
        }
        if (parent.count(w) == 0) {
          parent[w] = v;
          queue.push_back(w);
        }
      }
    }
    std::vector<uint32_t> path;
    for (uint32_t v = last; v != start; v = parent[v]) path.push_back(v);
    path.push_back(start);
    std::reverse(path.begin(), path.end());
    Cycle cycle;
    for (uint32_t v : path) cycle.members.push_back(node_ids_[v]);
    for (uint32_t v : component) {
      if (std::find(path.begin(), path.end(), v) == path.end()) {
        cycle.also_involved.push_back(node_ids_[v]);
      }
    }
    cycles_.push_back(std::move(cycle));
  }
  std::sort(cycles_.begin(), cycles_.end(),
            [](const Cycle& a, const Cycle& b) { return a.members.front() < b.members.front(); });
}

std::vector<core::Diagnostic> Model::CycleDiagnostics() const {
  std::vector<core::Diagnostic> out;
  for (const Cycle& cycle : cycles_) {
    core::Diagnostic d;
    d.severity = core::Severity::kError;
    d.rule = "dependency-cycle";
    std::string message = "dependency cycle: ";
    for (StatementId id : cycle.members) message += Describe(id) + " -> ";
    message += Describe(cycle.members.front());
    if (!cycle.also_involved.empty()) {
      message += " (" + std::to_string(cycle.members.size() + cycle.also_involved.size()) +
                 " statements involved)";
    }
    d.message = message;
    d.location = LocationOf(cycle.members.front());
    const sql::SourceFile& file = file_of(cycle.members.front());
    d.source_line = std::string(file.lines().LineAt(statement(cycle.members.front()).text.begin));
    for (size_t i = 1; i < cycle.members.size(); ++i)
      d.related.push_back(LocationOf(cycle.members[i]));
    for (StatementId id : cycle.also_involved) d.related.push_back(LocationOf(id));
    d.hint =
        "each needs the next; PostgreSQL cannot create them in any order (move a foreign key "
        "into a separate ALTER TABLE … ADD CONSTRAINT)";
    out.push_back(std::move(d));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ParseObjectKey

namespace {

const std::vector<std::string>& MultiWordKinds() {
  static const std::vector<std::string> kinds = {
      "materialized view",      "foreign table",
      "event trigger",          "text search configuration",
      "text search dictionary", "text search parser",
      "text search template",   "operator class",
      "operator family",        "access method",
      "foreign data wrapper",   "partitioned table"};
  return kinds;
}

bool IsSchemalessKind(std::string_view kind) {
  static const std::vector<std::string> kinds = {
      "schema",     "extension",     "role",
      "language",   "event trigger", "foreign data wrapper",
      "server",     "publication",   "subscription",
      "tablespace", "access method", "database",
      "cast"};
  return Contains(kinds, kind);
}

// Splits a qualified name at dots outside double quotes and parentheses, folding unquoted
// parts to lower case as PostgreSQL does.
std::vector<std::string> SplitName(std::string_view text, bool* ok) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  int depth = 0;
  *ok = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        parts.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        parts.back() += c;
      }
    } else if (c == '"' && depth == 0) {
      quoted = true;
    } else if (c == '(') {
      ++depth;
      parts.back() += c;
    } else if (c == ')') {
      --depth;
      parts.back() += c;
    } else if (c == '.' && depth == 0) {
      parts.emplace_back();
    } else {
      parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (quoted || depth != 0) *ok = false;
  for (const std::string& p : parts) {
    if (p.empty()) *ok = false;
  }
  return parts;
}

}  // namespace

core::Result<ObjectKey> ParseObjectKey(std::string_view text,
                                       const std::vector<std::string>& search_path) {
  auto invalid = [&]() {
    return core::Error(core::kExitBadInput,
                       "invalid object '" + std::string(text) +
                           "' (expected '<kind> <name>', e.g. 'table public.users')");
  };
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  if (start == std::string::npos) return invalid();
  s = s.substr(start);
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string kind;
  for (const std::string& k : MultiWordKinds()) {
    if (lower.compare(0, k.size() + 1, k + " ") == 0) kind = k;
  }
  if (kind.empty()) {
    size_t space = lower.find(' ');
    if (space == std::string::npos) return invalid();
    kind = lower.substr(0, space);
  }
  std::string rest = s.substr(kind.size());
  size_t name_start = rest.find_first_not_of(" \t");
  if (name_start == std::string::npos) return invalid();
  rest = rest.substr(name_start);
  for (char c : kind) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != ' ') return invalid();
  }
  bool ok = true;
  std::vector<std::string> parts = SplitName(rest, &ok);
  if (!ok) return invalid();
  ObjectKey key;
  key.kind = kind;
  size_t qualified_parts = IsSubObjectKind(kind) ? 3 : 2;
  if (IsSchemalessKind(kind)) {
    if (parts.size() != 1) return invalid();
    key.name = parts[0];
  } else if (parts.size() == qualified_parts) {
    key.schema = parts[0];
    key.name = parts[1];
    for (size_t i = 2; i < parts.size(); ++i) key.name += "." + parts[i];
  } else if (parts.size() == qualified_parts - 1) {
    key.schema = search_path.empty() ? "public" : search_path.front();
    key.name = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) key.name += "." + parts[i];
  } else {
    return invalid();
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// LoadScript

namespace {

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

LoadScript::LoadScript(const Model& model) : model_(&model) {
  // The search_path in force at each statement of each file: the model's, changed by the
  // file's own SET search_path / set_config('search_path', …) as the keys were resolved.
  const std::vector<std::string>& defaults = model.options().search_path;
  std::vector<std::vector<std::vector<std::string>>> paths(model.files().size());
  for (size_t f = 0; f < model.files().size(); ++f) {
    std::vector<std::string> current = defaults;
    for (const Statement& s : model.files()[f].statements()) {
      paths[f].push_back(current);
      if (auto set = sql::SearchPathSetBy(NodeOf(s))) current = set->value_or(defaults);
    }
  }
  auto set_path = [&](const std::vector<std::string>& path) {
    sql_ += "SET search_path = ";
    if (path.empty()) sql_ += "''";
    for (size_t i = 0; i < path.size(); ++i) {
      if (i > 0) sql_ += ", ";
      sql_ += QuoteIdentifier(path[i]);
    }
    sql_ += ";\n";
  };
  sql_ = "SET check_function_bodies = false;\n";
  set_path(defaults);
  const std::vector<std::string>* in_force = &defaults;
  for (StatementId id : model.LoadOrder()) {
    const std::vector<std::string>& path = paths[id.file][id.index];
    if (path != *in_force) {
      set_path(path);
      in_force = &path;
    }
    const Statement& s = model.statement(id);
    std::string_view text = model.file_of(id).TextOf(s.text);
    segments_.push_back({sql_.size(), text.size(), id});
    size_t start = sql_.size();
    sql_.append(text);
    // The script loads as one transaction, where CREATE INDEX CONCURRENTLY cannot run; into an
    // empty database a plain CREATE INDEX builds the same index. The keyword is blanked, not
    // removed, so every offset still maps back to the file.
    const PgQuery__Node* node = NodeOf(s);
    if (node != nullptr && node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT &&
        node->index_stmt->concurrent) {
      for (sql::lexer::Token t = sql::lexer::NextToken(text, 0);
           t.kind != sql::lexer::TokenKind::kEnd && !sql::lexer::IsWord(text, t, "on");
           t = sql::lexer::NextToken(text, t.end)) {
        if (sql::lexer::IsWord(text, t, "concurrently")) {
          sql_.replace(start + t.begin, t.end - t.begin, t.end - t.begin, ' ');
          break;
        }
      }
    }
    size_t last = text.find_last_not_of(" \t\r\n");
    if (last == std::string_view::npos || text[last] != ';') sql_ += ";";
    sql_ += "\n";
  }
}

std::optional<core::SourceLocation> LoadScript::Locate(size_t offset) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](size_t o, const Segment& s) { return o < s.offset; });
  if (it == segments_.begin()) return std::nullopt;
  --it;
  if (offset >= it->offset + it->length) return std::nullopt;
  const sql::SourceFile& file = model_->file_of(it->statement);
  size_t file_offset = model_->statement(it->statement).text.begin + (offset - it->offset);
  return file.lines().Locate(file_offset, file.path());
}

std::optional<core::SourceLocation> LoadScript::LocatePosition(int position) const {
  if (position < 1) return std::nullopt;
  // PostgreSQL counts characters from 1; UTF-8 continuation bytes do not start a character.
  int chars = 0;
  for (size_t i = 0; i < sql_.size(); ++i) {
    if ((static_cast<unsigned char>(sql_[i]) & 0xC0) == 0x80) continue;
    if (++chars == position) return Locate(i);
  }
  return std::nullopt;
}

}  // namespace pgstate::schema
