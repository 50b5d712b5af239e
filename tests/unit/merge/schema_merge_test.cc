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

namespace pgstate::merge {
namespace {

// A merge where `removing` takes something out of kDependencyBase and `adding` adds what uses
// it: in both directions a conflict around both, and a warning naming both.
struct DependencyCase {
  const char* name;
  const char* removing;  // kDependencyBase with something removed
  const char* adding;    // kDependencyBase with something added that uses it
  const char* warning;   // as "<remover> drops …; <adder> adds …, which uses it"
};

constexpr const char* kDependencyBase = R"sql(CREATE TYPE public.mood AS ENUM ('sad', 'ok');

CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;

CREATE TABLE public.gates (
    id bigint NOT NULL,
    feature_key character varying NOT NULL,
    flag boolean DEFAULT true NOT NULL
);

CREATE TABLE public.other (
    id bigint NOT NULL
);
)sql";

std::string Without(std::string text, const std::string& cut) {
  size_t at = text.find(cut);
  EXPECT_NE(at, std::string::npos) << cut;
  if (at != std::string::npos) text.erase(at, cut.size());
  return text;
}

void CheckDependency(const DependencyCase& c) {
  SCOPED_TRACE(c.name);
  for (bool removing_is_ours : {true, false}) {
    SCOPED_TRACE(removing_is_ours ? "removing side is ours" : "removing side is theirs");
    MergeOptions o = TestOptions();
    std::string ours = removing_is_ours ? c.removing : c.adding;
    std::string theirs = removing_is_ours ? c.adding : c.removing;
    MergeResult r = CheckedMerge(kDependencyBase, ours, theirs, o);
    EXPECT_GE(r.conflicts, 1) << r.text;
    std::string remover = removing_is_ours ? "ours" : "theirs";
    std::string adder = removing_is_ours ? "theirs" : "ours";
    std::string want = remover + " drops " + c.warning;
    size_t at = want.find("; ");
    want.replace(at, 2, "; " + adder + " ");
    EXPECT_EQ(r.warnings, std::vector<std::string>{want}) << r.text;
    // Both sides' text is in the conflict: nothing is lost whichever way it is resolved.
    EXPECT_NE(r.text.find("<<<<<<< ours"), std::string::npos) << r.text;
  }
}

TEST(DependencyMergeTest, DroppedTableAgainstWhatUsesIt) {
  std::string dropped = Without(kDependencyBase,
                                "CREATE TABLE public.gates (\n    id bigint NOT NULL,\n    "
                                "feature_key character varying NOT NULL,\n    flag boolean DEFAULT "
                                "true NOT NULL\n);\n\n");
  std::string base = kDependencyBase;
  struct {
    const char* name;
    std::string added;
    const char* warning;
  } cases[] = {
      {"index", "\nCREATE INDEX gates_key ON public.gates USING btree (feature_key);\n",
       "table public.gates; adds index public.gates_key, which uses it"},
      {"check", "\nALTER TABLE public.gates ADD CONSTRAINT gates_ck CHECK (id > 0);\n",
       "table public.gates; adds constraint public.gates.gates_ck, which uses it"},
      {"comment", "\nCOMMENT ON TABLE public.gates IS 'feature gates';\n",
       "table public.gates; adds comment on table public.gates, which uses it"},
      {"view", "\nCREATE VIEW public.v AS SELECT id FROM public.gates;\n",
       "table public.gates; adds view public.v, which uses it"},
      {"foreign key",
       "\nALTER TABLE public.other ADD CONSTRAINT other_fk FOREIGN KEY (id) REFERENCES "
       "public.gates (id);\n",
       "table public.gates; adds constraint public.other.other_fk, which uses it"},
      {"sequence owned by", "\nCREATE SEQUENCE public.s OWNED BY public.gates.id;\n",
       "table public.gates; adds sequence public.s, which uses it"},
      {"trigger",
       "\nCREATE TRIGGER t BEFORE UPDATE ON public.gates FOR EACH ROW EXECUTE FUNCTION "
       "public.touch();\n",
       "table public.gates; adds trigger public.gates.t, which uses it"},
      {"policy", "\nCREATE POLICY p ON public.gates USING (flag);\n",
       "table public.gates; adds policy public.gates.p, which uses it"},
  };
  for (const auto& c : cases) {
    std::string adding = base + c.added;
    CheckDependency({c.name, dropped.c_str(), adding.c_str(), c.warning});
  }
}

TEST(DependencyMergeTest, DroppedColumnAgainstWhatUsesIt) {
  std::string dropped = Without(kDependencyBase, ",\n    flag boolean DEFAULT true NOT NULL");
  std::string base = kDependencyBase;
  std::string inline_check = base;
  inline_check.replace(inline_check.find("flag boolean DEFAULT true NOT NULL"),
                       std::string("flag boolean DEFAULT true NOT NULL").size(),
                       "flag boolean DEFAULT true NOT NULL,\n    CONSTRAINT ck CHECK ((flag IS NOT "
                       "NULL))");
  CheckDependency({"inline check", dropped.c_str(), inline_check.c_str(),
                   "column public.gates.flag; changes table public.gates, which uses it"});
  struct {
    const char* name;
    std::string added;
    const char* warning;
  } cases[] = {
      {"index", "\nCREATE INDEX gates_flag ON public.gates USING btree (flag);\n",
       "column public.gates.flag; adds index public.gates_flag, which uses it"},
      {"comment", "\nCOMMENT ON COLUMN public.gates.flag IS 'on or off';\n",
       "column public.gates.flag; adds comment on column public.gates.flag, which uses it"},
      {"view", "\nCREATE VIEW public.v AS SELECT id, flag FROM public.gates;\n",
       "column public.gates.flag; adds view public.v, which uses it"},
      {"policy", "\nCREATE POLICY p ON public.gates USING (flag);\n",
       "column public.gates.flag; adds policy public.gates.p, which uses it"},
      {"trigger",
       "\nCREATE TRIGGER t BEFORE UPDATE OF flag ON public.gates FOR EACH ROW EXECUTE FUNCTION "
       "public.touch();\n",
       "column public.gates.flag; adds trigger public.gates.t, which uses it"},
  };
  for (const auto& c : cases) {
    std::string adding = base + c.added;
    CheckDependency({c.name, dropped.c_str(), adding.c_str(), c.warning});
  }
}

TEST(DependencyMergeTest, DroppedTypeAndFunctionAgainstWhatUsesThem) {
  std::string base = kDependencyBase;
  std::string no_type = Without(base, "CREATE TYPE public.mood AS ENUM ('sad', 'ok');\n\n");
  std::string uses_type = base + "\nALTER TABLE public.other ADD COLUMN m public.mood;\n";
  CheckDependency({"type", no_type.c_str(), uses_type.c_str(),
                   "type public.mood; adds column public.other.m, which uses it"});
  std::string no_function = Without(
      base,
      "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
      "END $$;\n\n");
  std::string uses_function =
      base +
      "\nCREATE TRIGGER t BEFORE UPDATE ON public.other FOR EACH ROW EXECUTE FUNCTION "
      "public.touch();\n";
  CheckDependency({"function", no_function.c_str(), uses_function.c_str(),
                   "function public.touch(); adds trigger public.other.t, which uses it"});
}

TEST(DependencyMergeTest, WhatMovedToAnotherFileIsNoRemoval) {
  std::string base = kDependencyBase;
  std::string dropped = Without(base, "CREATE TABLE public.other (\n    id bigint NOT NULL\n);\n");
  std::string adding = base + "\nCREATE INDEX other_id ON public.other USING btree (id);\n";
  MergeOptions o = TestOptions();
  o.defined_elsewhere = [](MergeSide side, const sql::ObjectKey& key) {
    return side == MergeSide::kOurs && key.ToString() == "table public.other";
  };
  MergeResult r = CheckedMerge(base, dropped, adding, o);
  EXPECT_EQ(r.conflicts, 0) << r.text;
  EXPECT_TRUE(r.warnings.empty());
  // Removed here and unrelated to the addition: a clean merge as before.
  std::string other_index = base + "\nCREATE INDEX gates_id ON public.gates USING btree (id);\n";
  EXPECT_EQ(CheckedMerge(base, dropped, other_index, TestOptions()).conflicts, 0);
}

}  // namespace
}  // namespace pgstate::merge

