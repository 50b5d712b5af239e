#include "core/text.h"

#include <gtest/gtest.h>

namespace pgstate::core {
namespace {

std::optional<size_t> At(std::string_view text) {
  auto p = FindTextProblem(text);
  if (!p) return std::nullopt;
  return p->offset;
}

TEST(TextTest, UTF8WithoutNulIsFine) {
  EXPECT_EQ(At("SELECT 'déjà vu', '東京', '😀';\n"), std::nullopt);
  EXPECT_EQ(At(""), std::nullopt);
}

TEST(TextTest, NulAndEveryKindOfInvalidUTF8IsFoundAtItsByte) {
  using namespace std::string_literals;
  EXPECT_EQ(At("UPDATE acct SET balance = 0 \0WHERE id = 2;"s), 28u);
  EXPECT_EQ(FindTextProblem("a\0"s)->message, "NUL byte in SQL text");
  EXPECT_EQ(At("ab\xff"), 2u);             // never valid
  EXPECT_EQ(At("a\xc0\xaf"), 1u);          // overlong '/'
  EXPECT_EQ(At("a\xe0\x80\xaf"), 2u);      // overlong, three bytes
  EXPECT_EQ(At("a\xed\xa0\x80"), 2u);      // a surrogate
  EXPECT_EQ(At("a\xf4\x90\x80\x80"), 2u);  // past U+10FFFF
  EXPECT_EQ(At("a\xe6\x9d"), 1u);          // cut short at the end
  EXPECT_EQ(At("a\xe6\x41\x41"), 2u);      // a continuation byte missing
  EXPECT_EQ(FindTextProblem("\xff")->message, "invalid UTF-8 (byte 0xff)");
}

TEST(TextTest, CheckSqlTextNamesLineAndColumnInCharacters) {
  using namespace std::string_literals;
  Status s = CheckSqlText("db/m.sql", "SELECT 1;\n-- é\xff\n"s);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, kExitBadInput);
  ASSERT_TRUE(s.error().location.has_value());
  EXPECT_EQ(s.error().location->ToString(), "db/m.sql:2:5");
  EXPECT_TRUE(CheckSqlText("db/m.sql", "SELECT 1;\n").ok());
}

}  // namespace
}  // namespace pgstate::core
