#include "report/owners.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pgstate::report {
namespace {

schema::Modules Sample() {
  return schema::Modules(std::vector<config::Module>{
      {"accounts", "db/schema/accounts", "@accounts-team", {}, 1},
      {"billing", "db/schema/billing", "@payments-team", {"accounts"}, 4},
      {"ledger", "db/schema/billing/ledger", "@payments-team", {}, 8},
      {"reports", "db/schema/reports", "", {}, 12}});
}

std::vector<size_t> ModulesOf(const schema::Modules& m, OwnedPathInput input) {
  return MapPath(m, input).modules;
}

TEST(Owners, FileBelongsToTheLongestModulePath) {
  schema::Modules m = Sample();
  EXPECT_EQ(ModulesOf(m, {"db/schema/billing/invoices.sql", false, {}}), std::vector<size_t>{2});
  EXPECT_EQ(ModulesOf(m, {"db/schema/billing/ledger/x.sql", false, {}}), std::vector<size_t>{3});
  EXPECT_EQ(ModulesOf(m, {"db/schema/other.sql", false, {}}), std::vector<size_t>{0});
  EXPECT_EQ(ModulesOf(m, {"db/schema/billingx/a.sql", false, {}}), std::vector<size_t>{0});
}

TEST(Owners, FolderHasTheModulesOfItsFilesAndThoseInsideIt) {
  schema::Modules m = Sample();
  // The module folder itself, and a module inside it.
  EXPECT_EQ(ModulesOf(m, {"db/schema/billing", true, {}}), (std::vector<size_t>{2, 3}));
  // A folder inside a module, even without files yet.
  EXPECT_EQ(ModulesOf(m, {"db/schema/accounts/sub", true, {}}), std::vector<size_t>{1});
  // Above the modules: every module inside; the root only through its own files.
  EXPECT_EQ(ModulesOf(m, {"db/schema", true, {}}), (std::vector<size_t>{1, 2, 3, 4}));
  EXPECT_EQ(ModulesOf(m, {"db/schema", true, {"db/schema/a.sql"}}),
            (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(ModulesOf(m, {"docs", true, {}}), std::vector<size_t>{0});
  EXPECT_EQ(MapPath(m, {"", true, {}}).path, ".");
}

TEST(Owners, HumanIsUniqueOwnersInModuleOrder) {
  schema::Modules m = Sample();
  std::vector<OwnedPath> paths = {MapPath(m, {"db/schema/reports/r.sql", false, {}}),
                                  MapPath(m, {"db/schema/billing", true, {}}),
                                  MapPath(m, {"db/schema/other.sql", false, {}}),
                                  MapPath(m, {"db/schema/accounts/users.sql", false, {}})};
  EXPECT_EQ(RenderOwnersHuman(m, paths), "@accounts-team\n@payments-team\n");
  EXPECT_EQ(RenderOwnersHuman(m, {MapPath(m, {"README.md", false, {}})}), "");
}

TEST(Owners, JsonHasOneEntryPerPathAndModule) {
  schema::Modules m = Sample();
  auto doc = nlohmann::json::parse(
      RenderOwnersJson(m, {MapPath(m, {"db/schema/billing", true, {}}),
                           MapPath(m, {"db/schema/reports/r.sql", false, {}})}));
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc[0], nlohmann::json({{"path", "db/schema/billing"},
                                    {"module", "billing"},
                                    {"owner", "@payments-team"}}));
  EXPECT_EQ(doc[1]["module"], "ledger");
  EXPECT_EQ(doc[2]["module"], "reports");
  EXPECT_TRUE(doc[2]["owner"].is_null());
}

}  // namespace
}  // namespace pgstate::report
