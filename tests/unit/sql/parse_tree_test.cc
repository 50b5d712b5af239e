#include "sql/parse_tree.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/file.h"
#include "sql/source_file.h"
#include "test_paths.h"

namespace pgstate::sql {
namespace {

namespace fs = std::filesystem;

std::string Packed(const PgQuery__Node* node) {
  std::string out(pg_query__node__get_packed_size(node), '\0');
  pg_query__node__pack(node, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

// Both routes give the same trees, byte for byte once packed (locations included), and the raw
// route copies every statement itself.
void ExpectRoutesAgree(const std::string& sql) {
  ParsedTree raw = ParseWithRawTree(sql.c_str(), sql.size());
  ParsedTree pb = ParseWithProtobuf(sql.c_str(), sql.size());
  EXPECT_EQ(raw.ok, pb.ok) << sql;
  if (!raw.ok || !pb.ok) {
    EXPECT_EQ(raw.message, pb.message);
    EXPECT_EQ(raw.cursorpos, pb.cursorpos);
    return;
  }
  EXPECT_EQ(raw.tree->version, pb.tree->version);
  EXPECT_EQ(raw.tree->n_stmts, pb.tree->n_stmts) << sql;
  for (size_t i = 0; i < std::min(raw.tree->n_stmts, pb.tree->n_stmts); ++i) {
    EXPECT_EQ(raw.tree->stmts[i]->stmt_location, pb.tree->stmts[i]->stmt_location);
    EXPECT_EQ(raw.tree->stmts[i]->stmt_len, pb.tree->stmts[i]->stmt_len);
    EXPECT_EQ(Packed(raw.tree->stmts[i]->stmt), Packed(pb.tree->stmts[i]->stmt))
        << "statement " << i << " of:\n"
        << sql;
  }
  EXPECT_TRUE(raw.inexact.empty()) << sql;
}

TEST(ParseTreeTest, RawAndProtobufRoutesAgree) {
  ExpectRoutesAgree(
      "SELECT 1, -3, - 3, -/* c */7, 0, +4, 2147483647, -2147483648, 1.5, -0.5, 'x', "
      "E'tab\\there \"q\" \\\\ \\u00e9 \\x01', true, false, NULL, B'101', X'1F', $1;"
      "CREATE TABLE t (a int[], b text[][], c varchar(10)[3], d numeric(5, -1) DEFAULT -1, "
      "e int CHECK (e > -10) CHECK (e <> 0));"
      "CREATE SEQUENCE s START WITH 10 INCREMENT BY 5 MINVALUE 1 CACHE 20;"
      "CREATE FOREIGN TABLE ft (a int) SERVER srv OPTIONS (x 'y');"
      "SELECT a[1], a[-1], a[0:2] FROM t LIMIT 0 OFFSET 0;"
      "SET statement_timeout = 0; SET x = -5;");
  for (const char* dir : {"ok", "real"}) {
    for (const auto& e : fs::directory_iterator(testing::TestDataDir() + "/sql/" + dir)) {
      if (e.path().extension() != ".sql") continue;
      auto text = core::ReadFile(e.path().string());
      ASSERT_TRUE(text.ok());
      // Meta-commands are not SQL: drop those lines for this comparison.
      std::string sql;
      std::istringstream lines(*text);
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("\\", 0) != 0) sql += line + "\n";
      }
      ExpectRoutesAgree(sql);
    }
  }
}

TEST(ParseTreeTest, NegativeAndZeroIntegersAreExact) {
  ExpectRoutesAgree("SELECT 1; CREATE SEQUENCE s INCREMENT BY -1 MINVALUE -100 START 0; SELECT 2;");
  SourceFile f =
      SourceFile::Parse("s.sql", "SELECT 1; CREATE SEQUENCE s INCREMENT BY -1 MINVALUE -100;");
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_EQ(CanonicalText(f.statements()[1]), "CREATE SEQUENCE s INCREMENT -1 MINVALUE -100");
  EXPECT_EQ(f.statements()[1].key.ToString(), "sequence public.s");
  SourceFile g = SourceFile::Parse("s.sql", "CREATE SEQUENCE s INCREMENT BY 1 MINVALUE -100;");
  EXPECT_NE(g.statements()[0].canonical, f.statements()[1].canonical);
}

TEST(ParseTreeTest, DistinctAndEnumsWithExplicitOrReorderedValuesAreCopied) {
  // DISTINCT is a list holding NIL; FunctionParameterMode's values are characters;
  // LimitOption is ordered differently in libpg_query than in PostgreSQL's headers.
  ExpectRoutesAgree(
      "SELECT DISTINCT a FROM t; SELECT a FROM t LIMIT 3; SELECT a FROM t FETCH FIRST 2 ROWS "
      "WITH TIES; CREATE FUNCTION f(IN a int, OUT b int, INOUT c int, VARIADIC d int[]) "
      "LANGUAGE sql AS 'SELECT 1'; CREATE TABLE p PARTITION OF q FOR VALUES FROM (MINVALUE) TO "
      "(MAXVALUE); SELECT (1, 2) < (3, 4); SELECT $1::text COLLATE \"C\" IS NOT DISTINCT FROM "
      "NULL;");
}

TEST(ParseTreeTest, EveryGeneratedNodeTypeIsCopied) {
  EXPECT_EQ(RawTreeUncopiedTypes(), std::vector<std::string>{});
}

TEST(ParseTreeTest, SyntaxErrorsAreTheSameOnBothRoutes) {
  ExpectRoutesAgree("SELECT 1; CREATE TABEL t (a int);");
}

}  // namespace
}  // namespace pgstate::sql
