#include "schema/model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgstate::schema {
namespace {

using sql::ObjectKey;

ObjectKey Key(std::string kind, std::string schema, std::string name) {
  return ObjectKey{std::move(kind), std::move(schema), std::move(name)};
}

// The load order as "file:first words of the statement", compact enough to compare whole.
std::vector<std::string> Order(const Model& m) {
  std::vector<std::string> out;
  for (StatementId id : m.LoadOrder()) out.push_back(m.Describe(id));
  return out;
}

Model Build(std::vector<FileText> files, ModelOptions options = {}) {
  return Model::Parse(std::move(files), std::move(options));
}

TEST(ModelTest, DefinitionsComeBeforeWhatReferencesThem) {
  Model m = Build({
      {"db/schema/a_orders.sql",
       "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id));\n"
       "CREATE INDEX orders_user_idx ON orders (user_id);\n"},
      {"db/schema/b_users.sql", "CREATE TABLE users (id int PRIMARY KEY);\n"},
  });
  EXPECT_TRUE(m.Unresolved().empty());
  EXPECT_TRUE(m.cycles().empty());
  EXPECT_EQ(Order(m), (std::vector<std::string>{"table public.users", "table public.orders",
                                                "index public.orders_user_idx"}));
}

TEST(ModelTest, TiesKeepFileOrderThenPositionWhateverTheInputOrder) {
  Model m = Build({
      {"db/schema/b.sql", "CREATE TABLE b1 (id int);\nCREATE TABLE b2 (id int);\n"},
      {"db/schema/a.sql", "CREATE TABLE a2 (id int);\nCREATE TABLE a1 (id int);\n"},
  });
  ASSERT_EQ(m.files().size(), 2u);
  EXPECT_EQ(m.files()[0].path(), "db/schema/a.sql");
  EXPECT_EQ(Order(m), (std::vector<std::string>{"table public.a2", "table public.a1",
                                                "table public.b1", "table public.b2"}));
}

TEST(ModelTest, ModifiersComeAfterTheObjectTheyModify) {
  Model m = Build({
      {"db/schema/a_grants.sql",
       "COMMENT ON TABLE users IS 'people';\n"
       "GRANT SELECT ON users TO reader;\n"
       "ALTER TABLE users OWNER TO app;\n"
       "ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"},
      {"db/schema/b_users.sql", "CREATE TABLE users (id int);\n"},
  });
  std::vector<std::string> order = Order(m);
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order[0], "table public.users");
  EXPECT_TRUE(m.Unresolved().empty());
}

TEST(ModelTest, ForeignKeyComesAfterThePrimaryKeyItNeeds) {
  // pg_dump's shape, split so file order alone would be wrong.
  Model m = Build({
      {"db/schema/a_fk.sql",
       "ALTER TABLE ONLY orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) "
       "REFERENCES users (id);\n"},
      {"db/schema/b_tables.sql",
       "CREATE TABLE users (id int NOT NULL);\nCREATE TABLE orders (user_id int);\n"
       "ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"},
  });
  EXPECT_EQ(Order(m), (std::vector<std::string>{"table public.users", "table public.orders",
                                                "constraint public.users.users_pkey",
                                                "constraint public.orders.orders_user_fk"}));
}

TEST(ModelTest, FunctionsCalledInDefaultsAndViewsComeFirst) {
  Model m = Build({
      {"db/schema/a.sql",
       "CREATE TABLE accounts (id text DEFAULT ('acc_' || new_id()));\n"
       "CREATE VIEW v AS SELECT app.total(1) AS t;\n"},
      {"db/schema/b.sql",
       "CREATE SCHEMA app;\n"
       "CREATE FUNCTION app.total(integer) RETURNS int LANGUAGE sql AS 'select 1';\n"
       "CREATE FUNCTION new_id() RETURNS text LANGUAGE sql AS 'select 1::text';\n"},
  });
  EXPECT_EQ(Order(m),
            (std::vector<std::string>{"schema app", "function app.total(int4)", "view public.v",
                                      "function public.new_id()", "table public.accounts"}));
}

