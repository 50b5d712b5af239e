// schema::Modules: membership, what a module may use, cycles, and load ranks.

#include "schema/modules.h"

#include <gtest/gtest.h>

namespace pgstate::schema {
namespace {

config::Module M(std::string name, std::string path, std::vector<std::string> required = {}) {
  return config::Module{std::move(name), std::move(path), "", std::move(required), 0};
}

TEST(ModulesTest, AFileBelongsToTheLongestModulePathHoldingIt) {
  Modules modules({M("app", "db/schema"), M("billing", "db/schema/billing")});
  EXPECT_EQ(modules[modules.ModuleOf("db/schema/users.sql")].name, "app");
  EXPECT_EQ(modules[modules.ModuleOf("db/schema/billing/invoices.sql")].name, "billing");
  EXPECT_EQ(modules.ModuleOf("db/schema_old/x.sql"), Modules::kRoot);
  EXPECT_EQ(modules.ModuleOf("db/schema/billing"), modules.Find("app"));
  EXPECT_FALSE(Modules().configured());
}

TEST(ModulesTest, RequirementsAreFollowedThroughChains) {
  Modules modules({M("a", "a", {"b"}), M("b", "b", {"c"}), M("c", "c"), M("d", "d")});
  size_t a = modules.Find("a"), b = modules.Find("b"), c = modules.Find("c"), d = modules.Find("d");
  EXPECT_TRUE(modules.MayUse(a, c));
  EXPECT_TRUE(modules.MayUse(a, Modules::kRoot));
  EXPECT_FALSE(modules.MayUse(c, a));
  EXPECT_FALSE(modules.MayUse(a, d));
  EXPECT_FALSE(modules.MayUse(Modules::kRoot, d));
  EXPECT_TRUE(modules.cycles().empty());
  EXPECT_LT(modules.Rank(Modules::kRoot), modules.Rank(c));
  EXPECT_LT(modules.Rank(c), modules.Rank(b));
  EXPECT_LT(modules.Rank(b), modules.Rank(a));
}

TEST(ModulesTest, ACycleIsReportedOnceFromItsFirstMember) {
  Modules modules({M("x", "x"), M("a", "a", {"b"}), M("b", "b", {"c"}), M("c", "c", {"a"})});
  ASSERT_EQ(modules.cycles().size(), 1u);
  std::vector<std::string> names;
  for (size_t m : modules.cycles()[0]) names.push_back(modules[m].name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace pgstate::schema
