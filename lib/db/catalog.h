#pragma once
// The catalog model: what PostgreSQL itself made of a schema, read back from a live database.
//
// Introspect() reads one database with one set-based query per object kind into plain structs
// (no libpqxx types). Every object has a stable key that follows sql::ObjectKey::ToString()
// ("table public.users", "column public.users.email", "function public.f(int4, text)") so a
// difference can be traced back to the statement that defines the object, and a definition
// string: server-rendered DDL where PostgreSQL has a pg_get_*def function, otherwise DDL put
// together from the catalog in a fixed order. Two databases built from equivalent SQL give equal
// definitions; catalog_diff.h compares them.
//
// Names inside definitions are schema-qualified (introspection runs with an empty search_path)
// and quoted as PostgreSQL quotes them. Objects in system schemas and objects that belong to an
// extension are left out of the model; extension membership is listed in extension_members.
// Object kinds the model does not cover are listed by name in `uncovered`, never dropped
// silently, so the planner can refuse them.

#include <string>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::db {

/// What every object of the model has: its key and the definition the diff compares.
struct CatalogEntry {
  std::string key;         ///< "table public.users"
  std::string definition;  ///< DDL (server-rendered where PostgreSQL can) in a fixed form
  /// Key of the object this one belongs to: a column's, constraint's, index's, trigger's,
  /// policy's or rule's relation ("table public.users", "view public.v"); the object a comment,
  /// grant or owner entry is about. Empty for objects of their own.
  std::string parent;
};

/// `CREATE SCHEMA app`.
struct CatalogSchema : CatalogEntry {
  std::string name;
  std::string owner;
};

/// `CREATE EXTENSION pgcrypto SCHEMA public VERSION '1.3'`.
struct CatalogExtension : CatalogEntry {
  std::string name;
  std::string schema;
  std::string version;
};

/// A column of a table (or an attribute of a composite type). Its definition is what ADD COLUMN
/// takes: `email text COLLATE "C" NOT NULL DEFAULT ''::text`.
struct CatalogColumn : CatalogEntry {
  std::string name;
  int position = 0;          ///< 1-based among the live columns (dropped ones skipped)
  std::string type;          ///< format_type: "character varying(40)", "public.mood[]"
  std::string collation;     ///< only when it differs from the type's: "\"C\"", "public.ci"
  std::string default_expr;  ///< pg_get_expr of the default; empty if none
  bool not_null = false;
  char identity = 0;             ///< 'a' ALWAYS, 'd' BY DEFAULT, 0 none
  std::string identity_options;  ///< "START WITH 1 INCREMENT BY 1 …" of its sequence
  std::string generated;         ///< expression of GENERATED ALWAYS AS (…) STORED, or empty
  std::string storage;           ///< "EXTERNAL" etc. when not the type's default
  std::string compression;       ///< "lz4"/"pglz" when set explicitly
  int statistics = -1;           ///< SET STATISTICS target; -1 default
  std::string options;           ///< attoptions: "n_distinct=100"
  bool inherited = false;        ///< comes from a parent table or partitioned table
};

/// A table. Its definition holds what is not a column or constraint: `CREATE TABLE public.t ()
/// PARTITION BY RANGE (id) WITH (fillfactor=70)`, then `; ALTER TABLE … ENABLE ROW LEVEL
/// SECURITY` etc. when set.
struct CatalogTable : CatalogEntry {
  std::string schema;
  std::string name;
  std::string qualified;     ///< quoted: "public.users"
  bool partitioned = false;  ///< PARTITION BY …
  bool unlogged = false;
  std::string partition_key;          ///< pg_get_partkeydef: "RANGE (created_at)"
  std::string partition_of;           ///< the parent ("public.events") when this is a partition
  std::string partition_bound;        ///< "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
  std::vector<std::string> inherits;  ///< INHERITS parents, qualified, in order
  std::string options;                ///< reloptions: "fillfactor=70"
  std::string access_method;          ///< only when not heap
  std::string tablespace;             ///< only when not the database default
  std::string replica_identity;       ///< "FULL", "NOTHING", "USING INDEX x"; empty: default
  bool row_security = false;          ///< ENABLE ROW LEVEL SECURITY
  bool force_row_security = false;    ///< FORCE ROW LEVEL SECURITY
  std::string owner;
  std::vector<CatalogColumn> columns;  ///< in attnum order
};

/// A table constraint; definition = pg_get_constraintdef ("FOREIGN KEY (a) REFERENCES …").
/// NOT NULL is a column property, not a constraint, up to PostgreSQL 17.
struct CatalogConstraint : CatalogEntry {
  std::string schema;
  std::string table;
  std::string table_qualified;  ///< quoted
  std::string name;
  char type = 0;  ///< 'p' primary key, 'u' unique, 'c' check, 'f' foreign key, 'x' exclusion
  std::vector<std::string> columns;  ///< constrained columns, in key order
  std::string referenced_table;      ///< 'f': quoted "public.users"
  bool deferrable = false;
  bool deferred = false;
  bool validated = true;   ///< false for NOT VALID
  bool inherited = false;  ///< cloned from a parent (partition) rather than declared
  std::string index;       ///< 'p'/'u'/'x': the index that enforces it, quoted
};