TEST(ModelTest, SchemaAndExtensionComeFirst) {
  Model m = Build({
      {"db/schema/a.sql", "CREATE TABLE app.people (email citext);\n"},
      {"db/schema/z.sql", "CREATE SCHEMA app;\nCREATE EXTENSION citext WITH SCHEMA app;\n"},
  });
  EXPECT_TRUE(m.Unresolved().empty());
  EXPECT_EQ(Order(m),
            (std::vector<std::string>{"schema app", "extension citext", "table app.people"}));
}

TEST(ModelTest, SettingsTransactionsAndMetaCommandsAreNotLoaded) {
  Model m = Build({{"db/schema/a.sql",
                    "\\set ON_ERROR_STOP 1\nBEGIN;\nSET statement_timeout = 0;\n"
                    "CREATE TABLE t (id int);\nCOMMIT;\n"}});
  EXPECT_EQ(Order(m), (std::vector<std::string>{"table public.t"}));
}

TEST(ModelTest, CycleIsReportedWithItsMembersInOrder) {
  Model m = Build({
      {"db/schema/a.sql", "CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b (id));\n"},
      {"db/schema/b.sql", "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));\n"},
      {"db/schema/c.sql", "CREATE TABLE c (id int);\n"},
  });
  ASSERT_EQ(m.cycles().size(), 1u);
  const Cycle& c = m.cycles()[0];
  ASSERT_EQ(c.members.size(), 2u);
  EXPECT_EQ(m.Describe(c.members[0]), "table public.a");
  EXPECT_EQ(m.Describe(c.members[1]), "table public.b");
  EXPECT_TRUE(c.also_involved.empty());
  // Every statement is still placed: the cycle after what does not need it, by file order.
  EXPECT_EQ(Order(m),
            (std::vector<std::string>{"table public.c", "table public.a", "table public.b"}));

  std::vector<core::Diagnostic> d = m.CycleDiagnostics();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rule, "dependency-cycle");
  EXPECT_EQ(d[0].severity, core::Severity::kError);
  EXPECT_EQ(d[0].message, "dependency cycle: table public.a -> table public.b -> table public.a");
  EXPECT_EQ(d[0].location.ToString(), "db/schema/a.sql:1:1");
  ASSERT_EQ(d[0].related.size(), 1u);
  EXPECT_EQ(d[0].related[0].ToString(), "db/schema/b.sql:1:1");
}

TEST(ModelTest, ThreeWayCycleFollowsTheEdges) {
  Model m = Build({{"db/schema/s.sql",
                    "CREATE VIEW v1 AS SELECT * FROM v3;\n"
                    "CREATE VIEW v2 AS SELECT * FROM v1;\n"
                    "CREATE VIEW v3 AS SELECT * FROM v2;\n"}});
  ASSERT_EQ(m.cycles().size(), 1u);
  std::vector<core::Diagnostic> d = m.CycleDiagnostics();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message,
            "dependency cycle: view public.v1 -> view public.v3 -> view public.v2 -> view "
            "public.v1");
  EXPECT_EQ(d[0].related.size(), 2u);
}

TEST(ModelTest, SelfReferenceIsNotACycle) {
  Model m = Build({{"db/schema/t.sql",
                    "CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id));\n"}});
  EXPECT_TRUE(m.cycles().empty());
  EXPECT_TRUE(m.Unresolved().empty());
}

TEST(ModelTest, DuplicatesAcrossFilesNameBothPlaces) {
  Model m = Build({
      {"db/schema/a.sql", "CREATE TABLE users (id int);\n"},
      {"db/schema/b.sql", "\n\nCREATE TABLE users (id bigint);\n"},
  });
  ASSERT_EQ(m.duplicates().size(), 1u);
  const Duplicate& d = m.duplicates()[0];
  EXPECT_EQ(d.key.ToString(), "table public.users");
  EXPECT_EQ(m.LocationOf(d.first).ToString(), "db/schema/a.sql:1:1");
  EXPECT_EQ(m.LocationOf(d.second).ToString(), "db/schema/b.sql:3:1");
  ASSERT_NE(m.Find(Key("table", "public", "users")), nullptr);
  EXPECT_EQ(m.Find(Key("table", "public", "users"))->definitions.size(), 2u);
}

