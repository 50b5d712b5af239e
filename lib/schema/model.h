#pragma once
// schema/: the source model of a set of desired-state files.
//
// A Model owns the parsed files (sql::SourceFile) and knows every object they define (by
// ObjectKey, with the statement and position of each definition), every reference between
// statements and what satisfies it, the dependency graph those references make, a
// deterministic load order, and the cycles that prevent one.
//
// What satisfies a reference (Provider), in this order:
//   model      a statement or a CREATE TABLE element of the files defines it (a relation of any
//              kind satisfies a reference to a table, view or row type; a routine reference
//              matches by name when the argument types differ in spelling);
//   implicit   a statement creates it without naming it: the sequence `<table>_<column>_seq` of
//              a serial/identity column, the index of a PRIMARY KEY/UNIQUE constraint, a column
//              of a relation whose columns are not all listed (a view, a partition, INHERITS,
//              LIKE, OF type);
//   builtin    it exists in every database: pg_catalog and information_schema, schema public,
//              built-in types, roles, tablespaces, languages, access methods;
//   external   check.external lists it (or, for `schema X`, the schema holding it);
//   extension  it is unknown, but a CREATE EXTENSION exists in the files and it is of a kind an
//              extension can provide (type, domain, function, operator, collation, …). Relations,
//              columns, constraints, indexes, triggers, policies, rules, sequences and schemas
//              are never assumed to come from an extension;
//   missing    none of the above: the "unknown-object" lint rule reports it.
// A column of a relation the files do not define takes the relation's provider (a column of an
// external table is external).
//
// References to columns come from what names a relation's columns outside a subquery: CHECK
// and generated-column expressions, key, foreign key (both ends), unique and exclusion column
// lists, index columns, expressions and predicates, ALTER SEQUENCE … OWNED BY, a trigger's
// UPDATE OF and WHEN (NEW./OLD.), a policy's USING and WITH CHECK, COMMENT ON COLUMN, and a
// view that reads one relation (its select list, WHERE and HAVING). Routine bodies (SQL and
// PL/pgSQL) are opaque: what they use is not followed.
//
// Load order (what `pgstate verify` loads into PostgreSQL): a topological order of the
// statements, ties broken by file order (files sorted by their module's load rank, see
// modules.h, then by path) then position in the file.
// Whatever defines an object comes before what references it; a statement that modifies an
// object (ALTER TABLE … ADD CONSTRAINT, COMMENT, GRANT, OWNER, ALTER … SET DEFAULT) comes after
// the object's definition; a foreign key comes after the primary key and unique constraints
// of the table it references; statements using something an extension provides come after the
// CREATE EXTENSION statements. Session settings (SET, set_config), transaction control and psql
// meta-commands are not part of the load order: statements are reordered across files, so a
// file's SET cannot hold for "the rest of the file"; the load script sets search_path itself,
// as it was in force at each statement.
// Statements caught in a cycle come after everything that does not need them, by file order,
// and each cycle is reported with its members (Diagnostic rule "dependency-cycle").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "core/source_location.h"
#include "schema/modules.h"
#include "sql/object_key.h"
#include "sql/source_file.h"

