#include "migrate/history.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgstate::migrate {
namespace {

LocalMigration Local(const std::string& version, const std::string& text) {
  LocalMigration m;
  m.file.version = version;
  m.file.name = version + "_m.sql";
  m.file.path = "db/migrations/" + m.file.name;
  m.text = text;
  m.hash = Sha256Hex(text);
  return m;
}

AppliedRow Row(const std::string& version, std::optional<std::string> hash) {
  return AppliedRow{version, std::move(hash), "2024-05-01 00:00:00+00"};
}

std::string Summary(const std::vector<HistoryEntry>& entries) {
  std::string s;
  for (const HistoryEntry& e : entries) {
    s += e.version + " " + StateName(e.state) + (e.late ? " late" : "") + "\n";
  }
  return s;
}

TEST(CompareHistory, ClassifiesEveryVersion) {
  std::vector<LocalMigration> local = {
      Local("20240110000000", "late"),
      Local("20240201000000", "same"),
      Local("20240202000000", "now edited"),
      Local("20240301000000", "new"),
  };
  TableState table;
  table.exists = true;
  table.has_hash = true;
  table.rows = {Row("20240101000000", std::nullopt),  // from production, in the baseline
                Row("20240201000000", Sha256Hex("same")),
                Row("20240202000000", Sha256Hex("as applied")),
                Row("20240203000000", Sha256Hex("gone"))};
  EXPECT_EQ(Summary(CompareHistory(local, table, std::string("20240101000000"))),
            "20240101000000 in baseline\n"
            "20240110000000 pending late\n"
            "20240201000000 applied\n"
            "20240202000000 edited\n"
            "20240203000000 missing\n"
            "20240301000000 pending\n");
}

TEST(CompareHistory, NullHashIsNeverEdited) {
  TableState table;
  table.exists = true;
  table.rows = {Row("20240201000000", std::nullopt)};
  auto entries = CompareHistory({Local("20240201000000", "x")}, table, std::nullopt);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].state, MigrationState::kApplied);
}

TEST(CompareHistory, WithoutRowsNothingIsLate) {
  auto entries = CompareHistory({Local("20240201000000", "x")}, TableState{}, std::nullopt);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].state, MigrationState::kPending);
  EXPECT_FALSE(entries[0].late);
}

}  // namespace
}  // namespace pgstate::migrate
