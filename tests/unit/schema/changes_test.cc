#include "schema/changes.h"

#include <gtest/gtest.h>

#include "git/repository.h"
#include "unit/git/test_repo.h"

namespace pgstate::schema {
namespace {

using git::FileDiff;
using git::FileStatus;
using Lines = std::vector<std::string>;

FileDiff Modified(const std::string& path, const std::string& before, const std::string& after) {
  FileDiff d;
  d.status = FileStatus::kModified;
  d.old_path = d.new_path = path;
  d.old_content = before;
  d.new_content = after;
  return d;
}

FileDiff Added(const std::string& path, const std::string& content) {
  FileDiff d;
  d.status = FileStatus::kAdded;
  d.old_path = d.new_path = path;
  d.new_content = content;
  return d;
}

FileDiff Deleted(const std::string& path, const std::string& content) {
  FileDiff d;
  d.status = FileStatus::kDeleted;
  d.old_path = d.new_path = path;
  d.old_content = content;
  return d;
}

FileDiff Renamed(const std::string& from, const std::string& to, const std::string& before,
                 const std::string& after) {
  FileDiff d = Modified(from, before, after);
  d.status = FileStatus::kRenamed;
  d.new_path = to;
  d.similarity = 90;
  return d;
}

// "modified table public.users @db/schema/a.sql:3 [column email added]" — one line per change.
Lines Describe(const ChangeSet& set) {
  Lines out;
  for (const ObjectChange& o : set.objects) {
    std::string s = std::string(ChangeKindName(o.kind)) + " " + o.label + " @" + o.path() + ":" +
                    std::to_string(o.line());
    if (o.kind == ChangeKind::kMoved || o.moved) {
      s += " from " + o.old_path + ":" + std::to_string(o.old_line);
    }
    if (o.area != Area::kSchema) s += std::string(" (") + AreaName(o.area) + ")";
    for (const std::string& d : o.details) s += " [" + d + "]";
    out.push_back(s);
  }
  return out;
}

ChangeSet Detect(const std::vector<FileDiff>& diffs, bool show_all = false) {
  ChangeOptions options;
  options.show_all = show_all;
  auto set = DetectChanges(diffs, config::Config(), options, "main", "topic");
  EXPECT_TRUE(set.ok()) << set.error().ToString();
  return set.ok() ? std::move(*set) : ChangeSet();
}

const std::string kUsers =
    "CREATE TABLE users (\n"
    "  id bigint PRIMARY KEY,\n"
    "  email text NOT NULL,\n"
    "  total integer,\n"
    "  created_at timestamptz DEFAULT now()\n"
    ");\n";

TEST(DetectChanges, AddedRemovedAndModifiedWithTableDetails) {
  std::string before = kUsers +
                       "CREATE INDEX users_email_idx ON users (email);\n"
                       "CREATE VIEW active AS SELECT id FROM users;\n";
  std::string after =
      "CREATE TABLE users (\n"
      "  id bigint PRIMARY KEY,\n"
      "  email text,\n"
      "  total numeric(12,2),\n"
      "  created_at timestamptz DEFAULT clock_timestamp(),\n"
      "  name text,\n"
      "  CONSTRAINT users_email_key UNIQUE (email)\n"
      ");\n"
      "CREATE VIEW active AS SELECT id FROM users;\n"
      "CREATE SEQUENCE users_seq;\n";
  ChangeSet set = Detect({Modified("db/schema/users.sql", before, after)});
  EXPECT_EQ(Describe(set),
            (Lines{"modified table public.users @db/schema/users.sql:1 [column name added] "
                   "[constraint users_email_key added] [column email: NOT NULL dropped] "
                   "[column total: type changed from integer to numeric(12,2)] "
                   "[column created_at: default changed]",
                   "removed index public.users_email_idx @db/schema/users.sql:7",
                   "added sequence public.users_seq @db/schema/users.sql:10"}));
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.from_label, "main");
  ASSERT_EQ(set.files.size(), 1u);
  EXPECT_EQ(set.files[0].status, FileStatus::kModified);
}

TEST(DetectChanges, WhitespaceAndCommentEditsAreNotChanges) {
  std::string after =
      "-- the users\ncreate table USERS (\n  id   bigint primary key,\n  email text not null,\n"
      "  total integer,  -- cents\n  created_at timestamptz default now()\n);\n";
  ChangeSet set = Detect({Modified("db/schema/users.sql", kUsers, after)});
  EXPECT_TRUE(set.objects.empty()) << ::testing::PrintToString(Describe(set));
  EXPECT_TRUE(set.empty());
  ChangeSet all = Detect({Modified("db/schema/users.sql", kUsers, after)}, /*show_all=*/true);
  EXPECT_EQ(Describe(all), (Lines{"reformatted table public.users @db/schema/users.sql:2"}));
  EXPECT_FALSE(all.empty());
}

TEST(DetectChanges, StatementMovedToAnotherFile) {
  std::string index = "CREATE INDEX users_email_idx ON users (email);\n";
  ChangeSet set = Detect({Modified("db/schema/a.sql", kUsers + index, kUsers),
                          Modified("db/schema/b.sql", "CREATE TABLE b (id int);\n",
                                   "CREATE TABLE b (id int);\n" + index)});
  EXPECT_EQ(Describe(set), (Lines{"moved index public.users_email_idx @db/schema/b.sql:2 from "
                                  "db/schema/a.sql:7"}));
}

TEST(DetectChanges, MovedAndModifiedIsModified) {
  ChangeSet set =
      Detect({Deleted("db/schema/old.sql", "CREATE TABLE t (id int);\nCREATE TABLE u (id int);\n"),
              Added("db/schema/new.sql", "CREATE TABLE t (id bigint);\n"),
              Modified("db/schema/keep.sql", "CREATE TABLE k (id int);\n",
                       "CREATE TABLE k (id int);\nCREATE TABLE u (id int);\n")});
  EXPECT_EQ(Describe(set),
            (Lines{"moved table public.u @db/schema/keep.sql:2 from db/schema/old.sql:2",
                   "modified table public.t @db/schema/new.sql:1 from db/schema/old.sql:1 "
                   "[column id: type changed from int to bigint]"}));
}

TEST(DetectChanges, MoveWithinAFileIsOnlyTheMovedStatement) {
  std::string before =
      "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"
      "CREATE TABLE d (id int);\n";
  std::string after =
      "CREATE TABLE b (id int);\nCREATE TABLE c (id int);\nCREATE TABLE new (id int);\n"
      "CREATE TABLE a (id int);\nCREATE TABLE d (id int);\n";
  ChangeSet set = Detect({Modified("db/schema/x.sql", before, after)});
  EXPECT_EQ(Describe(set),
            (Lines{"added table public.new @db/schema/x.sql:3",
                   "moved table public.a @db/schema/x.sql:4 from db/schema/x.sql:1"}));
  // Inserting a statement moves nothing.
  ChangeSet insert =
      Detect({Modified("db/schema/x.sql", before, "CREATE TABLE z (id int);\n" + before)});
  EXPECT_EQ(Describe(insert), (Lines{"added table public.z @db/schema/x.sql:1"}));
}

TEST(DetectChanges, RenamedFileCarriesItsStatements) {
  ChangeSet same = Detect({Renamed("db/schema/a.sql", "db/schema/users.sql", kUsers, kUsers)});
  EXPECT_TRUE(same.objects.empty());
  EXPECT_FALSE(same.empty());  // the rename itself is a change
  ASSERT_EQ(same.files.size(), 1u);
  EXPECT_EQ(same.files[0].status, FileStatus::kRenamed);
  EXPECT_EQ(same.files[0].old_path, "db/schema/a.sql");

  ChangeSet edited = Detect(
      {Renamed("db/schema/a.sql", "db/schema/users.sql", kUsers + "CREATE TABLE x (id int);\n",
               kUsers + "CREATE TABLE x (id bigint);\n")});
  EXPECT_EQ(Describe(edited), (Lines{"modified table public.x @db/schema/users.sql:7 [column id: "
                                     "type changed from int to bigint]"}));
}

TEST(DetectChanges, BaselineIsItsOwnArea) {
  ChangeSet set =
      Detect({Modified("db/schema/a.sql", kUsers, ""), Modified("db/baseline.sql", "", kUsers)});
  EXPECT_EQ(Describe(set), (Lines{"added table public.users @db/baseline.sql:1 (baseline)",
                                  "removed table public.users @db/schema/a.sql:1"}));
}

TEST(DetectChanges, Migrations) {
  ChangeSet set = Detect({
      Added("db/migrations/20240201000000_add_name.sql", "ALTER TABLE users ADD name text;\n"),
      Deleted("db/migrations/20230101000000_old.sql", "SELECT 1;\n"),
      Modified("db/migrations/20240101000000_edit.sql", "SELECT 1;\n", "SELECT 2;\n"),
      Renamed("db/migrations/20240102000000_a.sql", "db/migrations/20240103000000_a.sql",
              "SELECT 3;\n", "SELECT 3;\n"),
      Added("db/migrations/README.md", "notes\n"),
      Added("src/app.sql", "CREATE TABLE app (id int);\n"),
  });
  EXPECT_TRUE(set.objects.empty());
  ASSERT_EQ(set.migrations.size(), 4u);
  const auto& m = set.migrations;
  EXPECT_EQ(m[0].kind, MigrationChangeKind::kRemoved);
  EXPECT_EQ(m[0].path(), "db/migrations/20230101000000_old.sql");
  EXPECT_FALSE(m[0].may_have_been_applied);
  EXPECT_EQ(m[1].kind, MigrationChangeKind::kEdited);
  EXPECT_TRUE(m[1].may_have_been_applied);
  EXPECT_EQ(m[1].version, "20240101000000");
  EXPECT_EQ(m[2].kind, MigrationChangeKind::kRenamed);
  EXPECT_EQ(m[2].old_path, "db/migrations/20240102000000_a.sql");
  EXPECT_EQ(m[2].version, "20240103000000");
  EXPECT_TRUE(m[2].may_have_been_applied);
  EXPECT_EQ(m[3].kind, MigrationChangeKind::kAdded);
  EXPECT_EQ(m[3].version, "20240201000000");
  EXPECT_FALSE(m[3].may_have_been_applied);
  EXPECT_EQ(set.NewMigrationCount(), 1u);
  EXPECT_EQ(set.files.size(), 4u);  // README.md and src/ are outside the configured paths
}

TEST(DetectChanges, SchemaFileMovedIntoMigrationsChangesArea) {
  ChangeSet set = Detect({Renamed("db/schema/x.sql", "db/migrations/20240101000000_x.sql",
                                  "CREATE TABLE x (id int);\n", "CREATE TABLE x (id int);\n")});
  EXPECT_EQ(Describe(set), (Lines{"removed table public.x @db/schema/x.sql:1"}));
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].kind, MigrationChangeKind::kAdded);
}

