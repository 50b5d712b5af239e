// Object keys, classes and references of every statement kind the source model knows.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sql/source_file.h"

namespace pgstate::sql {
namespace {

struct KeyCase {
  const char* sql;
  const char* key;  // ObjectKey::ToString()
  StatementClass cls = StatementClass::kDefinition;
};

// The single statement of `sql` (after optional setup statements, which come first).
Statement Only(const std::string& sql, const ParseOptions& options = {}) {
  SourceFile f = SourceFile::Parse("k.sql", sql, options);
  EXPECT_TRUE(f.errors().empty()) << sql << ": " << f.errors()[0].message;
  if (f.statements().empty()) return {};
  return f.statements().back();
}

// References in a stable order (their order in the statement is not part of the contract).
std::vector<std::string> Refs(const Statement& s) {
  std::vector<std::string> out;
  for (const ObjectKey& k : s.references) out.push_back(k.ToString());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ObjectKeyTest, EveryStatementKind) {
  const KeyCase cases[] = {
      {"CREATE SCHEMA app;", "schema app"},
      {"CREATE SCHEMA IF NOT EXISTS \"App\";", "schema App"},
      {"CREATE SCHEMA AUTHORIZATION joe;", "schema joe"},
      {"CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;", "extension pgcrypto"},
      {"CREATE TABLE Users (id int);", "table public.users"},
      {"CREATE UNLOGGED TABLE IF NOT EXISTS app.t (id int);", "table app.t"},
      {"CREATE TABLE c () INHERITS (p);", "table public.c"},
      {"CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM (1) TO (2);", "table public.m_2024"},
      {"CREATE TABLE m (a int) PARTITION BY RANGE (a);", "table public.m"},
      {"CREATE TABLE t2 AS SELECT 1 AS a;", "table public.t2"},
      {"CREATE FOREIGN TABLE ft (a int) SERVER s;", "foreign table public.ft"},
      {"CREATE VIEW v AS SELECT 1;", "view public.v"},
      {"CREATE OR REPLACE VIEW app.v AS SELECT 1;", "view app.v"},
      {"CREATE MATERIALIZED VIEW mv AS SELECT 1 WITH NO DATA;", "materialized view public.mv"},
      {"CREATE SEQUENCE s START 1;", "sequence public.s"},
      {"CREATE SEQUENCE public.users_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE "
       "NO MAXVALUE CACHE 1;",
       "sequence public.users_id_seq"},
      {"CREATE INDEX users_email_idx ON users (email);", "index public.users_email_idx"},
      {"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON app.users USING btree (lower(email)) "
       "WHERE (deleted_at IS NULL);",
       "index app.ix"},
      {"CREATE INDEX ON users (email, org_id);", "index public.users_email_org_id_idx"},
      {"CREATE UNIQUE INDEX ON users (lower(email));", "index public.users_lower_idx"},
      {"CREATE INDEX ON users ((a + b));", "index public.users_expr_idx"},
      {"CREATE INDEX ON ONLY app.users (a) INCLUDE (b);", "index app.users_a_b_idx"},
      {"CREATE FUNCTION touch(integer, text) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
       "RETURN NEW; END $$;",
       "function public.touch(int4, text)"},
      {"CREATE OR REPLACE FUNCTION app.f(a int4, OUT b text, INOUT c varchar(10), VARIADIC d "
       "int[]) RETURNS record LANGUAGE sql AS 'select 1';",
       "function app.f(int4, varchar, int4[])"},
      {"CREATE FUNCTION f(x public.mood, y mood) RETURNS TABLE (z int) LANGUAGE sql AS $$ select "
       "1 $$;",
       "function public.f(public.mood, public.mood)"},
      {"CREATE PROCEDURE p(a bigint) LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
       "procedure public.p(int8)"},
      {"CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int);", "aggregate public.agg(int4)"},
      {"CREATE AGGREGATE cnt(*) (SFUNC = int8inc, STYPE = int8);", "aggregate public.cnt(*)"},
      {"CREATE AGGREGATE old (BASETYPE = text, SFUNC = textcat, STYPE = text);",
       "aggregate public.old(text)"},
      {"CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION "
       "touch();",
       "trigger app.users.users_touch"},
      {"CREATE EVENT TRIGGER ddl ON ddl_command_end EXECUTE FUNCTION log_ddl();",
       "event trigger ddl"},
      {"CREATE TYPE mood AS ENUM ('sad', 'ok');", "type public.mood"},
      {"CREATE TYPE app.pair AS (a int, b text);", "type app.pair"},
      {"CREATE TYPE floatrange AS RANGE (subtype = float8);", "type public.floatrange"},
      {"CREATE TYPE shell;", "type public.shell"},
      {"CREATE DOMAIN email AS text CHECK (VALUE ~ '@');", "domain public.email"},
      {"CREATE POLICY own_rows ON users USING (owner = current_user);",
       "policy public.users.own_rows"},
      {"CREATE RULE r AS ON INSERT TO v DO INSTEAD NOTHING;", "rule public.v.r"},
      {"CREATE COLLATION german (provider = icu, locale = 'de');", "collation public.german"},
      {"CREATE CAST (text AS mood) WITH FUNCTION to_mood(text);", "cast (text AS public.mood)"},
      {"CREATE CAST (int4 AS bool) WITHOUT FUNCTION;", "cast (int4 AS bool)"},
      {"CREATE OPERATOR === (LEFTARG = box, RIGHTARG = box, FUNCTION = box_eq);",
       "operator public.===(box, box)"},
      {"CREATE OPERATOR app.!! (RIGHTARG = int8, PROCEDURE = factorial);",
       "operator app.!!(NONE, int8)"},
      {"CREATE STATISTICS st ON a, b FROM t;", "statistics public.st"},
      {"CREATE TEXT SEARCH CONFIGURATION cfg (COPY = english);",
       "text search configuration public.cfg"},
      {"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;", "server s"},
      {"CREATE ROLE reader;", "role reader"},
      // pg_dump shapes
      {"ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);",
       "constraint public.users.users_pkey"},
      {"ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (id);",
       "constraint public.users.users_org_id_fkey"},
      {"ALTER TABLE users ADD CHECK (a > 0);", "constraint public.users.users_a_check"},
      {"ALTER TABLE users ADD UNIQUE (a, b);", "constraint public.users.users_a_b_key"},
      {"ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT "
       "nextval('public.users_id_seq'::regclass);",
       "default public.users.id"},
      {"ALTER TABLE users ADD COLUMN email text;", "column public.users.email"},
      {"ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;",
       "owned by public.users_id_seq"},
      {"ALTER TABLE ONLY public.m ATTACH PARTITION public.m_2024 FOR VALUES FROM (1) TO (2);",
       "partition public.m_2024"},
      {"ALTER INDEX public.m_idx ATTACH PARTITION public.m_2024_idx;",
       "index partition public.m_2024_idx"},
      {"ALTER TABLE public.users OWNER TO app;", "owner of table public.users"},
      {"ALTER FUNCTION public.touch(integer, text) OWNER TO app;",
       "owner of function public.touch(int4, text)"},
      {"ALTER SCHEMA app OWNER TO app;", "owner of schema app"},
      {"ALTER TYPE public.mood OWNER TO app;", "owner of type public.mood"},
      {"ALTER TABLE users ENABLE ROW LEVEL SECURITY;", "row level security public.users"},
      {"ALTER TABLE users FORCE ROW LEVEL SECURITY;", "force row level security public.users"},
      {"ALTER TABLE ONLY users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "
       "users_id_seq);",
       "identity public.users.id"},
      {"ALTER TABLE users ALTER COLUMN a SET NOT NULL;", "not null public.users.a"},
      {"ALTER TABLE users REPLICA IDENTITY FULL;", "replica identity public.users"},
      {"ALTER TABLE users CLUSTER ON users_pkey;", "cluster public.users"},
      {"ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';", "label public.mood.happy"},
      {"ALTER DOMAIN email ADD CONSTRAINT email_check CHECK (VALUE <> '');",
       "domain constraint public.email.email_check"},
      {"ALTER TEXT SEARCH CONFIGURATION cfg ADD MAPPING FOR word WITH simple;",
       "text search mapping public.cfg for word"},
      {"COMMENT ON TABLE public.users IS 'people';", "comment on table public.users"},
      {"COMMENT ON COLUMN users.email IS 'x';", "comment on column public.users.email"},
      {"COMMENT ON COLUMN app.users.email IS 'x';", "comment on column app.users.email"},
      {"COMMENT ON FUNCTION touch(int4, text) IS 'x';",
       "comment on function public.touch(int4, text)"},
      {"COMMENT ON EXTENSION pgcrypto IS 'x';", "comment on extension pgcrypto"},
      {"COMMENT ON SCHEMA app IS NULL;", "comment on schema app"},
      {"COMMENT ON CONSTRAINT c ON app.users IS 'x';", "comment on constraint app.users.c"},
      {"COMMENT ON TRIGGER tr ON users IS 'x';", "comment on trigger public.users.tr"},
      {"COMMENT ON TYPE mood IS 'x';", "comment on type public.mood"},
      {"COMMENT ON AGGREGATE cnt(*) IS 'x';", "comment on aggregate public.cnt(*)"},
      {"COMMENT ON OPERATOR === (box, box) IS 'x';", "comment on operator public.===(box, box)"},
      {"COMMENT ON CAST (text AS mood) IS 'x';", "comment on cast (text AS public.mood)"},
      {"GRANT SELECT, INSERT ON TABLE public.users TO reader, app;",
       "grant on table public.users to app, reader"},
      {"GRANT SELECT ON b, a TO r;", "grant on table public.a, b to r"},
      {"GRANT USAGE ON SCHEMA app TO PUBLIC;", "grant on schema app to public"},
      {"GRANT EXECUTE ON FUNCTION touch(integer, text) TO app;",
       "grant on function public.touch(int4, text) to app"},
      {"GRANT SELECT ON ALL TABLES IN SCHEMA app TO r;", "grant on all tables in schema app to r"},
      {"REVOKE ALL ON SCHEMA public FROM PUBLIC;", "revoke on schema public from public"},
      {"GRANT reader TO joe;", "grant role reader to joe"},
      {"ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO r;",
       "default privileges for current_role in app on tables to r"},
      {"SET search_path = app, public;", "setting search_path", StatementClass::kSetting},
      {"SET LOCAL statement_timeout = 0;", "setting statement_timeout", StatementClass::kSetting},
      {"RESET ALL;", "setting all", StatementClass::kSetting},
      {"SELECT pg_catalog.set_config('search_path', '', false);", "setting search_path",
       StatementClass::kSetting},
      {"INSERT INTO \"schema_migrations\" (version) VALUES ('1'), ('2');",
       "rows public.schema_migrations"},
      // Non-declarative statements keep the key of what they change.
      {"DROP TABLE users;", "table public.users", StatementClass::kDrop},
      {"DROP INDEX IF EXISTS app.ix;", "index app.ix", StatementClass::kDrop},
      {"DROP FUNCTION f(int);", "function public.f(int4)", StatementClass::kDrop},
      {"ALTER TABLE users DROP COLUMN email;", "column public.users.email",
       StatementClass::kAlteration},
      {"ALTER TABLE users ALTER COLUMN a TYPE bigint;", "column public.users.a",
       StatementClass::kAlteration},
      {"ALTER TABLE users DROP CONSTRAINT c;", "constraint public.users.c",
       StatementClass::kAlteration},
      {"ALTER TABLE users RENAME TO people;", "table public.users", StatementClass::kAlteration},
      {"ALTER TABLE users RENAME COLUMN a TO b;", "column public.users.a",
       StatementClass::kAlteration},
      {"ALTER TABLE users ALTER COLUMN id DROP DEFAULT;", "default public.users.id",
       StatementClass::kAlteration},
      {"ALTER SEQUENCE s RESTART WITH 5;", "sequence public.s", StatementClass::kAlteration},
      {"ALTER TABLE users SET SCHEMA app;", "table public.users", StatementClass::kAlteration},
  };
  for (const KeyCase& c : cases) {
    Statement s = Only(c.sql);
    EXPECT_EQ(s.key.ToString(), c.key) << c.sql;
    EXPECT_EQ(s.cls, c.cls) << c.sql;
    EXPECT_TRUE(s.unkeyed_reason.empty()) << c.sql;
  }
}

TEST(ObjectKeyTest, UnkeyedStatementsSayWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"BEGIN;", "transaction control"},
      {"COMMIT;", "transaction control"},
      {"UPDATE users SET a = 1;", "data statement"},
      {"DELETE FROM users;", "data statement"},
      {"TRUNCATE users;", "data statement"},
      {"INSERT INTO users (id) VALUES (1);", "data statement"},
      {"SELECT pg_catalog.setval('public.s', 1, false);", "data statement"},
      {"DO $$ BEGIN END $$;", "anonymous code block"},
      {"CALL p(1);", "procedure call"},
      {"ANALYZE users;", "maintenance command"},
      {"REFRESH MATERIALIZED VIEW mv;", "maintenance command"},
      {"LOCK TABLE users;", "session command"},
  };
  for (const auto& [sql, reason] : cases) {
    Statement s = Only(sql);
    EXPECT_TRUE(s.key.empty()) << sql;
    EXPECT_EQ(s.unkeyed_reason, reason) << sql;
    EXPECT_TRUE(IsDocumentedUnkeyedReason(s.unkeyed_reason)) << sql;
  }
  EXPECT_EQ(Only("UPDATE users SET a = 1;").cls, StatementClass::kData);
  EXPECT_EQ(Only("DO $$ BEGIN END $$;").cls, StatementClass::kOther);
}

