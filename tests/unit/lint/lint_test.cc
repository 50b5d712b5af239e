#include "lint/lint.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "lint/rules.h"

namespace pgstate::lint {
namespace {

// "file:line:col: severity: message [rule]", the first line of the human format.
std::vector<std::string> Lines(const std::vector<core::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const core::Diagnostic& d : ds) {
    out.push_back(d.location.ToString() + ": " + core::SeverityName(d.severity) + ": " + d.message +
                  " [" + d.rule + "]");
  }
  return out;
}

// Only the diagnostics of one rule.
std::vector<std::string> Of(const std::vector<core::Diagnostic>& ds, const std::string& rule) {
  std::vector<core::Diagnostic> keep;
  for (const core::Diagnostic& d : ds) {
    if (d.rule == rule) keep.push_back(d);
  }
  return Lines(keep);
}

std::vector<core::Diagnostic> Schema(std::vector<schema::FileText> files,
                                     LintOptions options = {}) {
  LintInput input;
  input.schema_files = std::move(files);
  return Lint(std::move(input), options);
}

std::vector<core::Diagnostic> Migrations(std::vector<schema::FileText> files,
                                         std::optional<std::string> baseline = std::nullopt,
                                         LintOptions options = {}) {
  LintInput input;
  input.migrations = std::move(files);
  if (baseline) input.baseline = schema::FileText{"db/baseline.sql", *baseline};
  return Lint(std::move(input), options);
}

// A migration file name for the tests.
std::string M(const std::string& version_suffix, const std::string& slug = "change") {
  return "db/migrations/20240101" + version_suffix + "_" + slug + ".sql";
}

TEST(RulesTest, IdsAreUniqueKebabCaseAndFindable) {
  std::set<std::string> seen;
  for (const Rule& r : Rules()) {
    std::string id = r.id;
    EXPECT_TRUE(seen.insert(id).second) << id;
    for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '-') << id;
    EXPECT_EQ(FindRule(id), &r);
    EXPECT_NE(std::string(r.summary), "");
  }
  EXPECT_EQ(FindRule("nope"), nullptr);
  EXPECT_EQ(FindRule("drop-table")->severity, core::Severity::kWarning);
  EXPECT_EQ(FindRule("syntax")->severity, core::Severity::kError);
}

TEST(SyntaxRuleTest, EveryErrorInEveryFileWithItsPosition) {
  auto ds = Schema({
      {"db/schema/users.sql", "CREATE TABLE users (id int);\nCREATE TABEL x (id int);\n"},
      {"db/schema/z.sql", "CREATE TABLE ok (id int);\nSELEC 1;\nCREATE TABLE y (a int,);\n"},
  });
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/schema/users.sql:2:8: error: syntax error at or near \"TABEL\" "
                           "[syntax]",
                           "db/schema/z.sql:2:1: error: syntax error at or near \"SELEC\" [syntax]",
                           "db/schema/z.sql:3:23: error: syntax error at or near \")\" [syntax]",
                       }));
}

TEST(SyntaxRuleTest, MigrationsBaselineAndOtherFilesToo) {
  LintInput input;
  input.baseline = schema::FileText{"db/baseline.sql", "CREATE TABLE t (id int;\n"};
  input.migrations = {{M("000000"), "ALTER TABLE t ADD COLUM x int;\n"}};
  input.other_files = {{"scripts/seed.sql", "INSERT INTO t VALUES (1;\n"}};
  auto ds = Lint(std::move(input), {});
  EXPECT_EQ(Of(ds, "syntax").size(), 3u);
}