TEST(DetectChanges, BinaryFileIsAnErrorNamingIt) {
  FileDiff d = Added("db/schema/logo.sql", std::string("\x89PNG\0\0", 6));
  d.new_binary = true;
  auto set = DetectChanges({d}, config::Config(), {}, "main", "topic");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, core::kExitBadInput);
  EXPECT_EQ(set.error().ToString(), "'db/schema/logo.sql' is a binary file (in topic)");
}

TEST(DetectChanges, UnparsableFileIsAnErrorAtItsLocation) {
  auto set = DetectChanges({Modified("db/schema/bad.sql", kUsers,
                                     "CREATE TABLE ok (id int);\n\nCREATE TABL users (id int);\n")},
                           config::Config(), {}, "main", "the work tree");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, core::kExitBadInput);
  EXPECT_EQ(set.error().ToString(),
            "db/schema/bad.sql:3:8: cannot parse 'db/schema/bad.sql' (in the work tree): syntax "
            "error at or near \"TABL\"");
}

TEST(DetectChanges, SearchPathQualifiesNames) {
  ChangeOptions options;
  options.parse.search_path = {"app", "public"};
  auto set = DetectChanges({Added("db/schema/a.sql", "CREATE TABLE t (id int);\n")},
                           config::Config(), options);
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  EXPECT_EQ(Describe(*set), (Lines{"added table app.t @db/schema/a.sql:1"}));
}