TEST(ObjectKeyTest, CreateTableElementsWithGeneratedNames) {
  std::string sql =
      "CREATE TABLE app.users (\n"
      "    id bigint PRIMARY KEY,\n"
      "    email text NOT NULL UNIQUE,\n"
      "    org_id int REFERENCES orgs (id),\n"
      "    age int CHECK (age > 0),\n"
      "    CHECK (age < 200 AND id > 0),\n"
      "    CONSTRAINT named CHECK (true),\n"
      "    UNIQUE (email, org_id),\n"
      "    FOREIGN KEY (org_id, id) REFERENCES app.orgs (id, x),\n"
      "    EXCLUDE USING gist (org_id WITH =),\n"
      "    LIKE base\n"
      ");\n";
  SourceFile f = SourceFile::Parse("t.sql", sql);
  ASSERT_TRUE(f.errors().empty());
  const Statement& s = f.statements()[0];
  EXPECT_EQ(s.key.ToString(), "table app.users");
  std::vector<std::string> keys, texts;
  for (const Element& e : s.elements) {
    keys.push_back(e.key.ToString());
    texts.emplace_back(f.TextOf(e.span));
    EXPECT_NE(e.canonical, 0u);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "column app.users.id",
                      "column app.users.email",
                      "column app.users.org_id",
                      "column app.users.age",
                      "constraint app.users.users_check",
                      "constraint app.users.named",
                      "constraint app.users.users_email_org_id_key",
                      "constraint app.users.users_org_id_id_fkey",
                      "constraint app.users.users_org_id_excl",
                      "like app.users.public.base",
                  }));
  EXPECT_EQ(texts[0], "id bigint PRIMARY KEY");
  EXPECT_EQ(texts[4], "CHECK (age < 200 AND id > 0)");
  EXPECT_EQ(texts[9], "LIKE base");
  std::vector<std::string> extra;
  for (const ObjectKey& k : s.extra_keys) extra.push_back(k.ToString());
  EXPECT_EQ(extra,
            (std::vector<std::string>{
                "constraint app.users.users_pkey", "constraint app.users.users_email_key",
                "constraint app.users.users_org_id_fkey", "constraint app.users.users_age_check"}));
  EXPECT_EQ(f.TextOf(s.element_list).front(), '\n');
  EXPECT_EQ(f.TextOf(s.element_list).back(), '\n');
  EXPECT_FALSE(s.elements_are_rows);
}