TEST(ModelTest, DuplicateColumnPointsAtTheElement) {
  Model m = Build({{"db/schema/a.sql", "CREATE TABLE t (\n  id int,\n  id bigint\n);\n"}});
  ASSERT_EQ(m.duplicates().size(), 1u);
  EXPECT_EQ(m.duplicates()[0].key.ToString(), "column public.t.id");
  EXPECT_EQ(m.LocationOf(m.duplicates()[0].first).ToString(), "db/schema/a.sql:2:3");
  EXPECT_EQ(m.LocationOf(m.duplicates()[0].second).ToString(), "db/schema/a.sql:3:3");
}

TEST(ModelTest, ConstraintAddedByAlterTableAndInlineIsADuplicate) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY);\n"
                    "ALTER TABLE ONLY t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"}});
  ASSERT_EQ(m.duplicates().size(), 1u);
  EXPECT_EQ(m.duplicates()[0].key.ToString(), "constraint public.t.t_pkey");
}

TEST(ModelTest, NamesPostgresChoosesAreNotDuplicates) {
  // PostgreSQL names the second CHECK t_a_check1 and the second index t_a_idx1.
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE t (a text, CHECK (a <> ''), CHECK (a <> 'x'));\n"
                    "ALTER TABLE t ADD CHECK (a <> 'y');\n"
                    "CREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\n"}});
  EXPECT_TRUE(m.duplicates().empty());
  // A name given twice is a duplicate even when the first was generated.
  Model named = Build({{"db/schema/a.sql",
                        "CREATE TABLE t (a text, CHECK (a <> ''));\n"
                        "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a <> 'y');\n"}});
  ASSERT_EQ(named.duplicates().size(), 1u);
  EXPECT_EQ(named.duplicates()[0].key.ToString(), "constraint public.t.t_a_check");
}

TEST(ModelTest, ReplacingModifiersAreNotDuplicates) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE t (id int);\nGRANT SELECT ON t TO a;\nGRANT INSERT ON t TO a;\n"
                    "INSERT INTO schema_migrations (version) VALUES ('1');\n"
                    "INSERT INTO schema_migrations (version) VALUES ('2');\n"}});
  EXPECT_TRUE(m.duplicates().empty());
}

TEST(ModelTest, UnknownReferencesAreMissing) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE orders (user_id int REFERENCES users (id));\n"
                    "CREATE INDEX i ON customers (id);\n"
                    "CREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION "
                    "touch();\n"}});
  std::vector<std::string> missing;
  for (const Reference* r : m.Unresolved()) missing.push_back(r->key.ToString());
  EXPECT_EQ(missing, (std::vector<std::string>{"table public.users", "relation public.customers",
                                               "function public.touch()"}));
}

TEST(ModelTest, AnExtensionExcusesTypesAndFunctionsButNeverTables) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE EXTENSION postgis;\n"
                    "CREATE TABLE places (geom geometry, owner int REFERENCES owners (id));\n"
                    "CREATE TRIGGER t BEFORE UPDATE ON places FOR EACH ROW EXECUTE FUNCTION "
                    "postgis_touch();\n"}});
  std::vector<std::string> missing;
  for (const Reference* r : m.Unresolved()) missing.push_back(r->key.ToString());
  EXPECT_EQ(missing, (std::vector<std::string>{"table public.owners"}));
  EXPECT_EQ(m.Resolve(Key("type", "public", "geometry")), Provider::kExtension);
  EXPECT_EQ(m.Resolve(Key("function", "public", "postgis_touch()")), Provider::kExtension);
  EXPECT_EQ(m.Resolve(Key("table", "public", "spatial_ref_sys")), Provider::kMissing);
  // Without the extension the type is missing too.
  Model bare = Build({{"db/schema/a.sql", "CREATE TABLE places (geom geometry);\n"}});
  ASSERT_EQ(bare.Unresolved().size(), 1u);
  EXPECT_EQ(bare.Unresolved()[0]->key.ToString(), "type public.geometry");
}

