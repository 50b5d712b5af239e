// schema::tree readers over libpg_query's parse tree.

#include "schema/parse_tree.h"

#include <gtest/gtest.h>

#include "sql/source_file.h"

namespace pgstate::schema::tree {
namespace {

std::vector<std::string> RolesOf(const std::string& text) {
  sql::SourceFile file = sql::SourceFile::Parse("f.sql", text);
  EXPECT_TRUE(file.errors().empty());
  std::vector<std::string> roles;
  for (const auto& s : file.statements()) {
    for (auto& r : NamedRoles(s.node)) roles.push_back(r);
  }
  return roles;
}

TEST(NamedRolesTest, FindsEveryPlaceASchemaNamesARole) {
  EXPECT_EQ(RolesOf("GRANT SELECT ON t TO reporting, \"Auditors\";"),
            (std::vector<std::string>{"reporting", "Auditors"}));
  EXPECT_EQ(RolesOf("ALTER TABLE t OWNER TO app;"), std::vector<std::string>{"app"});
  EXPECT_EQ(RolesOf("ALTER FUNCTION f() OWNER TO app;"), std::vector<std::string>{"app"});
  EXPECT_EQ(RolesOf("CREATE SCHEMA s AUTHORIZATION owner_role;"),
            std::vector<std::string>{"owner_role"});
  EXPECT_EQ(RolesOf("CREATE POLICY p ON t TO tenant USING (true);"),
            std::vector<std::string>{"tenant"});
  EXPECT_EQ(RolesOf("ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO reader;"),
            (std::vector<std::string>{"app", "reader"}));
  EXPECT_EQ(RolesOf("GRANT admin TO alice;"), (std::vector<std::string>{"admin", "alice"}));
}

TEST(NamedRolesTest, LeavesOutPublicAndTheCurrentUser) {
  EXPECT_TRUE(RolesOf("GRANT SELECT ON t TO PUBLIC;").empty());
  EXPECT_TRUE(RolesOf("ALTER TABLE t OWNER TO CURRENT_USER;").empty());
  EXPECT_TRUE(RolesOf("CREATE TABLE t (id int);").empty());
}

}  // namespace
}  // namespace pgstate::schema::tree