/// An index that does not enforce a constraint; definition = pg_get_indexdef (plus TABLESPACE,
/// and a trailing "-- invalid" after a failed CREATE INDEX CONCURRENTLY).
struct CatalogIndex : CatalogEntry {
  std::string schema;
  std::string table;
  std::string name;
  std::string qualified;  ///< quoted
  bool unique = false;
  bool valid = true;
  std::string attached_to;  ///< the partitioned index this one is attached to, quoted
  std::string tablespace;   ///< only when not the default
};

/// `CREATE SEQUENCE public.s AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE … CACHE
/// 1 [CYCLE] [OWNED BY public.t.c]`. Identity sequences are not listed: they are part of
/// their column's definition.
struct CatalogSequence : CatalogEntry {
  std::string schema;
  std::string name;
  std::string qualified;  ///< quoted
  std::string type = "bigint";
  long long start = 1, increment = 1, min_value = 1, max_value = 0, cache = 1;
  bool cycle = false;
  std::string owned_by;  ///< quoted "public.users.id" (OWNED BY); empty if none
  std::string owner;
};

/// `CREATE VIEW public.v AS <pg_get_viewdef>` / `CREATE MATERIALIZED VIEW … [WITH NO DATA]`.
struct CatalogView : CatalogEntry {
  std::string schema;
  std::string name;
  std::string qualified;  ///< quoted
  bool materialized = false;
  std::string query;          ///< pg_get_viewdef
  std::string options;        ///< reloptions: "security_barrier=true"
  std::string access_method;  ///< materialized views only, when not heap
  bool populated = true;      ///< materialized views: false for WITH NO DATA
  std::string owner;
};

/// A function, procedure or aggregate; definition = pg_get_functiondef, or CREATE AGGREGATE put
/// together from pg_aggregate.
struct CatalogRoutine : CatalogEntry {
  std::string schema;
  std::string name;
  char kind = 'f';  ///< 'f' function, 'p' procedure, 'a' aggregate, 'w' window function
  /// Input argument types as sql/ spells them in keys: built-in types by their internal name
  /// ("int4", "varchar", "text[]"), others qualified ("public.mood"); "*" for an aggregate
  /// without arguments.
  std::string signature;
  std::string identity_arguments;  ///< pg_get_function_identity_arguments: "a integer, b text"
  std::string target;              ///< how DDL names it: "FUNCTION public.f(a integer, b text)"
  std::string owner;
};

/// definition = pg_get_triggerdef, plus `; ALTER TABLE … DISABLE TRIGGER …` when not enabled.
struct CatalogTrigger : CatalogEntry {
  std::string schema;
  std::string table;
  std::string name;
  char enabled = 'O';      ///< 'O' origin (default), 'D' disabled, 'R' replica, 'A' always
  bool inherited = false;  ///< cloned onto a partition from its parent's trigger
};

/// Enum, composite or range type: `CREATE TYPE public.mood AS ENUM ('a', 'b')`.
struct CatalogType : CatalogEntry {
  std::string schema;
  std::string name;
  std::string qualified;                  ///< quoted
  char kind = 'e';                        ///< 'e' enum, 'c' composite, 'r' range
  std::vector<std::string> labels;        ///< enum labels in sort order
  std::vector<CatalogColumn> attributes;  ///< composite attributes
  std::string owner;
};

/// `CREATE DOMAIN public.email AS text [COLLATE …] [DEFAULT …] [NOT NULL] [CONSTRAINT … CHECK …]`.
struct CatalogDomain : CatalogEntry {
  std::string schema;
  std::string name;
  std::string qualified;  ///< quoted
  std::string base_type;
  std::string default_expr;
  bool not_null = false;
  std::vector<std::string> constraints;  ///< "CONSTRAINT name CHECK (…)" in name order
  std::string owner;
};

/// `CREATE POLICY p ON public.t AS PERMISSIVE FOR ALL TO public USING (…) WITH CHECK (…)`.
struct CatalogPolicy : CatalogEntry {
  std::string schema;
  std::string table;
  std::string name;
  bool permissive = true;
  std::string command;             ///< "ALL", "SELECT", "INSERT", "UPDATE", "DELETE"
  std::vector<std::string> roles;  ///< sorted; "public" for PUBLIC
  std::string using_expr;
  std::string check_expr;
};

/// `CREATE COLLATION public.ci (PROVIDER = icu, LOCALE = 'und-u-ks-level2', DETERMINISTIC =
/// false)`.
struct CatalogCollation : CatalogEntry {
  std::string schema;
  std::string name;
  std::string owner;
};

/// A rewrite rule other than a view's; definition = pg_get_ruledef.
struct CatalogRule : CatalogEntry {
  std::string schema;
  std::string table;
  std::string name;
};