TEST(ObjectKeyTest, GeneratedNamesAreTruncatedLikePostgres) {
  std::string table(60, 't');
  Statement s = Only("CREATE TABLE " + table + " (column_with_long_name int UNIQUE);");
  ASSERT_EQ(s.extra_keys.size(), 1u);
  // makeObjectName: 63 bytes in all, the longer part shortened first.
  std::string expected = std::string(37, 't') + "_column_with_long_name_key";
  EXPECT_EQ(expected.size(), 63u);
  EXPECT_EQ(s.extra_keys[0].name, table + "." + expected);
  Statement dup = Only("CREATE TABLE t (a int CHECK (a > 0) CHECK (a < 9));");
  ASSERT_EQ(dup.extra_keys.size(), 2u);
  EXPECT_EQ(dup.extra_keys[0].name, "t.t_a_check");
  EXPECT_EQ(dup.extra_keys[1].name, "t.t_a_check1");
}

TEST(ObjectKeyTest, EnumLabelsAndRailsRowsAreElements) {
  std::string sql =
      "CREATE TYPE mood AS ENUM (\n    'sad',\n    'it''s ok'\n);\n"
      "INSERT INTO \"schema_migrations\" (version) VALUES\n('20200101000000'),\n('20200202000000');"
      "\n";
  SourceFile f = SourceFile::Parse("r.sql", sql);
  ASSERT_TRUE(f.errors().empty());
  const Statement& e = f.statements()[0];
  ASSERT_EQ(e.elements.size(), 2u);
  EXPECT_EQ(e.elements[0].key.ToString(), "label public.mood.sad");
  EXPECT_EQ(e.elements[1].key.ToString(), "label public.mood.it's ok");
  EXPECT_EQ(f.TextOf(e.elements[1].span), "'it''s ok'");
  EXPECT_FALSE(e.elements_are_rows);
  const Statement& r = f.statements()[1];
  EXPECT_EQ(r.key.ToString(), "rows public.schema_migrations");
  EXPECT_TRUE(r.elements_are_rows);
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].key.ToString(), "row public.schema_migrations.20200101000000");
  EXPECT_EQ(f.TextOf(r.elements[1].span), "('20200202000000')");
  EXPECT_EQ(f.TextOf(r.element_list), "('20200101000000'),\n('20200202000000')");
  EXPECT_NE(r.elements[0].canonical, r.elements[1].canonical);
}