namespace pgstate::merge {
namespace {

TEST(CommentTravelTest, ACommentOneSideWritesBeforeAStatementTheOtherChangesIsKept) {
  std::string base = "CREATE TABLE a (id int);\n\nCREATE TABLE t (\n    id integer\n);\n";
  std::string commented =
      "CREATE TABLE a (id int);\n\n-- the t table\nCREATE TABLE t (\n    id integer\n);\n";
  std::string changed =
      "CREATE TABLE a (id int);\n\nCREATE TABLE t (\n    id integer,\n    x text\n);\n";
  std::string want =
      "CREATE TABLE a (id int);\n\n-- the t table\nCREATE TABLE t (\n    id integer,\n    x "
      "text\n);\n";
  EXPECT_EQ(CheckedMerge(base, commented, changed, TestOptions()).text, want);
  EXPECT_EQ(CheckedMerge(base, changed, commented, TestOptions()).text, want);
  // A comment inside the statement travels too.
  std::string inline_comment =
      "CREATE TABLE a (id int);\n\nCREATE TABLE t (\n    id integer -- the key\n);\n";
  MergeResult r = CheckedMerge(base, inline_comment, changed, TestOptions());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_NE(r.text.find("x text"), std::string::npos) << r.text;
}

}  // namespace
}  // namespace pgstate::merge