namespace pgstate::schema {

/// A statement of the model: index of the file (in Model::files()) and of the statement in it.
struct StatementId {
  uint32_t file = 0;
  uint32_t index = 0;
  friend bool operator==(StatementId a, StatementId b) {
    return a.file == b.file && a.index == b.index;
  }
  friend bool operator!=(StatementId a, StatementId b) { return !(a == b); }
  friend bool operator<(StatementId a, StatementId b) {
    return a.file != b.file ? a.file < b.file : a.index < b.index;
  }
};

/// One place an object is defined: a whole statement, or one element (column, constraint) of a
/// CREATE TABLE.
struct Definition {
  StatementId statement;
  int element = -1;  ///< index into Statement::elements, or -1 for the statement itself
  core::SourceLocation location;  ///< where it begins (Model::LocationOf(definition))
  /// The statement gave no name (an unnamed constraint or index): the key holds the name
  /// PostgreSQL would generate, and on a clash PostgreSQL picks another, so it is no duplicate.
  bool generated_name = false;
};

/// Orders ObjectKeys as ObjectKey::operator< does, and lets lookups use string views.
struct KeyLess {
  using is_transparent = void;
  struct View {
    std::string_view kind, schema, name;
  };
  static View Of(const sql::ObjectKey& k) { return {k.kind, k.schema, k.name}; }
  static View Of(const View& v) { return v; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    View x = Of(a), y = Of(b);
    if (int c = x.kind.compare(y.kind)) return c < 0;
    if (int c = x.schema.compare(y.schema)) return c < 0;
    return x.name < y.name;
  }
};

/// Hash and equality of KeyLess::View, for exact lookups that need no order.
struct KeyViewHash {
  size_t operator()(const KeyLess::View& v) const {
    std::hash<std::string_view> h;
    return h(v.name) ^ (h(v.schema) * 31) ^ (h(v.kind) * 1099511628211ULL);
  }
};
struct KeyViewEqual {
  bool operator()(const KeyLess::View& a, const KeyLess::View& b) const {
    return a.name == b.name && a.schema == b.schema && a.kind == b.kind;
  }
};

struct Object {
  sql::ObjectKey key;
  /// Every definition in model order (file, then position). More than one is a duplicate.
  std::vector<Definition> definitions;
};

enum class Provider { kModel, kImplicit, kBuiltin, kExternal, kExtension, kMissing };

/// "model", "implicit", "builtin", "external", "extension", "missing".
const char* ProviderName(Provider provider);

/// One reference of one statement and how it is satisfied.
struct Reference {
  StatementId from;
  sql::ObjectKey key;
  Provider provider = Provider::kMissing;
  /// The statements it makes `from` depend on (never `from` itself).
  std::vector<StatementId> targets;
};

/// True for a reference another one of the same statement stands for: a column's (whatever
/// names a column names its relation too). Counts and reports between modules skip it.
inline bool CoveredByRelation(const Reference& r) { return r.key.kind == "column"; }

/// The same object defined twice: `second` comes after `first` in model order.
struct Duplicate {
  sql::ObjectKey key;
  Definition first;
  Definition second;
};

/// Statements that depend on each other in a circle: members in cycle order, starting from the
/// first in model order; each needs the one after it, and the last needs the first.
struct Cycle {
  std::vector<StatementId> members;
  /// Further statements caught in the same strongly connected component, in model order.
  std::vector<StatementId> also_involved;
};

struct ModelOptions {
  /// Schemas unqualified names resolve to (the first one for new objects).
  std::vector<std::string> search_path = {"public"};
  /// Objects provided outside the files (config check.external), see ParseObjectKey.
  std::vector<sql::ObjectKey> external_objects;
  /// The repository's modules: files sort by module load rank before their path.
  Modules modules;
  /// See sql::ParseOptions::canonical_hashes.
  bool canonical_hashes = true;
};

/// A file to parse into a model: its path as reports should show it, and its text.
struct FileText {
  std::string path;
  std::string text;
};

class Model {
 public:
  /// Builds the model of already parsed files. Files are sorted by module rank and path (that is
  /// "file order").
  /// Never fails: problems are in Duplicates(), Unresolved() and Cycles().
  static Model Build(std::vector<sql::SourceFile> files, ModelOptions options = {});
  /// Parses each file with `options.search_path` and builds the model.
  static Model Parse(std::vector<FileText> files, ModelOptions options = {});

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const std::vector<sql::SourceFile>& files() const { return files_; }
  const ModelOptions& options() const { return options_; }
  const sql::Statement& statement(StatementId id) const {
    return files_[id.file].statements()[id.index];
  }
  const sql::SourceFile& file_of(StatementId id) const { return files_[id.file]; }
  /// Where statement `id` begins.
  core::SourceLocation LocationOf(StatementId id) const;
  /// Where a definition begins: its element, or its statement.
  core::SourceLocation LocationOf(const Definition& definition) const;
  /// "table public.users", or "statement at db/schema/a.sql:3:1" for an unkeyed statement.
  std::string Describe(StatementId id) const;

  /// All defined objects, ordered by key.
  const std::map<sql::ObjectKey, Object, KeyLess>& objects() const { return objects_; }
  /// The object with exactly this key; nullptr if the files do not define it.
  const Object* Find(const sql::ObjectKey& key) const;
  /// True when some CREATE EXTENSION statement is in the files.
  bool HasExtensions() const { return !extension_statements_.empty(); }

  /// How `key` would be satisfied if a statement referenced it (see the header comment).
  Provider Resolve(const sql::ObjectKey& key) const;