TEST(ObjectKeyTest, SearchPathResolvesUnqualifiedNamesInFileOrder) {
  std::string sql =
      "CREATE TABLE a (id int);\n"
      "SET search_path = app, public;\n"
      "CREATE TABLE b (id int);\n"
      "SET search_path TO \"$user\", \"Other\";\n"
      "CREATE TABLE c (id int);\n"
      "SELECT pg_catalog.set_config('search_path', 'x, public', false);\n"
      "CREATE TABLE d (id int);\n"
      "RESET search_path;\n"
      "CREATE TABLE e (id int);\n";
  ParseOptions options;
  options.search_path = {"main"};
  SourceFile f = SourceFile::Parse("p.sql", sql, options);
  std::vector<std::string> keys;
  for (const Statement& s : f.statements()) {
    if (s.key.kind == "table") keys.push_back(s.key.ToString());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"table main.a", "table app.b", "table Other.c",
                                            "table x.d", "table main.e"}));
}

TEST(ObjectKeyTest, ProcedureAndFunctionKeysMatchTheirComments) {
  SourceFile f = SourceFile::Parse(
      "f.sql",
      "CREATE FUNCTION app.f(a integer, b character varying, c double precision, d bool) "
      "RETURNS int LANGUAGE sql AS 'select 1';\n"
      "COMMENT ON FUNCTION app.f(int4, varchar, float8, boolean) IS 'x';\n");
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_EQ(f.statements()[0].key.name, f.statements()[1].key.name);
  EXPECT_EQ(f.statements()[1].references[0], f.statements()[0].key);
}

