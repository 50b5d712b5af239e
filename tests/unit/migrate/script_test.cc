#include "migrate/script.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgstate::migrate {
namespace {

std::vector<std::string> Texts(std::string_view text, size_t begin, size_t end) {
  auto statements = SplitScript(text, begin, end, "m.sql");
  EXPECT_TRUE(statements.ok());
  std::vector<std::string> out;
  if (!statements.ok()) return out;
  for (const ScriptStatement& s : *statements) {
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  }
  return out;
}

TEST(SplitScript, SplitsOnTopLevelSemicolonsOnly) {
  std::string text =
      "-- leading comment\n"
      "CREATE TABLE a (x text DEFAULT ';');\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
      "\n/* c */ SELECT 2";
  EXPECT_EQ(Texts(text, 0, text.size()),
            (std::vector<std::string>{"CREATE TABLE a (x text DEFAULT ';');",
                                      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT "
                                      "1; $$;",
                                      "SELECT 2"}));
}

TEST(SplitScript, LeavesOutMetaCommandsAndHonoursTheRange) {
  std::string text = "\\restrict abc\nSELECT 1;\n\\set ON_ERROR_STOP 1\nSELECT 2;\nSELECT 3;\n";
  size_t end = text.find("SELECT 3");
  EXPECT_EQ(Texts(text, 0, end), (std::vector<std::string>{"SELECT 1;", "SELECT 2;"}));
  EXPECT_EQ(Texts(text, end, text.size()), (std::vector<std::string>{"SELECT 3;"}));
}

TEST(SplitScript, RejectsCopyFromStdin) {
  std::string text = "SELECT 1;\nCOPY t (a) FROM stdin;\n1\n\\.\n";
  auto statements = SplitScript(text, 0, text.size(), "db/migrations/x.sql");
  ASSERT_FALSE(statements.ok());
  EXPECT_EQ(statements.error().ToString(),
            "db/migrations/x.sql:2:22: COPY … FROM stdin is not supported in migrations and "
            "baselines");
}

TEST(FindTransactionControl, FindsTopLevelTransactionStatements) {
  for (std::string control : {"BEGIN;", "commit;", "START TRANSACTION;", "END;", "ROLLBACK;",
                              "SAVEPOINT s;", "PREPARE TRANSACTION 'x';"}) {
    std::string text = "SELECT 1;\n" + control + "\n";
    auto statements = SplitScript(text, 0, text.size(), "m.sql");
    ASSERT_TRUE(statements.ok());
    const ScriptStatement* found = FindTransactionControl(text, *statements);
    ASSERT_NE(found, nullptr) << control;
    EXPECT_EQ(found->begin, 10u);
  }
  std::string text =
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$;\n"
      "PREPARE q AS SELECT 1;\n";
  auto statements = SplitScript(text, 0, text.size(), "m.sql");
  ASSERT_TRUE(statements.ok());
  EXPECT_EQ(FindTransactionControl(text, *statements), nullptr);
}

}  // namespace
}  // namespace pgstate::migrate