  /// Every reference of every statement, in model order.
  const std::vector<Reference>& references() const { return references_; }
  /// The references no provider satisfies (but a column of a missing relation: the reference
  /// to the relation stands for it).
  std::vector<const Reference*> Unresolved() const;
  /// Objects defined more than once, one entry per extra definition, in model order.
  const std::vector<Duplicate>& duplicates() const { return duplicates_; }

  /// The statements `id` depends on (its direct predecessors in the graph), in model order.
  const std::vector<StatementId>& DependenciesOf(StatementId id) const;
  /// Every statement that belongs in a load, in load order (see the header comment).
  const std::vector<StatementId>& LoadOrder() const { return load_order_; }
  /// The dependency cycles, ordered by their first member.
  const std::vector<Cycle>& cycles() const { return cycles_; }
  /// One "dependency-cycle" error per cycle, at its first member, the others as related.
  std::vector<core::Diagnostic> CycleDiagnostics() const;

 private:
  Model();
  void Index();
  void ResolveReferences();
  void BuildGraph();
  void Order();
  uint32_t Node(StatementId id) const { return file_base_[id.file] + id.index; }
  Provider ResolveInto(const sql::ObjectKey& key, StatementId from,
                       std::vector<StatementId>* targets) const;
  bool ImplicitlyProvided(const sql::ObjectKey& key, std::vector<StatementId>* targets) const;
  const Object* Find(std::string_view kind, std::string_view schema, std::string_view name) const;

  std::vector<sql::SourceFile> files_;
  ModelOptions options_;
  std::map<sql::ObjectKey, Object, KeyLess> objects_;
  // objects_ by key for Find: references resolve by exact key, thousands of times.
  std::unordered_map<KeyLess::View, const Object*, KeyViewHash, KeyViewEqual> by_key_;
  std::vector<Duplicate> duplicates_;
  std::vector<Reference> references_;
  std::vector<StatementId> extension_statements_;
  std::vector<uint32_t> file_base_;    // node number of each file's first statement
  std::vector<StatementId> node_ids_;  // node number -> statement
  std::vector<bool> loadable_;
  std::vector<bool> defines_;                           // per node: the statement defines some key
  std::vector<std::vector<StatementId>> dependencies_;  // per node, sorted, unique
  std::vector<StatementId> load_order_;
  std::vector<Cycle> cycles_;
};

/// True when an extension created in the files may provide an object of this kind (types,
/// functions, operators, …); false for relations, columns, constraints, indexes, triggers,
/// policies, rules, sequences, schemas and extensions.
bool ExtensionMayProvide(std::string_view kind);

/// Parses an object key as users write it in check.external: "table public.users",
/// "function public.touch(integer)", "schema legacy", "materialized view app.totals",
/// "column public.users.email". An unqualified name takes the first schema of `search_path`.
/// Error (kExitBadInput): "invalid object 'tabel'" with what is expected.
core::Result<sql::ObjectKey> ParseObjectKey(std::string_view text,
                                            const std::vector<std::string>& search_path);

/// The SQL that loads a model into an empty database, with a map back to the files.
///
/// The script starts with `SET check_function_bodies = false;` and `SET search_path = …;`
/// (the model's search_path), then has each statement of LoadOrder() (its text, without the
/// comments in front of it), each ending with ';' and a newline. Where the search_path in force
/// at a statement in its own file differs from the previous statement's (a file's
/// `SET search_path`, pg_dump's `set_config('search_path', '', false)`), a
/// `SET search_path = …;` line comes first.
class LoadScript {
 public:
  /// Builds the script of `model`, which must outlive this object.
  explicit LoadScript(const Model& model);

  const std::string& sql() const { return sql_; }

  /// One statement's place in the script.
  struct Segment {
    size_t offset = 0;  ///< byte offset of the statement in sql()
    size_t length = 0;  ///< bytes copied from the file
    StatementId statement;
  };
  const std::vector<Segment>& segments() const { return segments_; }

  /// The user's file:line:col for byte `offset` of sql(); nullopt outside any statement (the
  /// preamble, a separator).
  std::optional<core::SourceLocation> Locate(size_t offset) const;
  /// Same for a PostgreSQL error position: 1-based, counted in characters of sql().
  std::optional<core::SourceLocation> LocatePosition(int position) const;

 private:
  const Model* model_;
  std::string sql_;
  std::vector<Segment> segments_;
};

}  // namespace pgstate::schema