TEST(ReferencesTest, WhatEachStatementNeeds) {
  struct RefCase {
    const char* sql;
    std::vector<std::string> refs;
  };
  const RefCase cases[] = {
      {"CREATE TABLE app.users (id int, org int REFERENCES orgs, m mood, e app.email, "
       "n serial, x int DEFAULT nextval('app.\"Seq\"'::regclass), FOREIGN KEY (id) REFERENCES "
       "app.people);",
       {"schema app", "type public.mood", "type app.email", "sequence app.Seq", "table public.orgs",
        "table app.people", "column app.users.id"}},
      {"CREATE TABLE c PARTITION OF p FOR VALUES IN (1);", {"table public.p"}},
      {"CREATE TABLE c (a int) INHERITS (p1, app.p2);", {"table public.p1", "table app.p2"}},
      {"CREATE INDEX i ON app.t (a);", {"schema app", "relation app.t", "column app.t.a"}},
      {"CREATE INDEX i ON t (lower(a), b) INCLUDE (c) WHERE d AND ctid IS NOT NULL;",
       {"relation public.t", "column public.t.a", "column public.t.b", "column public.t.c",
        "column public.t.d"}},
      {"CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED, CHECK (a > b), "
       "UNIQUE (a) INCLUDE (b), FOREIGN KEY (a) REFERENCES u (x));",
       {"table public.u", "column public.u.x", "column public.t.a", "column public.t.b"}},
      {"CREATE TRIGGER tr BEFORE UPDATE OF a ON t FOR EACH ROW WHEN (NEW.b <> OLD.c) "
       "EXECUTE FUNCTION fn();",
       {"relation public.t", "function public.fn()", "column public.t.a", "column public.t.b",
        "column public.t.c"}},
      // A subquery's column may be its own relation's: not followed.
      {"CREATE POLICY p ON t USING (a = 1 AND t.b = 2 AND EXISTS (SELECT 1 FROM u WHERE c = 1));",
       {"table public.t", "column public.t.a", "column public.t.b"}},
      // One relation read: its columns; t is the whole row, x an output column.
      {"CREATE VIEW v AS SELECT q.a, b AS x, q FROM t q WHERE c > 0 ORDER BY x;",
       {"relation public.t", "column public.t.a", "column public.t.b", "column public.t.c"}},
      {"CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION app.fn();",
       {"relation public.t", "function app.fn()"}},
      {"CREATE POLICY p ON t USING (true);", {"table public.t"}},
      {"CREATE RULE r AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (1);",
       {"relation public.v", "relation public.t"}},
      {"CREATE VIEW v AS WITH x AS (SELECT * FROM a) SELECT * FROM x JOIN app.b ON true, "
       "LATERAL (SELECT * FROM c) s WHERE EXISTS (SELECT 1 FROM d);",
       {"relation public.a", "relation app.b", "relation public.c", "relation public.d"}},
      {"CREATE MATERIALIZED VIEW mv AS SELECT * FROM t;", {"relation public.t"}},
      {"CREATE SEQUENCE s OWNED BY app.t.id;", {"table app.t", "column app.t.id"}},
      {"ALTER SEQUENCE s OWNED BY t.id;",
       {"sequence public.s", "table public.t", "column public.t.id"}},
      {"ALTER TABLE ONLY m ATTACH PARTITION m1 FOR VALUES IN (1);",
       {"table public.m1", "relation public.m"}},
      {"ALTER TABLE ONLY app.t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES app.u (id);",
       {"table app.u", "relation app.t", "schema app", "column app.t.a", "column app.u.id"}},
      {"ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq');",
       {"sequence public.t_id_seq", "relation public.t"}},
      {"COMMENT ON TABLE t IS 'x';", {"table public.t"}},
      {"COMMENT ON COLUMN t.c IS 'x';", {"relation public.t", "column public.t.c"}},
      {"COMMENT ON CONSTRAINT \"my.check\" ON app.t IS 'x';",
       {"relation app.t", "constraint app.t.my.check"}},
      {"ALTER TABLE t OWNER TO r;", {"relation public.t"}},
      {"ALTER FUNCTION f(int) OWNER TO r;", {"function public.f(int4)"}},
      {"GRANT SELECT ON t, app.u TO r;", {"relation public.t", "relation app.u"}},
      {"CREATE DOMAIN d AS app.base;", {"type app.base"}},
      {"CREATE FUNCTION f(a mood) RETURNS app.pair LANGUAGE sql AS 'select 1';",
       {"type public.mood", "type app.pair"}},
      {"CREATE EXTENSION hstore SCHEMA ext;", {"schema ext"}},
      {"CREATE CAST (text AS mood) WITH FUNCTION to_mood(text);",
       {"type public.mood", "function public.to_mood(text)"}},
      {"CREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION log();",
       {"function public.log()"}},
      {"CREATE TABLE pg_catalog_types (a pg_catalog.int4, b text[], c timestamptz, d "
       "_int4);",
       {}},
  };
  for (RefCase c : cases) {
    std::sort(c.refs.begin(), c.refs.end());
    EXPECT_EQ(Refs(Only(c.sql)), c.refs) << c.sql;
  }
}

}  // namespace
}  // namespace pgstate::sql
