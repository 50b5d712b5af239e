#pragma once
// The identity of a schema object: kind + schema-qualified name (+ argument types for routines).

#include <string>
#include <tuple>

namespace pgstate::sql {

/// Identity of what a statement defines or changes: ToString() is "kind schema.name", or
/// "kind name" for objects outside schemas.
///
/// Names are as PostgreSQL stores them: unquoted identifiers folded to lower case, quoted ones
/// kept. Unqualified names resolve through the search_path in effect at that point of the file
/// (`SET search_path …`, `set_config('search_path', …)`, default ParseOptions::search_path).
/// Type names inside keys drop a `pg_catalog.` prefix and use PostgreSQL's internal names
/// (integer -> int4, character varying -> varchar, double precision -> float8); user types
/// are always schema-qualified; arrays end in "[]". Routine signatures list the input
/// arguments only (IN, INOUT, VARIADIC; not OUT/TABLE), ", "-separated, so that
/// CREATE FUNCTION f(integer) and COMMENT ON FUNCTION f(int4) give the same key.
///
/// Keys by statement, written as ToString() gives them ("s" is the resolved schema):
///   CREATE SCHEMA x                           schema x
///   CREATE EXTENSION x                        extension x
///   CREATE TABLE s.t (UNLOGGED, IF NOT        table s.t
///     EXISTS, PARTITION OF, INHERITS, AS …)
///   CREATE FOREIGN TABLE s.t                  foreign table s.t
///   CREATE VIEW / MATERIALIZED VIEW s.v       view s.v / materialized view s.v
///   CREATE SEQUENCE s.q                       sequence s.q
///   CREATE TYPE s.t (enum, composite, range,  type s.t
///     base, shell)
///   CREATE DOMAIN / COLLATION s.x             domain s.x / collation s.x
///   CREATE INDEX [i] ON s.t                   index s.i (unnamed: PostgreSQL's generated
///                                             name, s.t_<cols>_idx, t_<cols>_key, …)
///   CREATE FUNCTION / PROCEDURE s.f(…)        function s.f(int4, text) / procedure s.f(…)
///   CREATE AGGREGATE s.a(…)                   aggregate s.a(int4); aggregate s.a(*) for (*)
///   CREATE OPERATOR s.+ (…)                   operator s.+(left, right), NONE when absent
///   CREATE TRIGGER tr … ON s.t                trigger s.t.tr
///   CREATE EVENT TRIGGER e                    event trigger e
///   CREATE POLICY p ON s.t                    policy s.t.p
///   CREATE RULE r AS ON … TO s.t              rule s.t.r
///   CREATE CAST (a AS b)                      cast (a AS b)
///   CREATE STATISTICS / CONVERSION s.x        statistics s.x / conversion s.x
///   CREATE OPERATOR CLASS / FAMILY s.x        operator class s.x using btree / operator family …
///     USING btree
///   CREATE TEXT SEARCH CONFIGURATION s.x      text search configuration s.x (dictionary, parser,
///                                             template likewise)
///   CREATE SERVER / FOREIGN DATA WRAPPER x    server x / foreign data wrapper x
///   CREATE USER MAPPING FOR u SERVER x        user mapping u server x
///   CREATE LANGUAGE / ACCESS METHOD / ROLE /  language x / access method x / role x / …
///     PUBLICATION / SUBSCRIPTION / DATABASE /
///     TABLESPACE / TRANSFORM x
///   IMPORT FOREIGN SCHEMA r FROM SERVER x     imported foreign schema l.x.r
///     INTO l
///   ALTER TABLE [ONLY] s.t ADD [CONSTRAINT c] constraint s.t.c (unnamed: generated name)
///   ALTER TABLE s.t ALTER c SET DEFAULT …     default s.t.c
///   ALTER TABLE s.t ADD COLUMN c              column s.t.c
///   ALTER TABLE s.t ALTER c SET NOT NULL      not null s.t.c
///   ALTER TABLE s.t ALTER c ADD GENERATED …   identity s.t.c
///   ALTER TABLE s.p ATTACH PARTITION s.c      partition s.c
///   ALTER INDEX s.p ATTACH PARTITION s.c      index partition s.c
///   ALTER TABLE s.t ENABLE / FORCE ROW LEVEL  row level security s.t / force row level
///     SECURITY                                security s.t
///   ALTER TABLE s.t REPLICA IDENTITY, CLUSTER replica identity s.t, cluster s.t, storage
///     ON, SET (…), INHERIT p, OF type         parameters s.t, inherit s.t, of type s.t
///   ALTER TABLE s.t ALTER c SET STATISTICS,   statistics target s.t.c, storage s.t.c,
///     STORAGE, COMPRESSION, (options)         compression s.t.c, column options s.t.c
///   ALTER TABLE s.t ENABLE/DISABLE TRIGGER x  trigger state s.t.x (RULE: rule state s.t.x)
///   ALTER <kind> x OWNER TO r                 owner of <kind> <x's key> (ALTER TABLE on a
///                                             view or sequence says "owner of table")
///   ALTER SEQUENCE s.q OWNED BY s.t.c         owned by s.q
///   ALTER TYPE s.t ADD VALUE 'v'              label s.t.v
///   ALTER DOMAIN s.d ADD CONSTRAINT c         domain constraint s.d.c
///   ALTER TEXT SEARCH CONFIGURATION s.c ADD   text search mapping s.c for word, …
///     MAPPING FOR word, …
///   ALTER OPERATOR FAMILY s.f USING m ADD …   operator family members s.f using m
///   ALTER EXTENSION e …                       extension e
///   ALTER <kind> x DEPENDS ON EXTENSION e     extension dependency of <kind> <x's key>
///   COMMENT ON <kind> x                       comment on <kind> <x's key> (column: s.t.c)
///   SECURITY LABEL [FOR p] ON <kind> x        security label on <kind> <x's key> [for p]
///   GRANT / REVOKE … ON <kind> a, b TO / FROM grant on <kind> s.a, b to r1, r2 (objects and
///     r1, r2                                  roles sorted; the schema leaves the names when
///                                             all objects share it: grant on table s.a, b …)
///   GRANT … ON ALL TABLES IN SCHEMA x TO r    grant on all tables in schema x to r
///   GRANT role TO r                           grant role role to r (revoke role … from …)
///   ALTER DEFAULT PRIVILEGES …                default privileges for r in s on tables to g
///   SET x, RESET x, set_config('x', …)        setting x (the same key many times is normal)
///   INSERT INTO schema_migrations (version)   rows s.schema_migrations; a single row:
///     VALUES ('1'), ('2')                     row s.schema_migrations.1
///   DROP <kind> x, y                          <kind> <x's key> (class kDrop; y in extra_keys)
///   ALTER that drops, renames or retypes      the changed object (class kAlteration): column
///     (DROP COLUMN, ALTER c TYPE, RENAME,     s.t.c, constraint s.t.c, default s.t.c, not
///     SET SCHEMA, DROP DEFAULT, ALTER         null s.t.c, table s.t, sequence s.q, …
///     SEQUENCE … RESTART, …)
///
/// Parts of a statement (Statement::elements):
///   CREATE TABLE column                       column s.t.col
///   CREATE TABLE table constraint             constraint s.t.name (unnamed: PostgreSQL's
///                                             generated name: t_pkey, t_a_b_key, t_a_check or
///                                             t_check, t_a_fkey, t_a_excl; truncated to 63
///                                             bytes as PostgreSQL does)
///   CREATE TABLE LIKE src                     like s.t.<src schema>.<src>
///   enum label                                label s.type.label
///   schema_migrations row                     row s.schema_migrations.<version>
///
/// Reference kinds (Statement::references) are the kinds above plus "relation": any of
/// table, view, materialized view, foreign table or sequence, used where the parse tree
/// cannot tell which (index, trigger and rule tables, FROM items of views, ALTER TABLE and
/// GRANT targets). A reference of kind "type" may be satisfied by a type or a domain.
struct ObjectKey {
  std::string kind;    ///< "table", "column", "index", … ; empty for "no key"
  std::string schema;  ///< empty for objects that live in no schema (schema, extension, role …)
  std::string name;    ///< object name; sub-objects use "table.part"; routines "f(int4, text)"

  bool empty() const { return kind.empty(); }
  /// "kind schema.name" (or "kind name" without a schema).
  std::string ToString() const {
    if (kind.empty()) return {};
    return kind + " " + (schema.empty() ? name : schema + "." + name);
  }
  /// The name alone, qualified: "schema.name" or "name".
  std::string QualifiedName() const { return schema.empty() ? name : schema + "." + name; }

  friend bool operator==(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.kind, a.schema, a.name) == std::tie(b.kind, b.schema, b.name);
  }
  friend bool operator!=(const ObjectKey& a, const ObjectKey& b) { return !(a == b); }
  friend bool operator<(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.kind, a.schema, a.name) < std::tie(b.kind, b.schema, b.name);
  }
};

struct ObjectKeyHash {
  size_t operator()(const ObjectKey& k) const {
    std::hash<std::string> h;
    return h(k.kind) * 31 * 31 + h(k.schema) * 31 + h(k.name);
  }
};

}  // namespace pgstate::sql