TEST(ModelTest, ConfigExternalsProvideObjectsAndWholeSchemas) {
  ModelOptions options;
  options.external_objects = {Key("table", "public", "users"), Key("schema", "", "legacy")};
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE orders (user_id int REFERENCES users (id), "
                    "x int REFERENCES legacy.things (id), y int REFERENCES other (id));\n"}},
                  options);
  std::vector<std::string> missing;
  for (const Reference* r : m.Unresolved()) missing.push_back(r->key.ToString());
  EXPECT_EQ(missing, (std::vector<std::string>{"table public.other"}));
  EXPECT_EQ(m.Resolve(Key("table", "public", "users")), Provider::kExternal);
  EXPECT_EQ(m.Resolve(Key("view", "legacy", "anything")), Provider::kExternal);
  EXPECT_EQ(m.Resolve(Key("schema", "", "legacy")), Provider::kExternal);
}

TEST(ModelTest, BuiltinsAreNeverRequired) {
  Model m = Build({{"db/schema/a.sql", "CREATE TABLE t (id int);\n"}});
  EXPECT_EQ(m.Resolve(Key("schema", "", "public")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("type", "pg_catalog", "int4")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("type", "public", "uuid")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("type", "public", "_text")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("function", "pg_catalog", "anything(int4)")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("function", "public", "tsvector_update_trigger()")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("role", "", "reader")), Provider::kBuiltin);
  EXPECT_EQ(m.Resolve(Key("type", "public", "money2")), Provider::kMissing);
  EXPECT_EQ(m.Resolve(Key("schema", "", "app")), Provider::kMissing);
}

TEST(ModelTest, ImplicitObjects) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE TABLE users (id serial, email text, CONSTRAINT users_email_key "
                    "UNIQUE (email));\n"
                    "CREATE VIEW v AS SELECT id FROM users;\n"
                    "COMMENT ON COLUMN v.id IS 'x';\n"
                    "GRANT USAGE ON SEQUENCE users_id_seq TO app;\n"}});
  EXPECT_TRUE(m.Unresolved().empty());
  EXPECT_EQ(m.Resolve(Key("sequence", "public", "users_id_seq")), Provider::kImplicit);
  EXPECT_EQ(m.Resolve(Key("index", "public", "users_email_key")), Provider::kImplicit);
  EXPECT_EQ(m.Resolve(Key("column", "public", "v.id")), Provider::kImplicit);
  EXPECT_EQ(m.Resolve(Key("column", "public", "users.nope")), Provider::kMissing);
  EXPECT_EQ(m.Resolve(Key("type", "public", "users")), Provider::kModel);  // row type
}

TEST(ModelTest, RoutinesMatchByNameWhenArgumentsAreSpelledDifferently) {
  Model m = Build({{"db/schema/a.sql",
                    "CREATE FUNCTION f(a integer) RETURNS int LANGUAGE sql AS 'select a';\n"}});
  EXPECT_EQ(m.Resolve(Key("function", "public", "f(int4)")), Provider::kModel);
  EXPECT_EQ(m.Resolve(Key("function", "public", "f(integer)")), Provider::kModel);
  EXPECT_EQ(m.Resolve(Key("function", "public", "g(int4)")), Provider::kMissing);
}

TEST(ModelTest, SearchPathFromOptions) {
  ModelOptions options;
  options.search_path = {"app", "public"};
  Model m = Build({{"db/schema/a.sql", "CREATE SCHEMA app;\nCREATE TABLE t (id int);\n"}}, options);
  EXPECT_NE(m.Find(Key("table", "app", "t")), nullptr);
  EXPECT_TRUE(m.Unresolved().empty());
}

TEST(ParseObjectKeyTest, Forms) {
  std::vector<std::string> path = {"app", "public"};
  auto t = ParseObjectKey("table public.users", path);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, Key("table", "public", "users"));
  EXPECT_EQ(*ParseObjectKey("  TABLE Users ", path), Key("table", "app", "users"));
  EXPECT_EQ(*ParseObjectKey("table \"Odd.Name\"", path), Key("table", "app", "Odd.Name"));
  EXPECT_EQ(*ParseObjectKey("materialized view app.totals", path),
            Key("materialized view", "app", "totals"));
  EXPECT_EQ(*ParseObjectKey("column public.users.email", path),
            Key("column", "public", "users.email"));
  EXPECT_EQ(*ParseObjectKey("column users.email", path), Key("column", "app", "users.email"));
  EXPECT_EQ(*ParseObjectKey("function public.touch(integer, text)", path),
            Key("function", "public", "touch(integer, text)"));
  EXPECT_EQ(*ParseObjectKey("schema legacy", path), Key("schema", "", "legacy"));
  EXPECT_EQ(*ParseObjectKey("extension postgis", path), Key("extension", "", "postgis"));
}