TEST(ChangesInRange, ReadsARepository) {
  git::LibGit2Guard guard;
  testing::TestRepo repo;
  repo.Write("db/schema/users.sql", kUsers);
  repo.Write("db/schema/util.sql",
             "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1';\n");
  repo.Write("other/x.sql", "CREATE TABLE other (id int);\n");
  std::string a = repo.CommitAll("a");
  repo.Git("mv db/schema/util.sql db/schema/functions.sql");
  repo.Write("db/schema/users.sql", kUsers + "CREATE INDEX users_total_idx ON users (total);\n");
  repo.Write("other/x.sql", "CREATE TABLE other (id bigint);\n");
  repo.Write("db/migrations/20240101000000_idx.sql",
             "CREATE INDEX users_total_idx ON users (total);\n");
  std::string b = repo.CommitAll("b");

  auto opened = git::OpenRepository(repo.path());
  ASSERT_TRUE(opened.ok());
  auto range = git::ParseDiffRange(opened->get(), {a + ".." + b}, false, false);
  ASSERT_TRUE(range.ok()) << range.error().ToString();
  auto set = ChangesInRange(opened->get(), *range, config::Config(), {});
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  EXPECT_EQ(Describe(*set), (Lines{"added index public.users_total_idx @db/schema/users.sql:7"}));
  ASSERT_EQ(set->files.size(), 3u);
  EXPECT_EQ(set->files[0].path(), "db/migrations/20240101000000_idx.sql");
  EXPECT_EQ(set->files[1].status, FileStatus::kRenamed);
  EXPECT_EQ(set->files[1].path(), "db/schema/functions.sql");
  ASSERT_EQ(set->migrations.size(), 1u);
  EXPECT_EQ(set->from_label, a);
  EXPECT_EQ(set->to_label, b);
}

