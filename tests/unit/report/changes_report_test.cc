#include "report/changes_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pgstate::report {
namespace {

using schema::ChangeKind;
using schema::ChangeSet;
using schema::MigrationChangeKind;

ChangeSet Sample() {
  ChangeSet c;
  c.from_label = "main";
  c.to_label = "topic";
  schema::FileChange users;
  users.status = git::FileStatus::kModified;
  users.old_path = users.new_path = "db/schema/users.sql";
  schema::FileChange moved;
  moved.status = git::FileStatus::kRenamed;
  moved.old_path = "db/schema/fn.sql";
  moved.new_path = "db/schema/functions.sql";
  moved.similarity = 87;
  schema::FileChange migration;
  migration.status = git::FileStatus::kAdded;
  migration.area = schema::Area::kMigration;
  migration.old_path = migration.new_path = "db/migrations/20240101000000_add.sql";
  c.files = {migration, moved, users};

  schema::ObjectChange touch;
  touch.kind = ChangeKind::kMoved;
  touch.key = {"function", "public", "touch()"};
  touch.label = "function public.touch()";
  touch.old_path = "db/schema/users.sql";
  touch.old_line = 9;
  touch.new_path = "db/schema/functions.sql";
  touch.new_line = 4;
  schema::ObjectChange table;
  table.kind = ChangeKind::kModified;
  table.key = {"table", "public", "users"};
  table.label = "table public.users";
  table.old_path = table.new_path = "db/schema/users.sql";
  table.old_line = table.new_line = 1;
  table.details = {"column email added", "column total: default changed"};
  schema::ObjectChange index;
  index.kind = ChangeKind::kRemoved;
  index.key = {"index", "public", "users_a|b_idx"};
  index.label = "index public.users_a|b_idx";
  index.old_path = "db/schema/users.sql";
  index.old_line = 7;
  c.objects = {touch, table, index};

  schema::MigrationChange added;
  added.kind = MigrationChangeKind::kAdded;
  added.new_path = "db/migrations/20240101000000_add.sql";
  added.version = "20240101000000";
  schema::MigrationChange edited;
  edited.kind = MigrationChangeKind::kEdited;
  edited.old_path = edited.new_path = "db/migrations/20231201000000_old.sql";
  edited.version = "20231201000000";
  edited.may_have_been_applied = true;
  c.migrations = {added, edited};
  return c;
}

TEST(ChangesReport, ParsesFormats) {
  EXPECT_EQ(ParseChangesFormat("markdown"), ChangesFormat::kMarkdown);
  EXPECT_EQ(ParseChangesFormat("summary"), ChangesFormat::kSummary);
  EXPECT_FALSE(ParseChangesFormat("sarif").has_value());
}

TEST(ChangesReport, Summary) {
  EXPECT_EQ(ChangesSummary(Sample()), "3 objects, 1 new migration, 1 migration edited");
  ChangeSet only_rename;
  only_rename.files = {Sample().files[1]};
  EXPECT_EQ(ChangesSummary(only_rename), "1 file renamed");
  EXPECT_EQ(ChangesSummary(ChangeSet()), "");
  EXPECT_EQ(RenderChanges(ChangeSet(), ChangesFormat::kSummary), "");
  EXPECT_EQ(RenderChanges(Sample(), ChangesFormat::kSummary),
            "3 objects, 1 new migration, 1 migration edited\n");
}

TEST(ChangesReport, HumanGroupsByFile) {
  EXPECT_EQ(RenderChanges(Sample(), ChangesFormat::kHuman),
            "schema changes from main to topic\n"
            "\n"
            "db/schema/functions.sql (renamed from db/schema/fn.sql, 87% similar)\n"
            "  > moved function public.touch()  (moved from db/schema/users.sql:9)\n"
            "\n"
            "db/schema/users.sql\n"
            "  ~ modified table public.users  (line 1)\n"
            "      column email added\n"
            "      column total: default changed\n"
            "  - removed index public.users_a|b_idx  (was line 7)\n"
            "\n"
            "migrations\n"
            "  added db/migrations/20240101000000_add.sql\n"
            "  edited db/migrations/20231201000000_old.sql\n"
            "      warning: it may already have been applied; databases that ran it will not "
            "see the edit\n"
            "\n"
            "3 objects, 1 new migration, 1 migration edited\n");
  EXPECT_EQ(RenderChanges(ChangeSet(), ChangesFormat::kHuman), "");
}

TEST(ChangesReport, HumanColorsOnlyWhenAsked) {
  ChangesRenderOptions color;
  color.color = true;
  std::string colored = RenderChanges(Sample(), ChangesFormat::kHuman, color);
  EXPECT_NE(colored.find("\033[31m- removed index"), std::string::npos);
  EXPECT_EQ(RenderChanges(Sample(), ChangesFormat::kHuman).find('\033'), std::string::npos);
}

TEST(ChangesReport, JsonIsStable) {
  auto j = nlohmann::json::parse(RenderChanges(Sample(), ChangesFormat::kJson));
  EXPECT_EQ(j["version"], kChangesJsonVersion);
  EXPECT_EQ(j["from"], "main");
  EXPECT_EQ(j["summary"]["changed"], true);
  EXPECT_EQ(j["summary"]["objects"], 3);
  EXPECT_EQ(j["summary"]["moved"], 1);
  EXPECT_EQ(j["summary"]["migrations"]["edited"], 1);
  ASSERT_EQ(j["objects"].size(), 3u);
  EXPECT_EQ(j["objects"][0], nlohmann::json::parse(R"js({"change":"moved","area":"schema",
              "key":"function public.touch()","kind":"function","schema":"public",
              "name":"touch()","label":"function public.touch()",
              "old_path":"db/schema/users.sql","old_line":9,
              "new_path":"db/schema/functions.sql","new_line":4,"moved":true,"details":[]})js"));
  EXPECT_TRUE(j["objects"][2]["new_path"].is_null());
  EXPECT_EQ(j["files"][1]["similarity"], 87);
  EXPECT_EQ(j["migrations"][1], nlohmann::json::parse(R"js({"change":"edited",
              "path":"db/migrations/20231201000000_old.sql",
              "old_path":"db/migrations/20231201000000_old.sql","version":"20231201000000",
              "may_have_been_applied":true})js"));
}

TEST(ChangesReport, MarkdownForAPullRequest) {
  EXPECT_EQ(RenderChanges(Sample(), ChangesFormat::kMarkdown),
            "### Schema changes: `main` → `topic`\n\n"
            "**3 objects, 1 new migration, 1 migration edited**\n\n"
            "| Change | Object | File | Details |\n|---|---|---|---|\n"
            "| moved | `function public.touch()` | `db/schema/functions.sql:4` | moved from "
            "db/schema/users.sql:9 |\n"
            "| modified | `table public.users` | `db/schema/users.sql:1` | column email "
            "added<br>column total: default changed |\n"
            "| removed | `index public.users_a\\|b_idx` | `db/schema/users.sql:7` |  |\n\n"
            "Renamed files:\n\n- `db/schema/fn.sql` → `db/schema/functions.sql`\n\n"
            "#### Migrations\n\n| Change | Migration | Note |\n|---|---|---|\n"
            "| added | `db/migrations/20240101000000_add.sql` |  |\n"
            "| edited | `db/migrations/20231201000000_old.sql` | ⚠️ it may already have been "
            "applied; databases that ran it will not see the edit |\n\n");
  ChangeSet none;
  none.from_label = "a";
  none.to_label = "b";
  EXPECT_EQ(RenderChanges(none, ChangesFormat::kMarkdown),
            "### Schema changes: `a` → `b`\n\nNo schema changes.\n");
}

TEST(ChangesReport, GithubAnnotations) {
  EXPECT_EQ(RenderChanges(Sample(), ChangesFormat::kGithub),
            "::notice file=db/schema/functions.sql,line=4,title=schema change::function "
            "public.touch() moved (moved from db/schema/users.sql:9)\n"
            "::notice file=db/schema/users.sql,line=1,title=schema change::table public.users "
            "modified%0Acolumn email added%0Acolumn total: default changed\n"
            "::notice file=db/schema/users.sql,line=7,title=schema change::index "
            "public.users_a|b_idx removed\n"
            "::notice file=db/migrations/20240101000000_add.sql,title=migration::migration added: "
            "db/migrations/20240101000000_add.sql\n"
            "::warning file=db/migrations/20231201000000_old.sql,title=migration "
            "edited::migration edited: db/migrations/20231201000000_old.sql%0Ait may already "
            "have been applied; databases that ran it will not see the edit\n");
}

}  // namespace
}  // namespace pgstate::report
