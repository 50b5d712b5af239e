#include "db/catalog_diff.h"

#include <gtest/gtest.h>

#include "db_test_support.h"

namespace pgstate::db {
namespace {

class CatalogDiffTest : public testing::ClusterTest {
 protected:
  Catalog Load(const std::string& sql) {
    Connection conn = Database(sql);
    core::Result<Catalog> catalog = Introspect(conn);
    EXPECT_TRUE(catalog.ok()) << catalog.error().message;
    return catalog.ok() ? std::move(*catalog) : Catalog{};
  }
};

// "kind key" lines, the shape tests compare.
std::vector<std::string> Lines(const std::vector<Difference>& diffs) {
  std::vector<std::string> out;
  for (const Difference& d : diffs)
    out.push_back(std::string(DifferenceKindName(d.kind)) + ": " + d.key);
  return out;
}

TEST_F(CatalogDiffTest, SameSchemaInAnotherStatementOrderHasNoDifferences) {
  const char* in_order = R"sql(
    CREATE SCHEMA app;
    CREATE TYPE app.status AS ENUM ('new', 'done');
    CREATE TABLE app.users (id int PRIMARY KEY, email text NOT NULL);
    CREATE TABLE app.tasks (id int PRIMARY KEY, user_id int REFERENCES app.users, status app.status DEFAULT 'new');
    CREATE INDEX tasks_user_idx ON app.tasks (user_id);
    CREATE FUNCTION app.open_tasks(u int) RETURNS bigint LANGUAGE sql STABLE
      AS 'SELECT count(*) FROM app.tasks WHERE user_id = u AND status = ''new''';
    CREATE VIEW app.busy AS SELECT u.id FROM app.users u WHERE app.open_tasks(u.id) > 3;
    COMMENT ON TABLE app.tasks IS 'work';
    CREATE SEQUENCE app.ticket;
  )sql";
  const char* shuffled = R"sql(
    CREATE SCHEMA app;
    CREATE SEQUENCE app.ticket;
    CREATE TABLE app.users (id int, email text NOT NULL);
    CREATE TYPE app.status AS ENUM ('new', 'done');
    CREATE TABLE app.tasks (id int, user_id int, status app.status);
    ALTER TABLE app.tasks ALTER COLUMN status SET DEFAULT 'new';
    COMMENT ON TABLE app.tasks IS 'work';
    ALTER TABLE app.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
    CREATE FUNCTION app.open_tasks(u int) RETURNS bigint LANGUAGE sql STABLE
      AS 'SELECT count(*) FROM app.tasks WHERE user_id = u AND status = ''new''';
    CREATE INDEX tasks_user_idx ON app.tasks (user_id);
    ALTER TABLE app.tasks ADD PRIMARY KEY (id);
    ALTER TABLE app.tasks ADD FOREIGN KEY (user_id) REFERENCES app.users;
    CREATE VIEW app.busy AS SELECT u.id FROM app.users u WHERE app.open_tasks(u.id) > 3;
  )sql";
  Catalog a = Load(in_order);
  Catalog b = Load(shuffled);
  std::vector<Difference> diffs = Compare(a, b);
  EXPECT_TRUE(diffs.empty()) << ::testing::PrintToString(Lines(diffs));
}