/// Extended statistics (CREATE STATISTICS); definition = pg_get_statisticsobjdef.
struct CatalogStatistics : CatalogEntry {
  std::string schema;
  std::string name;
};

/// `COMMENT ON COLUMN public.users.email IS '…'`; key "comment on column public.users.email".
struct CatalogComment : CatalogEntry {
  std::string object_key;  ///< "column public.users.email"
  std::string target;      ///< "COLUMN public.users.email"
  std::string text;
};

/// Privileges of one grantee on one object that differ from PostgreSQL's defaults for that kind
/// of object (the owner has everything; PUBLIC may EXECUTE functions and USE types): granted in
/// addition (`revoke` false), or taken away (`revoke` true). Key "grant on table public.users
/// to app_reader" / "revoke on function public.f(int4) from public"; definition the GRANT or
/// REVOKE statement(s).
struct CatalogGrant : CatalogEntry {
  std::string object_key;  ///< "table public.users", "column public.users.email"
  std::string target;      ///< "TABLE public.users"
  std::string grantee;     ///< role name; "public" for PUBLIC
  bool revoke = false;
  std::vector<std::string> privileges;  ///< sorted: "INSERT", "SELECT"
  std::vector<std::string> grantable;   ///< of those, the ones WITH GRANT OPTION
};

/// ALTER DEFAULT PRIVILEGES, one grantee of one (role, schema, object type); key "default
/// privileges for role r in schema s on tables to g".
struct CatalogDefaultPrivilege : CatalogEntry {
  std::string role;
  std::string schema;       ///< empty: all schemas
  std::string object_type;  ///< "TABLES", "SEQUENCES", "FUNCTIONS", "TYPES", "SCHEMAS"
  std::string grantee;
  bool revoke = false;
  std::vector<std::string> privileges;
};

/// The owner of an object that has one of its own (not indexes, constraints, columns …): key
/// "owner of table public.users", definition `ALTER TABLE public.users OWNER TO app`.
struct CatalogOwner : CatalogEntry {
  std::string object_key;
  std::string owner;
};

/// An object that belongs to an extension (left out of the model).
struct ExtensionMember {
  std::string extension;
  std::string kind;      ///< pg_identify_object's type: "function", "table", "type" …
  std::string identity;  ///< pg_identify_object's identity: "public.gen_random_uuid()"
};

/// An object of a kind the model does not cover.
struct UncoveredObject {
  std::string kind;      ///< "foreign data wrapper", "publication", "text search configuration"
  std::string identity;  ///< "public.english_unaccent"
};

/// "`from` cannot exist without `to`": from pg_depend, both ends mapped to model keys.
struct CatalogDependency {
  std::string from;
  std::string to;
  friend bool operator<(const CatalogDependency& a, const CatalogDependency& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  }
  friend bool operator==(const CatalogDependency& a, const CatalogDependency& b) {
    return a.from == b.from && a.to == b.to;
  }
};

/// One object in the uniform view used by the diff: every entry of the model, flattened.
struct CatalogObject {
  std::string key;         ///< "column public.users.email"
  std::string kind;        ///< "column"
  std::string parent;      ///< key of the object it belongs to ("table public.users"); or empty
  std::string definition;  ///< what is compared
  int position = 0;        ///< columns: 1-based position among the table's live columns
};

struct Catalog {
  int server_version = 0;
  std::vector<CatalogSchema> schemas;
  std::vector<CatalogExtension> extensions;
  std::vector<CatalogTable> tables;
  std::vector<CatalogConstraint> constraints;
  std::vector<CatalogIndex> indexes;
  std::vector<CatalogSequence> sequences;
  std::vector<CatalogView> views;
  std::vector<CatalogRoutine> routines;
  std::vector<CatalogTrigger> triggers;
  std::vector<CatalogType> types;
  std::vector<CatalogDomain> domains;
  std::vector<CatalogPolicy> policies;
  std::vector<CatalogCollation> collations;
  std::vector<CatalogRule> rules;
  std::vector<CatalogStatistics> statistics;
  std::vector<CatalogComment> comments;
  std::vector<CatalogGrant> grants;
  std::vector<CatalogDefaultPrivilege> default_privileges;
  std::vector<CatalogOwner> owners;
  std::vector<ExtensionMember> extension_members;
  std::vector<UncoveredObject> uncovered;
  std::vector<CatalogDependency> dependencies;  ///< sorted, unique

  /// Every object of the model as a CatalogObject, sorted by key.
  std::vector<CatalogObject> Objects() const;
};

/// Reads the model of the database `connection` is connected to. Runs in one read-only
/// REPEATABLE READ transaction with fixed session settings (empty search_path, ISO dates, UTC),
/// so the definitions do not depend on the caller's session. Errors: kExitEnvironment when the
/// connection fails, kExitFatal for a query the server rejects (a bug or an unsupported server
/// version; the message names the object kind being read). Needs PostgreSQL 12 or newer.
core::Result<Catalog> Introspect(Connection& connection);

}  // namespace pgstate::db
