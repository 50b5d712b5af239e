#include "merge/schema_merge.h"

#include <gtest/gtest.h>
#include <map>
#include <optional>

#include "git/merge_file.h"
#include "merge_testing.h"

namespace pgstate::merge {
namespace {

using testing::CheckedMerge;
using testing::TestOptions;

constexpr const char* kUsers = R"sql(CREATE TABLE users (
    id integer NOT NULL,
    email text
);

CREATE INDEX users_email_idx ON users USING btree (email);
)sql";

TEST(SchemaMergeTest, BothSidesAppendAColumn) {
  std::string ours = R"sql(CREATE TABLE users (
    id integer NOT NULL,
    email text,
    name text
);

CREATE INDEX users_email_idx ON users USING btree (email);
)sql";
  std::string theirs = R"sql(CREATE TABLE users (
    id integer NOT NULL,
    email text,
    age integer
);

CREATE INDEX users_email_idx ON users USING btree (email);
)sql";
  // git's text merge conflicts here: both sides move the last comma.
  auto text = git::MergeFile(kUsers, ours, theirs, {});
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->conflicted());

  MergeResult r = CheckedMerge(kUsers, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_FALSE(r.textual);
  EXPECT_EQ(r.text, R"sql(CREATE TABLE users (
    id integer NOT NULL,
    email text,
    name text,
    age integer
);

CREATE INDEX users_email_idx ON users USING btree (email);
)sql");
}

TEST(SchemaMergeTest, BothSidesAddATableAtTheEnd) {
  std::string ours = std::string(kUsers) + "\nCREATE TABLE a (id integer);\n";
  std::string theirs = std::string(kUsers) + "\nCREATE TABLE b (id integer);\n";
  MergeResult r = CheckedMerge(kUsers, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, std::string(kUsers) +
                        "\nCREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n");
}

TEST(SchemaMergeTest, TheirsAdditionLandsAfterItsNeighbour) {
  std::string base = "CREATE TABLE a (id integer);\n\nCREATE TABLE c (id integer);\n";
  std::string ours =
      "CREATE TABLE a (id integer);\n\nCREATE TABLE c (id integer);\n\n"
      "CREATE TABLE d (id integer);\n";
  std::string theirs =
      "CREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n\n"
      "CREATE TABLE c (id integer);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "CREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n\n"
            "CREATE TABLE c (id integer);\n\nCREATE TABLE d (id integer);\n");
}

TEST(SchemaMergeTest, ChangedDifferentlyConflictsAroundThatObjectOnly) {
  std::string base =
      "CREATE TABLE a (id integer);\n\nCREATE VIEW v AS SELECT 1 AS x;\n\n"
      "CREATE TABLE z (id integer);\n";
  std::string ours =
      "CREATE TABLE a (id integer);\n\nCREATE VIEW v AS SELECT 2 AS x;\n\n"
      "CREATE TABLE z (id integer);\n\nCREATE TABLE o (id integer);\n";
  std::string theirs =
      "CREATE TABLE a (id bigint);\n\nCREATE VIEW v AS SELECT 3 AS x;\n\n"
      "CREATE TABLE z (id integer);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(r.text,
            "CREATE TABLE a (id bigint);\n\n"
            "<<<<<<< ours\n"
            "CREATE VIEW v AS SELECT 2 AS x;\n"
            "=======\n"
            "CREATE VIEW v AS SELECT 3 AS x;\n"
            ">>>>>>> theirs\n"
            "\nCREATE TABLE z (id integer);\n\nCREATE TABLE o (id integer);\n");
}

TEST(SchemaMergeTest, Diff3StyleShowsTheBase) {
  std::string base = "CREATE VIEW v AS SELECT 1 AS x;\n";
  std::string ours = "CREATE VIEW v AS SELECT 2 AS x;\n";
  std::string theirs = "CREATE VIEW v AS SELECT 3 AS x;\n";
  MergeOptions o = TestOptions(git::ConflictStyle::kDiff3);
  o.text.marker_size = 9;
  o.text.ours_label = "HEAD";
  o.text.theirs_label = "feature";
  o.text.ancestor_label = "merged common ancestors";
  MergeResult r = CheckedMerge(base, ours, theirs, o);
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(r.text,
            "<<<<<<<<< HEAD\n"
            "CREATE VIEW v AS SELECT 2 AS x;\n"
            "||||||||| merged common ancestors\n"
            "CREATE VIEW v AS SELECT 1 AS x;\n"
            "=========\n"
            "CREATE VIEW v AS SELECT 3 AS x;\n"
            ">>>>>>>>> feature\n");
}