TEST(SchemaRulesTest, NonDeclarativeStatements) {
  auto ds = Schema({{"db/schema/a.sql",
                     "CREATE TABLE t (id int, x int);\n"
                     "DROP TABLE old;\n"
                     "ALTER TABLE t DROP COLUMN x;\n"
                     "ALTER TABLE t RENAME TO t2;\n"
                     "DELETE FROM t;\n"
                     "TRUNCATE t;\n"
                     "UPDATE t SET x = 1;\n"
                     "ALTER TABLE t ALTER COLUMN x TYPE bigint;\n"}});
  std::vector<std::string> rules;
  EXPECT_EQ(Of(ds, "schema-drop"),
            (std::vector<std::string>{"db/schema/a.sql:2:1: error: 'DROP TABLE' does not belong "
                                      "in a desired-state file [schema-drop]"}));
  EXPECT_EQ(Of(ds, "schema-alter"),
            (std::vector<std::string>{
                "db/schema/a.sql:3:1: error: 'ALTER TABLE ... DROP COLUMN' does not belong in a "
                "desired-state file [schema-alter]",
                "db/schema/a.sql:4:1: error: 'ALTER TABLE ... RENAME' does not belong in a "
                "desired-state file [schema-alter]",
                "db/schema/a.sql:8:1: error: 'ALTER TABLE ... ALTER COLUMN ... TYPE' does not "
                "belong in a desired-state file [schema-alter]"}));
  EXPECT_EQ(Of(ds, "schema-data"),
            (std::vector<std::string>{
                "db/schema/a.sql:5:1: error: 'DELETE' does not belong in a desired-state file "
                "[schema-data]",
                "db/schema/a.sql:6:1: error: 'TRUNCATE' does not belong in a desired-state file "
                "[schema-data]",
                "db/schema/a.sql:7:1: error: 'UPDATE' does not belong in a desired-state file "
                "[schema-data]"}));
}

TEST(SchemaRulesTest, PgDumpShapesAreDeclarative) {
  auto ds = Schema({{"db/schema/structure.sql",
                     "SET statement_timeout = 0;\n"
                     "SELECT pg_catalog.set_config('search_path', '', false);\n"
                     "CREATE TABLE public.users (id integer NOT NULL, email text);\n"
                     "CREATE SEQUENCE public.users_id_seq AS integer START WITH 1;\n"
                     "ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;\n"
                     "ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT "
                     "nextval('public.users_id_seq'::regclass);\n"
                     "ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
                     "ALTER TABLE public.users OWNER TO app;\n"
                     "ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;\n"
                     "COMMENT ON TABLE public.users IS 'people';\n"
                     "GRANT SELECT ON TABLE public.users TO reader;\n"
                     "CREATE TABLE public.schema_migrations (version varchar NOT NULL);\n"
                     "INSERT INTO \"schema_migrations\" (version) VALUES ('1'), ('2');\n"}});
  EXPECT_EQ(Lines(ds), std::vector<std::string>{});
}

TEST(SchemaRulesTest, DuplicateNamesBothPlaces) {
  auto ds = Schema({
      {"db/schema/a.sql", "CREATE TABLE users (id int);\n"},
      {"db/schema/b.sql", "-- again\nCREATE TABLE users (id int);\n"},
  });
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(Lines(ds)[0],
            "db/schema/b.sql:2:1: error: table 'public.users' is defined twice; first at "
            "db/schema/a.sql:1:1 [duplicate-object]");
  ASSERT_EQ(ds[0].related.size(), 1u);
  EXPECT_EQ(ds[0].related[0].ToString(), "db/schema/a.sql:1:1");
}

TEST(SchemaRulesTest, DuplicateReportedInScopeWhenOnlyTheFirstIsNamed) {
  LintOptions options;
  options.in_scope = [](std::string_view p) { return p == "db/schema/a.sql"; };
  auto ds = Schema({{"db/schema/a.sql", "CREATE TABLE users (id int);\n"},
                    {"db/schema/b.sql", "CREATE TABLE users (id int);\n"}},
                   options);
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/schema/a.sql:1:1: error: table 'public.users' is defined again at "
                           "db/schema/b.sql:1:1 [duplicate-object]"}));
}

