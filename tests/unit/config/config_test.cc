#include "config/config.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/temp_dir.h"
#include "git/libgit2.h"

namespace pgstate::config {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = core::ScopedTempDir::Create("pgstate-config-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
  }
  std::string Write(const std::string& text) {
    std::string path = dir_->path() + "/.pgstate";
    EXPECT_TRUE(core::WriteFileAtomic(path, text).ok());
    return path;
  }
  git::LibGit2Guard guard_;
  std::optional<core::ScopedTempDir> dir_;
};

TEST_F(ConfigTest, MissingFileGivesDefaults) {
  auto c = LoadConfig(dir_->path());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->schema_dir, "db/schema");
  EXPECT_EQ(c->search_path, std::vector<std::string>{"public"});
  EXPECT_EQ(c->column_order, ColumnOrder::kStrict);
}

TEST_F(ConfigTest, DefaultTextParsesToDefaults) {
  Write(DefaultConfigText());
  auto c = LoadConfig(dir_->path());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->baseline, "db/baseline.sql");
  EXPECT_EQ(c->migrations_dir, "db/migrations");
  EXPECT_EQ(c->lock_timeout, "5s");
}

TEST_F(ConfigTest, ReadsEveryKey) {
  Write(
      "[paths]\n\tschema = sql/schema/\n\tbaseline = sql/base.sql\n\tmigrations = ./sql/mig\n"
      "[sql]\n\tsearchPath = app, public\n[postgres]\n\tversion = 15\n"
      "[verify]\n\tcolumnOrder = ignore\n[check]\n\tdisable = a, b\n"
      "\texternal = table public.x\n\texternal = schema legacy\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->schema_dir, "sql/schema");
  EXPECT_EQ(c->migrations_dir, "sql/mig");
  EXPECT_EQ(c->search_path, (std::vector<std::string>{"app", "public"}));
  EXPECT_EQ(c->postgres_version, 15);
  EXPECT_EQ(c->column_order, ColumnOrder::kIgnore);
  EXPECT_EQ(c->disabled_rules, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->external_objects, (std::vector<std::string>{"table public.x", "schema legacy"}));
  EXPECT_TRUE(c->IsSchemaPath("sql/schema/a/b.sql"));
  EXPECT_FALSE(c->IsSchemaPath("sql/schema/a/b.txt"));
  EXPECT_FALSE(c->IsSchemaPath("sql/schemas.sql"));
  EXPECT_TRUE(c->IsMigrationPath("sql/mig/20240101000000_x.sql"));
  EXPECT_FALSE(c->IsMigrationPath("sql/mig/old/20240101000000_x.sql"));
}

TEST_F(ConfigTest, UnknownKeyIsAnError) {
  Write("[verify]\n\tcolunmOrder = ignore\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  // A repository's .pgstate is named as the repository knows it.
  EXPECT_EQ(c.error().ToString(), ".pgstate:2: unknown key 'verify.colunmorder'");
  std::string path = dir_->path() + "/.pgstate";
  EXPECT_EQ(LoadConfigFile(path).error().ToString(), path + ":2: unknown key 'verify.colunmorder'");
}

TEST_F(ConfigTest, BadValueIsAnError) {
  Write("[verify]\n\tcolumnOrder = sometimes\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), std::string(".pgstate") +
                                      ":2: invalid value 'sometimes' for 'verify.columnOrder' "
                                      "(expected strict or ignore)");
}

TEST_F(ConfigTest, TextFromACommitNamesItsDisplayName) {
  auto ok = LoadConfigText("[paths]\n\tschema = sql\n", "HEAD:.pgstate");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->schema_dir, "sql");
  auto bad = LoadConfigText("[paths]\n\tshema = sql\n", "HEAD:.pgstate");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ToString(), "HEAD:.pgstate:2: unknown key 'paths.shema'");
}

TEST_F(ConfigTest, ErrorsPointAtTheKeysLine) {
  // A header with a variable on its line, a repeated key (the second one is wrong) and case.
  Write(
      "# comment\n[paths] schema = a\n[Postgres]\n\tversion = 15\n\n[postgres]\n"
      "\tVERSION = fifteen\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), std::string(".pgstate") +
                                      ":7: invalid value 'fifteen' for 'postgres.version' "
                                      "(expected a major version such as 15)");
}

TEST_F(ConfigTest, ReadsModules) {
  Write(R"(
[module "accounts"]
	path = db/schema/accounts/
	owner = @core-team
[module "Billing"]
	path = db/schema/billing
	owner = @payments-team
	requires = accounts
	requires = , reporting
[module "reporting"]
	path = db/schema/reporting
)");
  auto c = LoadConfig(dir_->path());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  ASSERT_EQ(c->modules.size(), 3u);
  EXPECT_EQ(c->modules[0].name, "accounts");
  EXPECT_EQ(c->modules[0].path, "db/schema/accounts");
  EXPECT_EQ(c->modules[0].line, 2);
  EXPECT_EQ(c->modules[1].name, "Billing");
  EXPECT_EQ(c->modules[1].owner, "@payments-team");
  EXPECT_EQ(c->modules[1].required, (std::vector<std::string>{"accounts", "reporting"}));
  EXPECT_EQ(c->modules[1].line, 5);
}

TEST_F(ConfigTest, AModuleRequiringAnUnknownOneIsAnErrorAtItsLine) {
  Write(
      "[sql]\n\tsearchPath = public\n[module \"billing\"]\n\tpath = db/schema/billing\n"
      "\trequires = acounts\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, core::kExitBadInput);
  EXPECT_EQ(c.error().ToString(),
            ".pgstate:3:1: module 'billing' requires 'acounts', which is not a module (billing)");
}

TEST_F(ConfigTest, AModuleNeedsAPathOfItsOwn) {
  Write("[module \"a\"]\n\towner = x\n");
  auto c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), ".pgstate:1:1: module 'a' has no path");
  Write("[module \"a\"]\n\tpath = db/x\n[module \"b\"]\n\tpath = db/x/\n");
  c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("share path 'db/x'"), std::string::npos);
  Write("[module \"a\"]\n\tpath = db/x\n\tcolour = red\n");
  c = LoadConfig(dir_->path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), ".pgstate:3: unknown key 'module.a.colour'");
}

}  // namespace
}  // namespace pgstate::config