TEST(SchemaMergeTest, DeletedAgainstChangedConflicts) {
  std::string base = "CREATE TABLE a (id integer);\n\nCREATE VIEW v AS SELECT 1 AS x;\n";
  std::string ours = "CREATE TABLE a (id integer);\n";
  std::string theirs = "CREATE TABLE a (id integer);\n\nCREATE VIEW v AS SELECT 3 AS x;\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_NE(r.text.find("<<<<<<< ours\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("CREATE VIEW v AS SELECT 3 AS x;\n>>>>>>> theirs\n"), std::string::npos)
      << r.text;
}

TEST(SchemaMergeTest, DeletedAgainstUntouchedIsDeleted) {
  std::string base = "CREATE TABLE a (id integer);\n\nCREATE VIEW v AS SELECT 1 AS x;\n";
  std::string ours = "CREATE TABLE a (id integer);\n";
  std::string theirs = "CREATE TABLE a (id bigint);\n\nCREATE VIEW v AS SELECT 1 AS x;\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, "CREATE TABLE a (id bigint);\n");
}

TEST(SchemaMergeTest, AddedAlikeAppearsOnceAddedDifferentlyConflicts) {
  std::string base = "CREATE TABLE a (id integer);\n";
  std::string alike = base + "\nCREATE INDEX a_id ON a (id);\n";
  MergeResult once = CheckedMerge(base, alike, alike + "\n", TestOptions());
  EXPECT_EQ(once.conflicts, 0);
  EXPECT_EQ(once.text.find("CREATE INDEX"), once.text.rfind("CREATE INDEX")) << once.text;

  std::string differently = base + "\nCREATE UNIQUE INDEX a_id ON a (id);\n";
  MergeResult r = CheckedMerge(base, alike, differently, TestOptions());
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_NE(r.text.find("<<<<<<< ours\nCREATE INDEX a_id ON a (id);\n=======\n"
                        "CREATE UNIQUE INDEX a_id ON a (id);\n>>>>>>> theirs\n"),
            std::string::npos)
      << r.text;
}

TEST(SchemaMergeTest, ChangedAlikeOnBothSidesAppearsOnce) {
  std::string base = "CREATE TABLE a (id integer);\n";
  std::string ours = "CREATE TABLE a (id bigint);\n";
  std::string theirs = "create table a (\n  id BIGINT\n);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, ours);
}

TEST(SchemaMergeTest, CommentOnlyChangesDoNotConflict) {
  std::string base =
      "--\n-- Name: a; Type: TABLE; Schema: public; Owner: -\n--\n\n"
      "CREATE TABLE public.a (id integer);\n";
  std::string ours =
      "--\n-- TOC entry 201 (class 1259 OID 16386)\n"
      "-- Name: a; Type: TABLE; Schema: public; Owner: -\n--\n\n"
      "CREATE TABLE public.a (id integer);\n";
  std::string theirs =
      "--\n-- Name: a; Type: TABLE; Schema: public; Owner: app\n--\n\n"
      "CREATE TABLE public.a (id integer);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, ours);  // both changed only comments: ours'
  MergeResult t = CheckedMerge(base, base, theirs, TestOptions());
  EXPECT_EQ(t.text, theirs);  // only theirs changed them: theirs'
}

TEST(SchemaMergeTest, RailsSchemaMigrationsRowsMergeAsASortedSet) {
  std::string base =
      "CREATE TABLE a (id integer);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n"
      "('20240101000000'),\n('20240102000000');\n\n\n";
  std::string ours =
      "CREATE TABLE a (id integer);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n"
      "('20240101000000'),\n('20240102000000'),\n('20240105000000');\n\n\n";
  std::string theirs =
      "CREATE TABLE a (id integer);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n"
      "('20240101000000'),\n('20240102000000'),\n('20240103000000'),\n('20240104000000');\n\n\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "CREATE TABLE a (id integer);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n"
            "('20240101000000'),\n('20240102000000'),\n('20240103000000'),\n"
            "('20240104000000'),\n('20240105000000');\n\n\n");
}