TEST(SchemaRulesTest, UnknownObjects) {
  auto ds = Schema({{"db/schema/a.sql",
                     "CREATE TABLE orders (id int, user_id int REFERENCES users (id));\n"
                     "CREATE INDEX customers_idx ON customers (id);\n"
                     "CREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION "
                     "touch();\n"}});
  EXPECT_EQ(Of(ds, "unknown-object"),
            (std::vector<std::string>{
                "db/schema/a.sql:1:53: error: table 'public.orders' references table "
                "'public.users', which no schema file defines [unknown-object]",
                "db/schema/a.sql:2:31: error: index 'public.customers_idx' references relation "
                "'public.customers', which no schema file defines [unknown-object]",
                "db/schema/a.sql:3:72: error: trigger 'public.orders.t' references function "
                "'public.touch()', which no schema file defines [unknown-object]"}));
  EXPECT_EQ(ds[0].hint, "define it in a schema file, or list it under check.external in .pgstate");
}

TEST(SchemaRulesTest, CrossFileReferencesResolve) {
  auto ds = Schema(
      {{"db/schema/orders.sql", "CREATE TABLE orders (user_id int REFERENCES users (id));\n"},
       {"db/schema/users.sql", "CREATE TABLE users (id int PRIMARY KEY);\n"}});
  EXPECT_EQ(Lines(ds), std::vector<std::string>{});
}

TEST(SchemaRulesTest, ExtensionAndExternalsProvide) {
  auto lenient = Schema({{"db/schema/a.sql",
                          "CREATE EXTENSION citext;\nCREATE TABLE t (e citext, "
                          "g int REFERENCES gone (id));\n"}});
  EXPECT_EQ(Of(lenient, "unknown-object").size(), 1u);  // the table, never the type
  LintOptions options;
  options.external_objects = {sql::ObjectKey{"table", "public", "gone"}};
  auto provided = Schema({{"db/schema/a.sql",
                           "CREATE EXTENSION citext;\nCREATE TABLE t (e citext, "
                           "g int REFERENCES gone (id));\n"}},
                         options);
  EXPECT_EQ(Lines(provided), std::vector<std::string>{});
}

TEST(SchemaRulesTest, DependencyCycle) {
  auto ds = Schema({{"db/schema/a.sql",
                     "CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b (id));\n"
                     "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));\n"}});
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/schema/a.sql:1:1: error: dependency cycle: table public.a -> "
                           "table public.b -> table public.a [dependency-cycle]"}));
  ASSERT_EQ(ds[0].related.size(), 1u);
  EXPECT_EQ(ds[0].related[0].ToString(), "db/schema/a.sql:2:1");
}

TEST(AllowTest, LeadingCommentSameLineAndSeveralIds) {
  auto ds = Schema({{"db/schema/a.sql",
                     "-- legacy cleanup\n-- pgstate:allow schema-drop\nDROP TABLE a;\n"
                     "DROP TABLE b; -- pgstate:allow schema-drop\n"
                     "/* pgstate:allow schema-data, schema-drop */ DELETE FROM c;\n"
                     "DROP TABLE d;\n"
                     "-- pgstate:allow drop-table\nDROP TABLE e;\n"}});
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/schema/a.sql:6:1: error: 'DROP TABLE' does not belong in a "
                           "desired-state file [schema-drop]",
                           "db/schema/a.sql:8:1: error: 'DROP TABLE' does not belong in a "
                           "desired-state file [schema-drop]"}));
}

TEST(AllowTest, ParsesIdsAndIgnoresLookalikes) {
  sql::SourceFile f = sql::SourceFile::Parse(
      "a.sql",
      "-- pgstate:allow drop-table,rename  set-not-null\n"
      "-- pgstate:allowed x\nSELECT 'pgstate:allow nope'; -- pgstate:allow\n");
  ASSERT_EQ(f.statements().size(), 1u);
  EXPECT_EQ(AllowedRules(f, f.statements()[0]),
            (std::vector<std::string>{"drop-table", "rename", "set-not-null"}));
}

