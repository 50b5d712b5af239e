#include "migrate/addition_versions.h"

#include <gtest/gtest.h>

namespace pgstate::migrate {
namespace {

TEST(AdditionVersionsTest, EachColumnAndLabelGetsTheVersionOfTheFirstMigrationAddingIt) {
  std::vector<MigrationText> migrations = {
      {"db/migrations/20240102000000_notes.sql",
       "ALTER TABLE users ADD COLUMN note text, ADD COLUMN seen boolean;\n"
       "ALTER TYPE mood ADD VALUE 'angry';\n"},
      {"db/migrations/20240101000000_users.sql",
       "CREATE TABLE users (id integer, email text);\n"
       "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"},
      // A later migration adding the same column again does not move it.
      {"db/migrations/20240103000000_again.sql",
       "ALTER TABLE users DROP COLUMN note;\nALTER TABLE users ADD COLUMN note text;\n"},
      // Not a migration's name, and a statement that does not parse: nothing.
      {"db/migrations/README.sql", "ALTER TABLE users ADD COLUMN readme text;\n"},
      {"db/migrations/20240104000000_broken.sql", "ALTER TABLE users ADD COLUMN (;\n"},
  };
  std::map<std::string, std::string> v = AdditionVersions(migrations);
  EXPECT_EQ(v["column public.users.id"], "20240101000000");
  EXPECT_EQ(v["column public.users.email"], "20240101000000");
  EXPECT_EQ(v["column public.users.note"], "20240102000000");
  EXPECT_EQ(v["column public.users.seen"], "20240102000000");
  EXPECT_EQ(v["label public.mood.sad"], "20240101000000");
  EXPECT_EQ(v["label public.mood.angry"], "20240102000000");
  EXPECT_EQ(v.count("column public.users.readme"), 0u);
  // Tables, types and the like are not ordered: only columns and labels are kept.
  for (const auto& [key, version] : v) {
    EXPECT_TRUE(key.rfind("column ", 0) == 0 || key.rfind("label ", 0) == 0) << key;
  }
}

TEST(AdditionVersionsTest, OnlyTheUpPartOfAMigrationCounts) {
  std::vector<MigrationText> migrations = {
      {"db/migrations/20240102000000_note.sql",
       "ALTER TABLE users ADD COLUMN note text;\n"
       "-- pgstate:down\nALTER TABLE users DROP COLUMN note;\nALTER TABLE users ADD COLUMN old "
       "text;\n"},
  };
  std::map<std::string, std::string> v = AdditionVersions(migrations);
  EXPECT_EQ(v["column public.users.note"], "20240102000000");
  EXPECT_EQ(v.count("column public.users.old"), 0u);
}

}  // namespace
}  // namespace pgstate::migrate