TEST(SchemaMergeTest, OneInsertPerRowMergesInOrder) {
  std::string base =
      "INSERT INTO schema_migrations (version) VALUES ('1001');\n\n"
      "INSERT INTO schema_migrations (version) VALUES ('1002');";
  std::string ours = base + "\n\nINSERT INTO schema_migrations (version) VALUES ('1004');";
  std::string theirs = base + "\n\nINSERT INTO schema_migrations (version) VALUES ('1003');";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, base +
                        "\n\nINSERT INTO schema_migrations (version) VALUES ('1003');"
                        "\n\nINSERT INTO schema_migrations (version) VALUES ('1004');");
}

TEST(SchemaMergeTest, RowsAddedOneByOneJoinTheOtherSidesNewList) {
  std::string base =
      "INSERT INTO schema_migrations (version) VALUES ('1001');\n\n"
      "INSERT INTO schema_migrations (version) VALUES ('1002');\n\n";
  // Both sides ran migration 1003: it is in the result once.
  std::string ours = base +
                     "INSERT INTO schema_migrations (version) VALUES ('1003');\n\n"
                     "INSERT INTO schema_migrations (version) VALUES ('1004');\n\n";
  std::string theirs =
      "INSERT INTO \"schema_migrations\" (version) VALUES\n('1001'),\n('1002'),\n('1003');\n\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "INSERT INTO \"schema_migrations\" (version) VALUES\n('1001'),\n('1002'),\n"
            "('1003'),\n('1004');\n\n");
}

TEST(SchemaMergeTest, EnumLabelsAddedOnBothSides) {
  std::string base = "CREATE TYPE mood AS ENUM ('sad', 'ok');\n";
  std::string ours = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n";
  std::string theirs = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'angry');\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'angry');\n");
}

// The migrations that add what both sides added: their versions order the additions.
MergeOptions WithVersions(std::map<std::string, std::string> ours,
                          std::map<std::string, std::string> theirs) {
  MergeOptions o = TestOptions();
  o.addition_version = [ours, theirs](MergeSide side,
                                      const std::string& key) -> std::optional<std::string> {
    const auto& m = side == MergeSide::kOurs ? ours : theirs;
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
  return o;
}

TEST(SchemaMergeTest, ColumnsBothSidesAppendGoInTheOrderOfTheirMigrations) {
  std::string base =
      "CREATE TABLE t (\n    id integer,\n    CONSTRAINT t_pk PRIMARY KEY (id)\n);\n";
  std::string ours =
      "CREATE TABLE t (\n    id integer,\n    note_b text,\n    CONSTRAINT t_pk PRIMARY KEY "
      "(id)\n);\n";
  std::string theirs =
      "CREATE TABLE t (\n    id integer,\n    note_a text,\n    more_a text,\n"
      "    CONSTRAINT t_pk PRIMARY KEY (id)\n);\n";
  // Without versions: ours' additions, then theirs'.
  EXPECT_EQ(
      CheckedMerge(base, ours, theirs, TestOptions()).text,
      "CREATE TABLE t (\n    id integer,\n    note_b text,\n    note_a text,\n    more_a text,\n"
      "    CONSTRAINT t_pk PRIMARY KEY (id)\n);\n");
  // Theirs' migration runs first: its columns come first, whichever side is ours.
  MergeOptions o = WithVersions(
      {{"column public.t.note_b", "20240103000000"}},
      {{"column public.t.note_a", "20240102000000"}, {"column public.t.more_a", "20240104000000"}});
  MergeResult r = CheckedMerge(base, ours, theirs, o);
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(
      r.text,
      "CREATE TABLE t (\n    id integer,\n    note_a text,\n    note_b text,\n    more_a text,\n"
      "    CONSTRAINT t_pk PRIMARY KEY (id)\n);\n");
  MergeOptions swapped = WithVersions(
      {{"column public.t.note_a", "20240102000000"}, {"column public.t.more_a", "20240104000000"}},
      {{"column public.t.note_b", "20240103000000"}});
  EXPECT_EQ(CheckedMerge(base, theirs, ours, swapped).text, r.text);

  // A column no migration adds yet goes after the others: the migration planned after the
  // merge will add it last.
  MergeOptions unplanned = WithVersions({}, {{"column public.t.note_a", "20240102000000"},
                                             {"column public.t.more_a", "20240104000000"}});
  EXPECT_EQ(
      CheckedMerge(base, ours, theirs, unplanned).text,
      "CREATE TABLE t (\n    id integer,\n    note_a text,\n    more_a text,\n    note_b text,\n"
      "    CONSTRAINT t_pk PRIMARY KEY (id)\n);\n");
}

TEST(SchemaMergeTest, EnumLabelsBothSidesAddGoInTheOrderOfTheirMigrations) {
  std::string base = "CREATE TYPE mood AS ENUM ('sad', 'ok');\n";
  std::string ours = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n";
  std::string theirs = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'angry');\n";
  MergeOptions o = WithVersions({{"label public.mood.happy", "20240105000000"}},
                                {{"label public.mood.angry", "20240101000000"}});
  MergeResult r = CheckedMerge(base, ours, theirs, o);
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'angry', 'happy');\n");
}