TEST(AllowTest, UnknownRuleIsAWarning) {
  auto ds =
      Schema({{"db/schema/a.sql", "-- pgstate:allow drop-tabel\nCREATE TABLE t (id int);\n"}});
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/schema/a.sql:1:18: warning: '-- pgstate:allow' names unknown rule "
                           "'drop-tabel' [unknown-rule]"}));
}

TEST(DisableTest, DisabledRulesAreSilentAndUnknownIdsRejected) {
  LintOptions options;
  options.disabled_rules = {"schema-drop", "syntax"};
  auto ds =
      Schema({{"db/schema/a.sql",
               "DROP TABLE a;\nCREATE TABEL b ();\nDELETE FROM c;\nCREATE INDEX i ON gone (x);\n"}},
             options);
  EXPECT_EQ(Of(ds, "schema-data").size(), 1u);
  EXPECT_EQ(Of(ds, "unknown-object").size(), 1u);
  EXPECT_EQ(ds.size(), 2u);
  EXPECT_TRUE(ValidateDisabledRules({"drop-table", "rename"}).ok());
  auto bad = ValidateDisabledRules({"drop-table", "drop-tabel"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "'.pgstate': check.disable names unknown rule 'drop-tabel'");
  EXPECT_EQ(bad.error().code, core::kExitBadInput);
}

TEST(MigrationRulesTest, NamesVersionsAndBaseline) {
  auto ds = Migrations(
      {
          {"db/migrations/20240101000000_a.sql", "SELECT 1;\n"},
          {"db/migrations/20240101000000_b.sql", "SELECT 1;\n"},
          {"db/migrations/20230101000000_old.sql", "SELECT 1;\n"},
          {"db/migrations/2024_bad.sql", "SELECT 1;\n"},
          {"db/migrations/20240231000000_feb.sql", "SELECT 1;\n"},
      },
      "-- pgstate:baseline version=20231231000000\nCREATE TABLE t (id int);\n");
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20230101000000_old.sql: error: migration version '20230101000000' "
                "is not newer than the baseline's '20231231000000' "
                "[migration-older-than-baseline]",
                "db/migrations/20240101000000_b.sql: error: migration version '20240101000000' is "
                "also used by 'db/migrations/20240101000000_a.sql' [migration-duplicate-version]",
                "db/migrations/20240231000000_feb.sql: error: migration version '20240231000000' "
                "is not a valid date and time [migration-name]",
                "db/migrations/2024_bad.sql: error: migration name '2024_bad.sql' does not match "
                "<yyyymmddHHMMSS>_<slug>.sql [migration-name]"}));
  ASSERT_EQ(ds[1].related.size(), 1u);
  EXPECT_EQ(ds[1].related[0].file, "db/migrations/20240101000000_a.sql");
}

TEST(MigrationRulesTest, BaselineHeader) {
  auto ds = Migrations({}, "-- pgstate:baseline version=2023\nCREATE TABLE t (id int);\n");
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/baseline.sql:1:1: error: malformed baseline header '-- "
                           "pgstate:baseline version=2023' (expected '-- pgstate:baseline "
                           "version=<yyyymmddHHMMSS>') [baseline-header]"}));
  EXPECT_EQ(Lines(Migrations({{M("000000"), "SELECT 1;\n"}}, "CREATE TABLE t (id int);\n")),
            std::vector<std::string>{});
}

TEST(HazardTest, DropTableAndColumn) {
  auto ds = Migrations({{M("000000"),
                         "DROP TABLE users;\nALTER TABLE orders DROP COLUMN note;\n"
                         "CREATE TABLE tmp (id int);\nDROP TABLE tmp;\n"}});
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20240101000000_change.sql:1:1: warning: dropping table "
                "'public.users' deletes its data [drop-table]",
                "db/migrations/20240101000000_change.sql:2:1: warning: dropping column 'note' of "
                "'public.orders' deletes its data, and running code that still reads it fails "
                "[drop-column]"}));
  EXPECT_EQ(ds[0].hint, "first deploy code that no longer uses it; keep a backup");
}

