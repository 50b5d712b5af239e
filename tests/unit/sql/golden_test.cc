// Golden files under tests/data/sql: ok/*.sql render their statements (keys, references,
// elements, canonical text) into ok/*.expected; err/*.sql render their diagnostics into
// err/*.expected. Regenerate with UPDATE_GOLDEN=1 and review the diff.
// Property checks over ok/: canonical text is idempotent and re-parses to the same hash.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/file.h"
#include "sql/canonical.h"
#include "sql/source_file.h"
#include "test_paths.h"

namespace pgstate::sql {
namespace {

namespace fs = std::filesystem;

const char* ClassName(StatementClass c) {
  switch (c) {
    case StatementClass::kDefinition:
      return "definition";
    case StatementClass::kAlteration:
      return "alteration";
    case StatementClass::kDrop:
      return "drop";
    case StatementClass::kData:
      return "data";
    case StatementClass::kSetting:
      return "setting";
    case StatementClass::kTransaction:
      return "transaction";
    case StatementClass::kMetaCommand:
      return "meta-command";
    case StatementClass::kOther:
      return "other";
    case StatementClass::kInvalid:
      return "invalid";
  }
  return "?";
}

std::string DataDir() { return testing::TestDataDir() + "/sql"; }

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".sql") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Describe(const SourceFile& f) {
  std::string out;
  for (const Statement& s : f.statements()) {
    out += std::to_string(s.location.line) + ":" + std::to_string(s.location.column) + " " +
           ClassName(s.cls) + " " +
           (s.key.empty() ? "(" + s.unkeyed_reason + ")" : s.key.ToString());
    out += "\n";
    for (const ObjectKey& k : s.extra_keys) out += "  also: " + k.ToString() + "\n";
    if (!s.references.empty()) {
      out += "  refs:";
      for (size_t i = 0; i < s.references.size(); ++i) {
        out += (i ? ", " : " ") + s.references[i].ToString();
      }
      out += "\n";
    }
    for (const Element& e : s.elements) {
      out += "  element " + e.key.ToString() + ": " + std::string(f.TextOf(e.span)) + "\n";
    }
    std::string canonical = CanonicalText(s);
    if (!canonical.empty()) out += "  canonical: " + canonical + "\n";
  }
  return out;
}

std::string DescribeErrors(const SourceFile& f) {
  std::string out;
  for (const core::Diagnostic& d : f.errors()) {
    out += d.location.ToString() + ": " + core::SeverityName(d.severity) + ": " + d.message + " [" +
           d.rule + "]\n    " + d.source_line + "\n";
  }
  return out;
}

void CheckGolden(const std::string& sql_path, const std::string& actual) {
  std::string expected_path = sql_path.substr(0, sql_path.size() - 4) + ".expected";
  if (std::getenv("UPDATE_GOLDEN")) {
    ASSERT_TRUE(core::WriteFileAtomic(expected_path, actual).ok());
    return;
  }
  auto expected = core::ReadFile(expected_path);
  ASSERT_TRUE(expected.ok()) << "missing " << expected_path << " (run with UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, *expected) << sql_path;
}

std::string FileName(const std::string& path) { return fs::path(path).filename().string(); }

TEST(GoldenTest, OkFilesDescribeTheirStatements) {
  std::vector<std::string> files = Files(DataDir() + "/ok");
  ASSERT_FALSE(files.empty()) << "no " << DataDir() << "/ok/*.sql";
  for (const std::string& path : files) {
    auto text = core::ReadFile(path);
    ASSERT_TRUE(text.ok());
    SourceFile f = SourceFile::Parse(FileName(path), *text);
    EXPECT_TRUE(f.errors().empty()) << path << ": " << DescribeErrors(f);
    CheckGolden(path, Describe(f));
  }
}

TEST(GoldenTest, ErrFilesReportEveryError) {
  std::vector<std::string> files = Files(DataDir() + "/err");
  ASSERT_FALSE(files.empty());
  for (const std::string& path : files) {
    auto text = core::ReadFile(path);
    ASSERT_TRUE(text.ok());
    SourceFile f = SourceFile::Parse(FileName(path), *text);
    EXPECT_FALSE(f.errors().empty()) << path;
    CheckGolden(path, DescribeErrors(f));
  }
}

TEST(CanonicalPropertyTest, CanonicalTextIsIdempotentAndKeepsTheHash) {
  size_t checked = 0;
  for (const std::string& path : Files(DataDir() + "/ok")) {
    auto text = core::ReadFile(path);
    ASSERT_TRUE(text.ok());
    SourceFile f = SourceFile::Parse(path, *text);
    for (const Statement& s : f.statements()) {
      if (!s.node) continue;
      std::string once = CanonicalText(s);
      if (once.empty()) {
        // libpg_query 15-4.0 cannot deparse SQL-standard bodies (BEGIN ATOMIC … END).
        EXPECT_NE(f.TextOf(s.text).find("BEGIN ATOMIC"), std::string_view::npos)
            << f.TextOf(s.text);
        continue;
      }
      SourceFile again = SourceFile::Parse("canonical.sql", once + ";");
      ASSERT_TRUE(again.errors().empty()) << once;
      ASSERT_EQ(again.statements().size(), 1u) << once;
      const Statement& r = again.statements()[0];
      EXPECT_EQ(CanonicalText(r), once) << f.TextOf(s.text);
      EXPECT_EQ(r.canonical, s.canonical) << f.TextOf(s.text) << "\n  canonical: " << once;
      EXPECT_EQ(r.key.kind, s.key.kind) << once;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(RealDumpTest, PgDumpOfARailsApp) {
  std::string path = DataDir() + "/real/e_petitions_structure.sql";
  auto text = core::ReadFile(path);
  ASSERT_TRUE(text.ok()) << path;
  SourceFile f = SourceFile::Parse("db/structure.sql", *text);
  EXPECT_TRUE(f.errors().empty());
  std::string concat;
  size_t tables = 0, sequences = 0, owned = 0, defaults = 0, indexes = 0, pkeys = 0, rows = 0;
  for (const Statement& s : f.statements()) {
    concat += f.TextOf(s.chunk);
    EXPECT_TRUE(!s.key.empty() || IsDocumentedUnkeyedReason(s.unkeyed_reason));
    if (s.key.kind == "table") ++tables;
    if (s.key.kind == "sequence") ++sequences;
    if (s.key.kind == "owned by") ++owned;
    if (s.key.kind == "default") ++defaults;
    if (s.key.kind == "index") ++indexes;
    if (s.key.kind == "constraint" && s.key.name.size() > 5 &&
        s.key.name.compare(s.key.name.size() - 5, 5, "_pkey") == 0)
      ++pkeys;
    if (s.key.kind == "row") ++rows;
  }
  concat += f.TextOf(f.tail());
  EXPECT_EQ(concat, *text);
  EXPECT_EQ(tables, 19u);
  EXPECT_EQ(sequences, owned);
  EXPECT_EQ(defaults, sequences);
  EXPECT_GT(indexes, 20u);
  EXPECT_EQ(pkeys, 18u);  // every table but schema_migrations
  EXPECT_EQ(rows, 67u);   // one INSERT per version in this Rails version

  // The comment block in front of a statement travels with it.
  const Statement* admin = nullptr;
  for (const Statement& s : f.statements()) {
    if (s.key.ToString() == "table public.admin_users") admin = &s;
  }
  ASSERT_NE(admin, nullptr);
  std::string chunk(f.TextOf(admin->chunk));
  EXPECT_EQ(chunk.rfind("\n--\n-- Name: admin_users; Type: TABLE; Schema: public;", 0), 0u)
      << chunk;
  EXPECT_EQ(admin->location.ToString(), "db/structure.sql:36:1");
  ASSERT_EQ(admin->elements.size(), 18u);
  EXPECT_EQ(f.TextOf(admin->elements[1].span), "email character varying(255) NOT NULL");
}

}  // namespace
}  // namespace pgstate::sql
