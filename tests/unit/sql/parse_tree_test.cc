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

// Both routes give the same trees, byte for byte once packed (locations included), for every
// statement the JSON route does not flag as inexact. Returns the inexact statement indexes.
std::vector<size_t> ExpectRoutesAgree(const std::string& sql) {
  ParsedTree json = ParseWithJson(sql.c_str(), sql.size());
  ParsedTree pb = ParseWithProtobuf(sql.c_str(), sql.size());
  EXPECT_EQ(json.ok, pb.ok) << sql;
  if (!json.ok || !pb.ok) {
    EXPECT_EQ(json.message, pb.message);
    EXPECT_EQ(json.cursorpos, pb.cursorpos);
    return {};
  }
  EXPECT_EQ(json.tree->version, pb.tree->version);
  EXPECT_EQ(json.tree->n_stmts, pb.tree->n_stmts) << sql;
  for (size_t i = 0; i < std::min(json.tree->n_stmts, pb.tree->n_stmts); ++i) {
    EXPECT_EQ(json.tree->stmts[i]->stmt_location, pb.tree->stmts[i]->stmt_location);
    EXPECT_EQ(json.tree->stmts[i]->stmt_len, pb.tree->stmts[i]->stmt_len);
    if (std::find(json.inexact.begin(), json.inexact.end(), i) != json.inexact.end()) continue;
    EXPECT_EQ(Packed(json.tree->stmts[i]->stmt), Packed(pb.tree->stmts[i]->stmt))
        << "statement " << i << " of:\n"
        << sql;
  }
  return json.inexact;
}

TEST(ParseTreeTest, JsonAndProtobufRoutesAgree) {
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

TEST(ParseTreeTest, UnsureIntegersFallBackToTheExactRoute) {
  // Negative sequence options are Integers without a location: the JSON cannot say which.
  std::vector<size_t> inexact =
      ExpectRoutesAgree("SELECT 1; CREATE SEQUENCE s INCREMENT BY -1 MINVALUE -100; SELECT 2;");
  EXPECT_EQ(inexact, (std::vector<size_t>{1}));
  SourceFile f =
      SourceFile::Parse("s.sql", "SELECT 1; CREATE SEQUENCE s INCREMENT BY -1 MINVALUE -100;");
  ASSERT_EQ(f.statements().size(), 2u);
  EXPECT_EQ(CanonicalText(f.statements()[1]), "CREATE SEQUENCE s INCREMENT -1 MINVALUE -100");
  EXPECT_EQ(f.statements()[1].key.ToString(), "sequence public.s");
  SourceFile g = SourceFile::Parse("s.sql", "CREATE SEQUENCE s INCREMENT BY 1 MINVALUE -100;");
  EXPECT_NE(g.statements()[0].canonical, f.statements()[1].canonical);
}

TEST(ParseTreeTest, SyntaxErrorsAreTheSameOnBothRoutes) {
  ExpectRoutesAgree("SELECT 1; CREATE TABEL t (a int);");
}

TEST(ParseTreeTest, EveryJsonNameOfTheProtoFileFindsItsField) {
  std::string proto_path;
  for (const char* p :
       {"/usr/include/pg_query/pg_query.proto", "/usr/local/include/pg_query/pg_query.proto"}) {
    if (fs::exists(p)) proto_path = p;
  }
  if (proto_path.empty()) GTEST_SKIP() << "pg_query.proto not installed";
  // Every message type reachable from a parse result, by proto name.
  std::map<std::string, const ProtobufCMessageDescriptor*> types;
  std::vector<const ProtobufCMessageDescriptor*> todo = {&pg_query__parse_result__descriptor,
                                                         &pg_query__node__descriptor};
  while (!todo.empty()) {
    const ProtobufCMessageDescriptor* d = todo.back();
    todo.pop_back();
    std::string name = d->name;
    name = name.substr(name.rfind('.') + 1);
    if (!types.emplace(name, d).second) continue;
    for (unsigned i = 0; i < d->n_fields; ++i) {
      if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE) {
        todo.push_back(static_cast<const ProtobufCMessageDescriptor*>(d->fields[i].descriptor));
      }
    }
  }
  std::ifstream in(proto_path);
  std::regex message_re(R"(^\s*message (\w+))");
  std::regex field_re(R"re((\w+) = \d+ \[json_name="(\w+)"\])re");
  const ProtobufCMessageDescriptor* current = nullptr;
  size_t checked = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, message_re)) {
      auto it = types.find(m[1]);
      current = it == types.end() ? nullptr : it->second;
    } else if (current && std::regex_search(line, m, field_re)) {
      const ProtobufCFieldDescriptor* f = FieldForJsonKey(current, m[2].str());
      ASSERT_NE(f, nullptr) << current->name << "." << m[2];
      EXPECT_EQ(std::string(f->name), m[1].str()) << current->name << "." << m[2];
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace pgstate::sql