TEST(HazardTest, AlterColumnTypeAndRename) {
  auto ds = Migrations({{M("000000"),
                         "ALTER TABLE t ALTER COLUMN a TYPE bigint;\n"
                         "ALTER TABLE t RENAME TO t2;\n"
                         "ALTER TABLE app.t RENAME COLUMN a TO b;\n"}});
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20240101000000_change.sql:1:1: warning: changing the type of column "
                "'a' of 'public.t' can rewrite the table and its indexes under an ACCESS EXCLUSIVE "
                "lock [alter-column-type]",
                "db/migrations/20240101000000_change.sql:2:1: warning: renaming table 'public.t' "
                "to 't2' breaks running code that still uses the old name [rename]",
                "db/migrations/20240101000000_change.sql:3:1: warning: renaming column 'a' of "
                "'app.t' to 'b' breaks running code that still uses the old name [rename]"}));
}

TEST(HazardTest, SetNotNullNeedsAValidatedCheckFirst) {
  auto plain = Migrations({{M("000000"), "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"}});
  EXPECT_EQ(Lines(plain), (std::vector<std::string>{
                              "db/migrations/20240101000000_change.sql:1:1: warning: SET NOT NULL "
                              "on column 'a' of 'public.t' scans the whole table under an ACCESS "
                              "EXCLUSIVE lock [set-not-null]"}));
  // Added NOT VALID in one migration, validated in the next, then SET NOT NULL: fine.
  auto staged = Migrations({
      {M("000000", "check"),
       "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"},
      {M("000100", "validate"), "ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n"},
      {M("000200", "not_null"), "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"},
  });
  EXPECT_EQ(Lines(staged), std::vector<std::string>{});
  // Not validated yet: still a hazard.
  auto unvalidated = Migrations({
      {M("000000", "check"),
       "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"},
      {M("000200", "not_null"), "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"},
  });
  EXPECT_EQ(Of(unvalidated, "set-not-null").size(), 1u);
  // A validated check in the baseline counts.
  auto from_baseline =
      Migrations({{M("000000"), "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"}},
                 "CREATE TABLE public.t (a int, CONSTRAINT a_nn CHECK (a IS NOT NULL));\n");
  EXPECT_EQ(Lines(from_baseline), std::vector<std::string>{});
}

TEST(HazardTest, IndexConcurrentlyAndTransactions) {
  auto ds = Migrations({
      {M("000000", "plain"),
       "CREATE INDEX t_a ON t (a);\nCREATE TABLE n (a int);\nCREATE INDEX n_a ON n (a);\n"
       "CREATE INDEX p_a ON ONLY parted (a);\n"},
      {M("000100", "concurrent_in_tx"), "CREATE INDEX CONCURRENTLY t_b ON t (b);\n"},
      {M("000200", "concurrent"),
       "-- pgstate:no-transaction\nCREATE INDEX CONCURRENTLY t_c ON t (c);\n"
       "DROP INDEX CONCURRENTLY t_a;\n"},
  });
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20240101000000_plain.sql:1:1: warning: creating an index on "
                "existing table 'public.t' blocks writes to it until the index is built "
                "[index-not-concurrently]",
                "db/migrations/20240101000100_concurrent_in_tx.sql:1:1: error: CREATE INDEX "
                "CONCURRENTLY cannot run inside a transaction block "
                "[concurrently-in-transaction]"}));
}