TEST(SchemaMergeTest, AColumnAddedByOneSideAloneKeepsItsPlace) {
  // Only theirs adds at this place (ours adds elsewhere): nothing to order, even though the
  // versions would say otherwise.
  std::string base = "CREATE TABLE t (\n    id integer,\n    b text\n);\n";
  std::string ours = "CREATE TABLE t (\n    id integer,\n    b text,\n    c text\n);\n";
  std::string theirs = "CREATE TABLE t (\n    id integer,\n    a text,\n    b text\n);\n";
  MergeOptions o = WithVersions({{"column public.t.c", "20240101000000"}},
                                {{"column public.t.a", "20240102000000"}});
  EXPECT_EQ(CheckedMerge(base, ours, theirs, o).text,
            "CREATE TABLE t (\n    id integer,\n    a text,\n    b text,\n    c text\n);\n");
}

TEST(SchemaMergeTest, ColumnRenamedDifferentlyOnBothSidesConflicts) {
  std::string base = "CREATE TABLE t (\n    id integer,\n    lastupdate timestamp\n);\n";
  std::string ours = "CREATE TABLE t (\n    id integer,\n    last_update timestamp\n);\n";
  std::string theirs = "CREATE TABLE t (\n    id integer,\n    last_updated timestamp\n);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 1) << r.text;
}

TEST(SchemaMergeTest, ColumnChangedOnOneSideAndAddedOnTheOther) {
  std::string base = "CREATE TABLE t (\n    id integer,\n    -- the name\n    name text\n);\n";
  std::string ours =
      "CREATE TABLE t (\n    id bigint,\n    -- the name\n    name text,\n    x int\n);\n";
  std::string theirs =
      "CREATE TABLE t (\n    id integer,\n    -- the name\n    name text NOT NULL,\n"
      "    y int -- why\n);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "CREATE TABLE t (\n    id bigint,\n    -- the name\n    name text NOT NULL,\n"
            "    x int,\n    y int -- why\n);\n");
}

TEST(SchemaMergeTest, RepeatedSettingsNeitherDuplicateNorVanish) {
  std::string base =
      "SET default_tablespace = '';\n\nCREATE TABLE a (id integer);\n\n"
      "SET default_tablespace = '';\n\nCREATE TABLE b (id integer);\n";
  std::string ours = base + "\nSET default_tablespace = '';\n\nCREATE TABLE c (id integer);\n";
  std::string theirs =
      "SET default_tablespace = '';\n\nCREATE TABLE a (id integer);\n\n"
      "SET default_tablespace = '';\n\nCREATE TABLE x (id integer);\n\n"
      "SET default_tablespace = '';\n\nCREATE TABLE b (id integer);\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "SET default_tablespace = '';\n\nCREATE TABLE a (id integer);\n\n"
            "SET default_tablespace = '';\n\nCREATE TABLE x (id integer);\n\n"
            "SET default_tablespace = '';\n\nCREATE TABLE b (id integer);\n\n"
            "SET default_tablespace = '';\n\nCREATE TABLE c (id integer);\n");
}