TEST_F(CatalogDiffTest, FindsEachKindOfDifference) {
  const char* base = R"sql(
    CREATE SCHEMA app;
    CREATE TYPE app.status AS ENUM ('new', 'done');
    CREATE TABLE app.users (id int PRIMARY KEY, email text, name text, age int CHECK (age > 0));
    CREATE INDEX users_email_idx ON app.users (email);
    CREATE SEQUENCE app.s;
    CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
    CREATE VIEW app.v AS SELECT id FROM app.users;
    CREATE FUNCTION app.tg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER t BEFORE INSERT ON app.users FOR EACH ROW EXECUTE FUNCTION app.tg();
    CREATE POLICY p ON app.users USING (true);
    COMMENT ON TABLE app.users IS 'people';
    GRANT SELECT ON app.users TO diff_reader;
    CREATE DOMAIN app.d AS int;
  )sql";
  const char* changed = R"sql(
    CREATE SCHEMA app;
    CREATE TYPE app.status AS ENUM ('new', 'doing', 'done');
    CREATE TABLE app.users (id int PRIMARY KEY, email varchar(200), name text NOT NULL,
                            nick text, age int CHECK (age >= 0));
    CREATE INDEX users_name_idx ON app.users (name);
    CREATE SEQUENCE app.s INCREMENT 2;
    CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 2';
    CREATE VIEW app.v AS SELECT id, name FROM app.users;
    CREATE FUNCTION app.tg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER t BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.tg();
    CREATE POLICY p ON app.users USING (false);
    COMMENT ON TABLE app.users IS 'humans';
    GRANT SELECT, INSERT ON app.users TO diff_reader;
    ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
  )sql";
  Admin("CREATE ROLE diff_reader");
  Catalog a = Load(base);
  Catalog b = Load(changed);
  std::vector<Difference> diffs = Compare(a, b);
  EXPECT_EQ(Lines(diffs), (std::vector<std::string>{
                              "different: column app.users.email",
                              "different: column app.users.name",
                              "only in b: column app.users.nick",
                              "different: comment on table app.users",
                              "different: constraint app.users.users_age_check",
                              "only in a: domain app.d",
                              "different: function app.f()",
                              "different: grant on table app.users to diff_reader",
                              "only in a: index app.users_email_idx",
                              "only in b: index app.users_name_idx",
                              "only in a: owner of domain app.d",
                              "different: policy app.users.p",
                              "different: sequence app.s",
                              "different: table app.users",
                              "different: trigger app.users.t",
                              "different: type app.status",
                              "different: view app.v",
                          }));
  // Both definitions are carried, the missing side empty.
  for (const Difference& d : diffs) {
    if (d.key == "column app.users.email") {
      EXPECT_EQ(d.a_definition, "email text");
      EXPECT_EQ(d.b_definition, "email character varying(200)");
    }
    if (d.key == "index app.users_email_idx") {
      EXPECT_TRUE(d.b_definition.empty());
    }
    if (d.key == "type app.status") {
      EXPECT_EQ(d.b_definition, "CREATE TYPE app.status AS ENUM ('new', 'doing', 'done')");
    }
  }
  // And the other way round, kinds swap.
  std::vector<Difference> back = Compare(b, a);
  ASSERT_EQ(back.size(), diffs.size());
  EXPECT_EQ(back[2].kind, Difference::Kind::kOnlyInA);
  EXPECT_EQ(back[2].key, "column app.users.nick");
}

TEST_F(CatalogDiffTest, ColumnOrderCountsUnlessIgnored) {
  // Desired state puts email second; the migration appended it.
  Catalog desired = Load("CREATE TABLE users (id int, email text, name text, extra int);");
  Catalog migrated = Load(
      "CREATE TABLE users (id int, name text, dropped int, extra int);"
      "ALTER TABLE users DROP COLUMN dropped;"
      "ALTER TABLE users ADD COLUMN email text;");
  std::vector<Difference> strict = Compare(desired, migrated);
  // One difference for the table, not one per moved column.
  EXPECT_EQ(Lines(strict), (std::vector<std::string>{"column order: table public.users"}));
  EXPECT_EQ(strict[0].a_columns, (std::vector<std::string>{"id", "email", "name", "extra"}));
  EXPECT_EQ(strict[0].b_columns, (std::vector<std::string>{"id", "name", "extra", "email"}));
  EXPECT_EQ(strict[0].a_definition, "id, email, name, extra");
  EXPECT_EQ(strict[0].b_definition, "id, name, extra, email");

  // The table's own difference comes first, then its column order.
  Catalog commented =
      Load("CREATE TABLE users (id int, name text, extra int, email text) WITH (fillfactor = 70);");
  EXPECT_EQ(Lines(Compare(desired, commented)),
            (std::vector<std::string>{"different: table public.users",
                                      "column order: table public.users"}));

  CompareOptions ignore;
  ignore.column_order = CompareOptions::ColumnOrder::kIgnore;
  EXPECT_TRUE(Compare(desired, migrated, ignore).empty());

  // A dropped column leaves a gap in attnum, not in positions: nothing to report.
  Catalog with_gap = Load(
      "CREATE TABLE users (id int, gone int, email text, name text, extra int);"
      "ALTER TABLE users DROP COLUMN gone;");
  EXPECT_TRUE(Compare(desired, with_gap).empty());

  // A column only one side has does not shift the others into differences.
  Catalog with_more =
      Load("CREATE TABLE users (id int, added int, email text, name text, extra int);");
  EXPECT_EQ(Lines(Compare(desired, with_more)),
            (std::vector<std::string>{"only in b: column public.users.added"}));
}

TEST_F(CatalogDiffTest, OwnersCanBeLeftOut) {
  Catalog a = Load("CREATE TABLE t (x int);");
  Admin("CREATE ROLE other_owner");
  Catalog b = Load("CREATE TABLE t (x int); ALTER TABLE t OWNER TO other_owner;");
  EXPECT_EQ(Lines(Compare(a, b)), (std::vector<std::string>{"different: owner of table public.t"}));
  CompareOptions options;
  options.owners = false;
  EXPECT_TRUE(Compare(a, b, options).empty());
}

}  // namespace
}  // namespace pgstate::db