TEST(HazardTest, ConstraintsWithoutNotValid) {
  auto ds =
      Migrations({{M("000000"),
                   "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (u) REFERENCES u (id);\n"
                   "ALTER TABLE o ADD CONSTRAINT o_ck CHECK (n > 0);\n"
                   "ALTER TABLE o ADD CONSTRAINT o_fk2 FOREIGN KEY (u) REFERENCES u (id) "
                   "NOT VALID;\n"
                   "ALTER TABLE o ADD CONSTRAINT o_uq UNIQUE (n);\n"
                   "CREATE TABLE fresh (u int);\n"
                   "ALTER TABLE fresh ADD CONSTRAINT f_fk FOREIGN KEY (u) REFERENCES u (id);\n"}});
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20240101000000_change.sql:1:1: warning: adding foreign key 'o_fk' "
                "to existing table 'public.o' without NOT VALID scans the table while blocking "
                "writes [constraint-not-valid]",
                "db/migrations/20240101000000_change.sql:2:1: warning: adding check constraint "
                "'o_ck' to existing table 'public.o' without NOT VALID scans the table while "
                "blocking writes [constraint-not-valid]"}));
}

TEST(HazardTest, VolatileDefaults) {
  auto ds = Migrations({{M("000000"),
                         "ALTER TABLE t ADD COLUMN r float8 DEFAULT random();\n"
                         "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();\n"
                         "ALTER TABLE t ADD COLUMN u uuid NOT NULL DEFAULT gen_random_uuid();\n"
                         "ALTER TABLE t ADD COLUMN s bigserial;\n"
                         "ALTER TABLE t ADD COLUMN k int DEFAULT 0;\n"
                         "ALTER TABLE t ADD COLUMN ct timestamptz DEFAULT clock_timestamp();\n"}});
  EXPECT_EQ(Lines(ds),
            (std::vector<std::string>{
                "db/migrations/20240101000000_change.sql:1:1: warning: adding column 'r' with "
                "volatile default random() rewrites table 'public.t' under an ACCESS EXCLUSIVE "
                "lock [volatile-default]",
                "db/migrations/20240101000000_change.sql:3:1: warning: adding column 'u' with "
                "volatile default gen_random_uuid() rewrites table 'public.t' under an ACCESS "
                "EXCLUSIVE lock [volatile-default]",
                "db/migrations/20240101000000_change.sql:4:1: warning: adding column 's' with "
                "volatile default type bigserial (nextval) rewrites table 'public.t' under an "
                "ACCESS EXCLUSIVE lock [volatile-default]",
                "db/migrations/20240101000000_change.sql:6:1: warning: adding column 'ct' with "
                "volatile default clock_timestamp() rewrites table 'public.t' under an ACCESS "
                "EXCLUSIVE lock [volatile-default]"}));
}

TEST(HazardTest, AllowDisableAndDownSection) {
  LintOptions options;
  options.disabled_rules = {"rename"};
  auto ds = Migrations({{M("000000"),
                         "-- pgstate:allow drop-table\nDROP TABLE users;\n"
                         "ALTER TABLE t DROP COLUMN a; -- pgstate:allow drop-column\n"
                         "ALTER TABLE t RENAME TO t2;\n"
                         "ALTER TABLE t ALTER COLUMN b TYPE text;\n"
                         "-- pgstate:down\n"
                         "DROP TABLE t3;\nALTER TABLE t2 RENAME TO t;\n"}},
                       std::nullopt, options);
  EXPECT_EQ(Lines(ds), (std::vector<std::string>{
                           "db/migrations/20240101000000_change.sql:5:1: warning: changing the "
                           "type of column 'b' of 'public.t' can rewrite the table and its indexes "
                           "under an ACCESS EXCLUSIVE lock [alter-column-type]"}));
}

TEST(HazardTest, MigrationsAreNotDesiredState) {
  // DROP is normal in a migration, and references to objects elsewhere are not checked.
  auto ds = Migrations({{M("000000"),
                         "-- pgstate:allow drop-table\nDROP TABLE users;\n"
                         "CREATE TABLE x (u int REFERENCES nowhere (id));\n"}});
  EXPECT_EQ(Lines(ds), std::vector<std::string>{});
}