TEST(SchemaMergeTest, RestrictKeysNeverConflict) {
  std::string base = "\\restrict AAA\n\nCREATE TABLE a (id integer);\n\n\\unrestrict AAA\n";
  std::string ours = "\\restrict BBB\n\nCREATE TABLE a (id bigint);\n\n\\unrestrict BBB\n";
  std::string theirs =
      "\\restrict CCC\n\nCREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n\n"
      "\\unrestrict CCC\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "\\restrict BBB\n\nCREATE TABLE a (id bigint);\n\nCREATE TABLE b (id integer);\n\n"
            "\\unrestrict BBB\n");
}

TEST(SchemaMergeTest, FunctionChangedOnBothSidesInDifferentLinesMergesAsText) {
  std::string base =
      "CREATE FUNCTION f() RETURNS integer\n    LANGUAGE sql\n    AS $$\nSELECT 1\n"
      "+ 1\n+ 1\n+ 1\n$$;\n";
  std::string ours =
      "CREATE FUNCTION f() RETURNS integer\n    LANGUAGE sql\n    AS $$\nSELECT 2\n"
      "+ 1\n+ 1\n+ 1\n$$;\n";
  std::string theirs =
      "CREATE FUNCTION f() RETURNS integer\n    LANGUAGE sql\n    AS $$\nSELECT 1\n"
      "+ 1\n+ 1\n+ 3\n$$;\n";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "CREATE FUNCTION f() RETURNS integer\n    LANGUAGE sql\n    AS $$\nSELECT 2\n"
            "+ 1\n+ 1\n+ 3\n$$;\n");
}

TEST(SchemaMergeTest, SyntaxErrorFallsBackToGitsTextMergeWithOneWarning) {
  std::string base = "CREATE TABLE a (id integer);\n";
  std::string ours = "CREATE TABLE a (id integer);\n\nCREATE TABL b (id integer);\n";
  std::string theirs = "CREATE TABLE a (id integer);\n\nCREATE TABLE c (id integer);\n";
  MergeOptions o = TestOptions();
  o.path = "db/schema.sql";
  MergeResult r = CheckedMerge(base, ours, theirs, o);
  EXPECT_TRUE(r.textual);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "merged 'db/schema.sql' as text: ours does not parse: db/schema.sql:3:8: syntax "
            "error at or near \"TABL\"");
  auto git = git::MergeFile(base, ours, theirs, o.text);
  ASSERT_TRUE(git.ok());
  EXPECT_EQ(r.text, git->text);
  EXPECT_EQ(r.conflicts, git->conflicts);
}

TEST(SchemaMergeTest, TextOnlyIsGitsTextMerge) {
  std::string ours = std::string(kUsers) + "\nCREATE TABLE a (id integer);\n";
  std::string theirs = std::string(kUsers) + "\nCREATE TABLE b (id integer);\n";
  MergeOptions o = TestOptions();
  o.text_only = true;
  MergeResult r = CheckedMerge(kUsers, ours, theirs, o);
  EXPECT_TRUE(r.textual);
  EXPECT_TRUE(r.warnings.empty());
  auto git = git::MergeFile(kUsers, ours, theirs, o.text);
  ASSERT_TRUE(git.ok());
  EXPECT_EQ(r.text, git->text);
  EXPECT_EQ(r.conflicts, 1);
}

TEST(SchemaMergeTest, BothSidesAddTheWholeFile) {
  std::string ours = "CREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n";
  std::string theirs = "CREATE TABLE a (id integer);\n\nCREATE TABLE c (id integer);\n";
  MergeResult r = CheckedMerge("", ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text,
            "CREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer);\n\n"
            "CREATE TABLE c (id integer);\n");
}

TEST(SchemaMergeTest, MissingFinalNewlineIsRepairedBetweenObjects) {
  std::string base = "CREATE TABLE a (id integer);";
  std::string ours = "CREATE TABLE a (id integer);\nCREATE TABLE b (id integer);";
  std::string theirs = "CREATE TABLE a (id bigint);";
  MergeResult r = CheckedMerge(base, ours, theirs, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(r.text, "CREATE TABLE a (id bigint);\nCREATE TABLE b (id integer);");
}

}  // namespace
}  // namespace pgstate::merge