TEST(DetectChanges, NamesTheModulesAndOwnersAChangeTouches) {
  config::Config config;
  config.modules = {{"accounts", "db/schema/accounts", "@core", {}, 1},
                    {"billing", "db/schema/billing", "@payments", {"accounts"}, 4}};
  ChangeOptions options;
  auto set =
      DetectChanges({Added("db/schema/billing/invoices.sql", "CREATE TABLE invoices (id int);\n"),
                     Renamed("db/schema/accounts/users.sql", "db/schema/billing/users.sql",
                             "CREATE TABLE users (id int);\n", "CREATE TABLE users (id int);\n"),
                     Added("db/schema/shared.sql", "CREATE SCHEMA app;\n")},
                    config, options);
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  ASSERT_EQ(set->modules.size(), 3u);
  EXPECT_EQ(set->modules[0].name, "(root)");
  EXPECT_EQ(set->modules[1].name, "accounts");
  EXPECT_EQ(set->modules[1].owner, "@core");
  EXPECT_EQ(set->modules[1].count, 0u);  // only its file moved away
  EXPECT_EQ(set->modules[2].name, "billing");
  EXPECT_EQ(set->modules[2].count, 1u);
  EXPECT_TRUE(Detect({Added("db/schema/a.sql", "CREATE TABLE a (id int);\n")}).modules.empty());
}

}  // namespace
}  // namespace pgstate::schema