LintOptions TwoTeams(std::vector<std::string> billing_requires) {
  LintOptions options;
  options.modules = schema::Modules({
      config::Module{"accounts", "db/schema/accounts", "@core", {}, 2},
      config::Module{"billing", "db/schema/billing", "@payments", std::move(billing_requires), 5},
  });
  return options;
}

const std::vector<schema::FileText> kTwoTeams = {
    {"db/schema/accounts/users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"},
    {"db/schema/billing/invoices.sql",
     "CREATE TABLE invoices (\n  id bigint PRIMARY KEY,\n"
     "  user_id bigint REFERENCES users (id)\n);\n"},
    {"db/schema/shared.sql", "CREATE DOMAIN money_amount AS numeric(12, 2);\n"},
};

TEST(ModulesLintTest, AReferenceIntoAModuleNotRequiredNamesBothPlaces) {
  auto ds = Schema(kTwoTeams, TwoTeams({}));
  ASSERT_EQ(Of(ds, "module-boundary"),
            std::vector<std::string>{
                "db/schema/billing/invoices.sql:3:29: error: table 'public.invoices' in module "
                "'billing' references table 'public.users' of module 'accounts', which 'billing' "
                "does not require [module-boundary]"});
  for (const auto& d : ds) {
    if (d.rule != "module-boundary") continue;
    ASSERT_EQ(d.related.size(), 1u);
    EXPECT_EQ(d.related[0].ToString(), "db/schema/accounts/users.sql:1:1");
    EXPECT_NE(d.hint.find("requires = accounts"), std::string::npos) << d.hint;
  }
}

TEST(ModulesLintTest, RequiringTheModuleOrUsingTheRootIsFine) {
  EXPECT_TRUE(Of(Schema(kTwoTeams, TwoTeams({"accounts"})), "module-boundary").empty());
  auto files = kTwoTeams;
  files[0].text += "CREATE TABLE sessions (id bigint, amount money_amount);\n";
  EXPECT_TRUE(Of(Schema(files, TwoTeams({"accounts"})), "module-boundary").empty());
  // The root module uses no module.
  files[2].text += "CREATE VIEW all_users AS SELECT id FROM users;\n";
  EXPECT_EQ(Of(Schema(files, TwoTeams({"accounts"})), "module-boundary").size(), 1u);
}

TEST(ModulesLintTest, ModulesThatRequireEachOtherAreACycleAtPgstatesLines) {
  LintOptions options;
  options.modules = schema::Modules({
      config::Module{"a", "db/schema/a", "", {"b"}, 3},
      config::Module{"b", "db/schema/b", "", {"a"}, 7},
  });
  EXPECT_EQ(Of(Schema({}, options), "module-cycle"),
            std::vector<std::string>{".pgstate:3:1: error: modules require each other in a "
                                     "circle: a -> b -> a [module-cycle]"});
}

TEST(ModulesLintTest, AForwardReferenceAcrossModulesLoadsInDependencyOrder) {
  schema::ModelOptions options;
  options.modules = TwoTeams({"accounts"}).modules;
  // "billing" sorts before "accounts" by nothing but its rank: it requires accounts.
  schema::Model model =
      schema::Model::Parse({{"db/schema/billing/a.sql", "CREATE VIEW v AS SELECT id FROM users;\n"},
                            {"db/schema/accounts/z.sql", "CREATE TABLE users (id bigint);\n"}},
                           options);
  EXPECT_EQ(model.files()[0].path(), "db/schema/accounts/z.sql");
  ASSERT_EQ(model.LoadOrder().size(), 2u);
  EXPECT_EQ(model.file_of(model.LoadOrder()[0]).path(), "db/schema/accounts/z.sql");
}

}  // namespace
}  // namespace pgstate::lint