TEST(ParseObjectKeyTest, Errors) {
  for (const char* bad :
       {"tabel", "", "table a.b.c", "schema a.b", "table \"open", "table a..b", "ta-ble x"}) {
    auto k = ParseObjectKey(bad, {"public"});
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.error().message, std::string("invalid object '") + bad +
                                     "' (expected '<kind> <name>', e.g. 'table public.users')");
  }
}

TEST(LoadScriptTest, ScriptAndPositionsMapBackToFiles) {
  Model m = Build({
      {"db/schema/a.sql", "-- orders\nCREATE TABLE orders (user_id int REFERENCES users (id));\n"},
      {"db/schema/b.sql", "CREATE TABLE users (id int PRIMARY KEY, name text DEFAULT 'é')\n"},
  });
  LoadScript script(m);
  const std::string preamble =
      "SET check_function_bodies = false;\nSET search_path = \"public\";\n";
  const std::string users = "CREATE TABLE users (id int PRIMARY KEY, name text DEFAULT 'é')";
  const std::string orders = "CREATE TABLE orders (user_id int REFERENCES users (id));";
  EXPECT_EQ(script.sql(), preamble + users + ";\n" + orders + "\n");
  ASSERT_EQ(script.segments().size(), 2u);
  EXPECT_EQ(script.segments()[0].offset, preamble.size());

  EXPECT_FALSE(script.Locate(0).has_value());
  auto at_users = script.Locate(preamble.size() + 13);
  ASSERT_TRUE(at_users.has_value());
  EXPECT_EQ(at_users->ToString(), "db/schema/b.sql:1:14");
  size_t orders_at = script.sql().find("orders");
  auto at_orders = script.Locate(orders_at);
  ASSERT_TRUE(at_orders.has_value());
  EXPECT_EQ(at_orders->ToString(), "db/schema/a.sql:2:14");
  // The appended ';' is not the user's.
  EXPECT_FALSE(script.Locate(preamble.size() + users.size()).has_value());

  // PostgreSQL counts characters: 'é' is one, so positions after it are one less than bytes.
  size_t byte = script.sql().find("orders");
  int chars = static_cast<int>(byte) - 1 + 1;  // one 2-byte character before it, 1-based
  auto pg = script.LocatePosition(chars);
  ASSERT_TRUE(pg.has_value());
  EXPECT_EQ(pg->ToString(), "db/schema/a.sql:2:14");
  EXPECT_FALSE(script.LocatePosition(0).has_value());
  EXPECT_FALSE(script.LocatePosition(1 << 20).has_value());
}

TEST(LoadScriptTest, FollowsEachFilesSearchPath) {
  Model m = Build({
      {"db/schema/a.sql", "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE t (id int);\n"},
      {"db/schema/b.sql",
       "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.u (id "
       "int);\n"},
  });
  EXPECT_NE(m.Find(Key("table", "app", "t")), nullptr);
  LoadScript script(m);
  EXPECT_EQ(script.sql(),
            "SET check_function_bodies = false;\nSET search_path = \"public\";\n"
            "CREATE SCHEMA app;\n"
            "SET search_path = \"app\";\nCREATE TABLE t (id int);\n"
            "SET search_path = '';\nCREATE TABLE public.u (id int);\n");
}

TEST(LoadScriptTest, AConcurrentIndexLoadsInsideTheScriptsTransaction) {
  Model m = Model::Parse(
      {{"db/schema/a.sql",
        "CREATE TABLE t (id int);\ncreate unique index concurrently t_id ON t (id);\n"}});
  LoadScript script(m);
  size_t at = script.sql().find("create unique index");
  ASSERT_NE(at, std::string::npos) << script.sql();
  EXPECT_EQ(script.sql().substr(at, 40), "create unique index              t_id ON");
  // Offsets still map to the file: "t_id" is at line 2, column 34.
  auto where = script.Locate(at + 34);
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->ToString(), "db/schema/a.sql:2:35");
}

}  // namespace
}  // namespace pgstate::schema
