#include "sql/canonical.h"

#include <gtest/gtest.h>
#include <pg_query/pg_query.pb-c.h>

#include <string>

#include "sql/line_index.h"
#include "sql/names.h"
#include "sql/source_file.h"

namespace pgstate::sql {
namespace {

uint64_t HashOf(const std::string& sql) {
  SourceFile f = SourceFile::Parse("h.sql", sql);
  EXPECT_TRUE(f.errors().empty()) << sql;
  EXPECT_EQ(f.statements().size(), 1u) << sql;
  return f.statements().empty() ? 0 : f.statements()[0].canonical;
}

TEST(CanonicalHashTest, IgnoresWhitespaceCommentsAndKeywordCase) {
  const char* same[] = {
      "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);",
      "create table users(id int primary key,email text not null);",
      "CREATE TABLE users (\n  id   integer PRIMARY KEY, -- the key\n  email text NOT NULL\n);",
      "/* x */ CREATE TABLE Users (ID INT4 /* y */ PRIMARY KEY, \"email\" TEXT NOT NULL)",
      "CREATE TABLE public_is_not_implied_here_but_case_is (id int);",
  };
  uint64_t base = HashOf(same[0]);
  EXPECT_NE(base, 0u);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(HashOf(same[i]), base) << same[i];
  EXPECT_NE(HashOf(same[4]), base);
}

TEST(CanonicalHashTest, ChangesWhenMeaningChanges) {
  uint64_t base = HashOf("CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);");
  const char* different[] = {
      "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);",
      "CREATE TABLE users (id int PRIMARY KEY, email text);",
      "CREATE TABLE users (email text NOT NULL, id int PRIMARY KEY);",
      "CREATE TABLE \"Users\" (id int PRIMARY KEY, email text NOT NULL);",
      "CREATE TABLE users (id int PRIMARY KEY, email varchar NOT NULL);",
      "CREATE TABLE app.users (id int PRIMARY KEY, email text NOT NULL);",
  };
  for (const char* sql : different) EXPECT_NE(HashOf(sql), base) << sql;
  // Values that differ only in sign or default-like values must not collide.
  EXPECT_NE(HashOf("SELECT -3;"), HashOf("SELECT 3;"));
  EXPECT_NE(HashOf("SELECT 0;"), HashOf("SELECT 1;"));
  EXPECT_NE(HashOf("SELECT '';"), HashOf("SELECT NULL;"));
  EXPECT_NE(HashOf("SELECT 'a';"), HashOf("SELECT 'b';"));
}

TEST(CanonicalHashTest, ElementsHashAlone) {
  SourceFile a = SourceFile::Parse("a.sql", "CREATE TABLE t (a int, b text);");
  SourceFile b = SourceFile::Parse("b.sql", "CREATE TABLE t (\n  b   TEXT,\n  a INTEGER\n);");
  ASSERT_EQ(a.statements()[0].elements.size(), 2u);
  ASSERT_EQ(b.statements()[0].elements.size(), 2u);
  EXPECT_EQ(a.statements()[0].elements[0].canonical, b.statements()[0].elements[1].canonical);
  EXPECT_EQ(a.statements()[0].elements[1].canonical, b.statements()[0].elements[0].canonical);
  EXPECT_NE(a.statements()[0].elements[0].canonical, a.statements()[0].elements[1].canonical);
  EXPECT_NE(a.statements()[0].canonical, b.statements()[0].canonical);
  // An element's hash is the hash of its node alone.
  const PgQuery__CreateStmt* cs = a.statements()[0].node->create_stmt;
  ASSERT_EQ(cs->n_table_elts, 2u);
  EXPECT_EQ(a.statements()[0].elements[0].canonical, CanonicalHash(cs->table_elts[0]));
  EXPECT_EQ(a.statements()[0].elements[1].canonical, CanonicalHash(cs->table_elts[1]));
  SourceFile rows =
      SourceFile::Parse("r.sql", "INSERT INTO schema_migrations (version) VALUES ('1'), ('2');");
  const Statement& r = rows.statements()[0];
  const PgQuery__SelectStmt* values = r.node->insert_stmt->select_stmt->select_stmt;
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[1].canonical, CanonicalHash(values->values_lists[1]));
}

TEST(CanonicalHashTest, CanBeLeftOutWithoutChangingTheRest) {
  const std::string sql =
      "CREATE TABLE t (a int REFERENCES u, b text);\nCREATE INDEX i ON t (b);\n"
      "INSERT INTO schema_migrations (version) VALUES ('1');\n"
      "CREATE TYPE mood AS ENUM ('sad', 'ok');";
  ParseOptions without;
  without.canonical_hashes = false;
  SourceFile a = SourceFile::Parse("a.sql", sql);
  SourceFile b = SourceFile::Parse("a.sql", sql, without);
  ASSERT_EQ(a.statements().size(), b.statements().size());
  for (size_t i = 0; i < a.statements().size(); ++i) {
    const Statement& x = a.statements()[i];
    const Statement& y = b.statements()[i];
    EXPECT_NE(x.canonical, 0u);
    EXPECT_EQ(y.canonical, 0u);
    EXPECT_EQ(x.key, y.key);
    EXPECT_EQ(x.references, y.references);
    ASSERT_EQ(x.elements.size(), y.elements.size());
    for (size_t e = 0; e < x.elements.size(); ++e) {
      EXPECT_EQ(x.elements[e].key, y.elements[e].key);
      EXPECT_EQ(x.elements[e].span.begin, y.elements[e].span.begin);
      EXPECT_EQ(y.elements[e].canonical, 0u);
    }
  }
}

TEST(CanonicalTextTest, DeparsesOneStatement) {
  SourceFile f = SourceFile::Parse("c.sql", "create   TABLE users(id integer primary key) ; -- x");
  ASSERT_EQ(f.statements().size(), 1u);
  EXPECT_EQ(CanonicalText(f.statements()[0]), "CREATE TABLE users (id int PRIMARY KEY)");
  SourceFile m = SourceFile::Parse("m.sql", "\\set x 1\n");
  EXPECT_EQ(CanonicalText(m.statements()[0]), "");
  EXPECT_EQ(m.statements()[0].canonical, 0u);
}

TEST(LineIndexTest, LocatesCharactersNotBytes) {
  std::string text = "ab\nçé x\n\nlast";
  LineIndex index(text);
  EXPECT_EQ(index.Locate(0, "f").ToString(), "f:1:1");
  EXPECT_EQ(index.Locate(3, "f").ToString(), "f:2:1");
  EXPECT_EQ(index.Locate(8, "f").ToString(), "f:2:4");  // after "çé " (5 bytes, 3 chars)
  EXPECT_EQ(index.Locate(10, "f").ToString(), "f:3:1");
  EXPECT_EQ(index.Locate(text.size(), "f").ToString(), "f:4:5");
  EXPECT_EQ(index.LineAt(5), "çé x");
  EXPECT_EQ(index.LineAt(10), "");
  EXPECT_EQ(index.AdvanceChars(3, 2), 7u);
  EXPECT_EQ(index.AdvanceChars(3, 100), text.size());
  EXPECT_EQ(index.line_count(), 4u);
}

TEST(NamesTest, MakeObjectNameTruncatesLikePostgres) {
  EXPECT_EQ(MakeObjectName("users", "email", "key"), "users_email_key");
  EXPECT_EQ(MakeObjectName("users", "", "pkey"), "users_pkey");
  std::string long_table(70, 'a');
  std::string name = MakeObjectName(long_table, "b", "idx");
  EXPECT_EQ(name, std::string(57, 'a') + "_b_idx");
  EXPECT_EQ(name.size(), 63u);
  // Never cuts a UTF-8 character in half.
  std::string umlauts;
  for (int i = 0; i < 40; ++i) umlauts += "ü";
  std::string u = MakeObjectName(umlauts, "", "key");
  EXPECT_LE(u.size(), 63u);
  EXPECT_EQ(u.substr(u.size() - 4), "_key");
  EXPECT_EQ(u.size() % 2, 0u);  // 29 two-byte characters + "_key"
}

TEST(NamesTest, BuiltinTypesAndColumnNames) {
  EXPECT_TRUE(IsBuiltinTypeName("int4"));
  EXPECT_TRUE(IsBuiltinTypeName("text"));
  EXPECT_TRUE(IsBuiltinTypeName("pg_lsn"));
  EXPECT_TRUE(IsBuiltinTypeName("bigserial"));
  EXPECT_FALSE(IsBuiltinTypeName("mood"));
  EXPECT_FALSE(IsBuiltinTypeName("citext"));  // an extension's type, not pg_catalog's
  std::vector<std::string> cols = {"a", "b", "a", "a"};
  MakeColumnNamesUnique(cols);
  EXPECT_EQ(cols, (std::vector<std::string>{"a", "b", "a1", "a2"}));
  EXPECT_EQ(NameAddition({"org_id", "email"}), "org_id_email");
}

}  // namespace
}  // namespace pgstate::sql
