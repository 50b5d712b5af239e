#include "sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgstate::sql::lexer {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  for (Token t = NextToken(text, 0); t.kind != TokenKind::kEnd; t = NextToken(text, t.end)) {
    out.emplace_back(text.substr(t.begin, t.end - t.begin));
  }
  return out;
}

TEST(LexerTest, QuotingRules) {
  EXPECT_EQ(Tokens("SELECT 'it''s', E'a\\'b', \"x\"\"y\", $$a;b$$, $t$ $$ $t$, $1, a$b"),
            (std::vector<std::string>{"SELECT", "'it''s'", ",", "E'a\\'b'", ",", "\"x\"\"y\"", ",",
                                      "$$a;b$$", ",", "$t$ $$ $t$", ",", "$1", ",", "a$b"}));
  EXPECT_EQ(Tokens("x /* a /* nested */ still */ y -- z\nw"),
            (std::vector<std::string>{"x", "y", "w"}));
  EXPECT_EQ(
      Tokens("U&'d\\0061t' U&\"x\" B'01' x'ff' 1.5e-3 .5"),
      (std::vector<std::string>{"U&'d\\0061t'", "U&\"x\"", "B'01'", "x'ff'", "1.5e-3", ".5"}));
  // Unterminated constructs run to the end instead of failing.
  EXPECT_EQ(Tokens("a 'open"), (std::vector<std::string>{"a", "'open"}));
  EXPECT_EQ(Tokens("a $q$ open"), (std::vector<std::string>{"a", "$q$ open"}));
  EXPECT_EQ(Tokens("a /* open"), (std::vector<std::string>{"a"}));
}

TEST(LexerTest, ScanFindsMetaCommandsAndSeparators) {
  std::string text =
      "\\set x 1\n"
      "SELECT ';\n\\no' AS a; -- ;\n"
      "/* ; */ SELECT 1;\n"
      "   \\echo hi\n"
      "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES "
      "(2));\n"
      "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; "
      "END;\n"
      "SELECT 2";
  ScanResult scan = ScanFile(text);
  ASSERT_EQ(scan.meta_commands.size(), 2u);
  EXPECT_EQ(scan.meta_commands[0].In(text), "\\set x 1");
  EXPECT_EQ(scan.meta_commands[1].In(text), "\\echo hi");
  std::vector<std::string> pieces;
  size_t begin = 0;
  for (size_t sep : scan.separators) {
    pieces.emplace_back(text.substr(begin, sep + 1 - begin));
    begin = sep + 1;
  }
  ASSERT_EQ(pieces.size(), 4u);  // the last statement has no ';'
  EXPECT_EQ(pieces[1], " -- ;\n/* ; */ SELECT 1;");
  EXPECT_EQ(pieces[2].substr(0, 25), "\n   \\echo hi\nCREATE RULE ");
  EXPECT_EQ(pieces[3].substr(0, 18), "\nCREATE PROCEDURE ");
  EXPECT_EQ(pieces[3].substr(pieces[3].size() - 5), " END;");
}

TEST(LexerTest, CopyFromStdinData) {
  std::string text = "COPY t FROM stdin;\na\tb\n\\.\nCOPY t FROM '/x';\n";
  ScanResult scan = ScanFile(text);
  ASSERT_EQ(scan.copy_data.size(), 1u);
  EXPECT_EQ(scan.copy_data[0].data.In(text), "a\tb\n\\.");
  EXPECT_TRUE(scan.meta_commands.empty());
  EXPECT_EQ(scan.separators.size(), 2u);
}

TEST(LexerTest, TrimmingHelpers) {
  std::string text = "  -- c\n  SELECT 1 /* x */  ; -- tail\nnext";
  EXPECT_EQ(SkipTrivia(text, 0), 9u);
  EXPECT_EQ(LastTokenEnd(std::string_view(text).substr(0, 25), 9), 17u);
  size_t semi = text.find(';');
  EXPECT_EQ(RestOfLineEnd(text, semi + 1), text.find("next"));
  EXPECT_EQ(RestOfLineEnd("a; b", 2), 2u);
  EXPECT_EQ(RestOfLineEnd("a; /* multi\nline */", 2), 2u);
  EXPECT_EQ(RestOfLineEnd("a; /* x */ ", 2), 11u);
}

}  // namespace
}  // namespace pgstate::sql::lexer
