// Every .sql file of the shared corpus of real schemas ($PGSTATE_CORPUS_DIR) parses without a
// crash, its chunks partition it exactly, and every statement has a key or a documented
// reason for having none. Skipped when the corpus is not there.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/file.h"
#include "sql/parse_tree.h"
#include "sql/source_file.h"
#include "test_paths.h"

namespace pgstate::sql {
namespace {

namespace fs = std::filesystem;

struct Totals {
  size_t cross_checked = 0;
  size_t statements = 0;
  size_t keyed = 0;
  size_t files_with_syntax_errors = 0;
  std::map<std::string, size_t> unkeyed;
  std::vector<std::string> failures;
};

void CheckFile(const std::string& path, const std::string& text, Totals& t) {
  SourceFile f = SourceFile::Parse(path, text);
  std::string concat;
  concat.reserve(text.size());
  size_t previous_end = 0;
  for (const Statement& s : f.statements()) {
    if (s.chunk.begin != previous_end || s.text.begin < s.chunk.begin || s.text.end > s.chunk.end ||
        s.text.empty()) {
      t.failures.push_back(path + ": bad spans at " + s.location.ToString());
    }
    previous_end = s.chunk.end;
    concat += f.TextOf(s.chunk);
    ++t.statements;
    if (!s.key.empty()) {
      ++t.keyed;
      if (s.key.name.empty()) t.failures.push_back(s.location.ToString() + ": key without name");
    } else if (IsDocumentedUnkeyedReason(s.unkeyed_reason)) {
      ++t.unkeyed[s.unkeyed_reason];
    } else {
      t.failures.push_back(s.location.ToString() + ": no key and no documented reason (" +
                           s.node_type + ", \"" + s.unkeyed_reason + "\")");
    }
    if (s.unkeyed_reason == "unsupported statement") {
      t.failures.push_back(s.location.ToString() + ": unsupported " + s.node_type);
    }
    for (const Element& e : s.elements) {
      if (e.span.begin < s.text.begin || e.span.end > s.text.end || e.span.empty()) {
        t.failures.push_back(s.location.ToString() + ": element " + e.key.ToString() +
                             " outside its statement");
      }
    }
  }
  concat += f.TextOf(f.tail());
  if (concat != text) t.failures.push_back(path + ": chunks do not partition the file");
  if (!f.errors().empty()) ++t.files_with_syntax_errors;
  for (const core::Diagnostic& d : f.errors()) {
    if (d.message.empty() || d.location.line < 1 || d.location.column < 1) {
      t.failures.push_back(path + ": malformed diagnostic " + d.location.ToString());
    }
  }
}

std::string Packed(const PgQuery__Node* node) {
  std::string out(pg_query__node__get_packed_size(node), '\0');
  pg_query__node__pack(node, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

// The raw route (what pgstate uses) and the protobuf route give the same trees, and the raw
// route copies every statement itself.
void CrossCheckRoutes(const std::string& path, const std::string& text, Totals& t) {
  std::string sql;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    if (text[pos] != '\\') sql.append(text, pos, end - pos);
    pos = end;
  }
  std::replace(sql.begin(), sql.end(), '\0', ' ');
  ParsedTree raw = ParseWithRawTree(sql.c_str(), sql.size());
  ParsedTree pb = ParseWithProtobuf(sql.c_str(), sql.size());
  if (raw.ok != pb.ok || (raw.ok && raw.tree->n_stmts != pb.tree->n_stmts) ||
      (!raw.ok && (raw.message != pb.message || raw.cursorpos != pb.cursorpos))) {
    t.failures.push_back(path + ": the parse routes disagree");
    return;
  }
  if (!raw.ok) return;
  if (!raw.inexact.empty()) t.failures.push_back(path + ": the raw route fell back");
  for (size_t i = 0; i < raw.tree->n_stmts; ++i) {
    if (Packed(raw.tree->stmts[i]->stmt) != Packed(pb.tree->stmts[i]->stmt) ||
        raw.tree->stmts[i]->stmt_location != pb.tree->stmts[i]->stmt_location ||
        raw.tree->stmts[i]->stmt_len != pb.tree->stmts[i]->stmt_len) {
      t.failures.push_back(path + ": the parse routes disagree on statement " + std::to_string(i));
    }
  }
  ++t.cross_checked;
}

TEST(CorpusTest, EveryFileParsesPartitionsAndIsKeyed) {
  std::string dir = testing::CorpusDir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir << " (PGSTATE_CORPUS_DIR)";
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  ASSERT_FALSE(paths.empty());

  // Merge cases repeat the same file often: parse each distinct content once.
  std::vector<std::pair<std::string, std::string>> distinct;
  std::unordered_set<std::string> seen;
  for (const std::string& p : paths) {
    auto text = core::ReadFile(p);
    ASSERT_TRUE(text.ok()) << p;
    if (seen.insert(*text).second) distinct.emplace_back(p, std::move(*text));
  }
  seen.clear();

  std::atomic<size_t> next{0};
  std::mutex mu;
  Totals totals;
  auto worker = [&] {
    Totals mine;
    for (size_t i = next++; i < distinct.size(); i = next++) {
      CheckFile(distinct[i].first, distinct[i].second, mine);
      if (i % 4 == 0) CrossCheckRoutes(distinct[i].first, distinct[i].second, mine);
    }
    std::lock_guard<std::mutex> lock(mu);
    totals.statements += mine.statements;
    totals.cross_checked += mine.cross_checked;
    totals.keyed += mine.keyed;
    totals.files_with_syntax_errors += mine.files_with_syntax_errors;
    for (const auto& [k, v] : mine.unkeyed) totals.unkeyed[k] += v;
    totals.failures.insert(totals.failures.end(), mine.failures.begin(), mine.failures.end());
  };
  std::vector<std::thread> threads;
  unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  for (unsigned i = 0; i < n; ++i) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();

  std::printf(
      "corpus: %zu files, %zu distinct, %zu statements, %zu keyed, %zu files with syntax "
      "errors (newer PostgreSQL syntax)\n",
      paths.size(), distinct.size(), totals.statements, totals.keyed,
      totals.files_with_syntax_errors);
  std::printf("  parse routes compared statement by statement on %zu files\n",
              totals.cross_checked);
  for (const auto& [reason, count] : totals.unkeyed) {
    std::printf("  unkeyed, %s: %zu\n", reason.c_str(), count);
  }
  for (size_t i = 0; i < std::min<size_t>(totals.failures.size(), 20); ++i) {
    ADD_FAILURE() << totals.failures[i];
  }
  EXPECT_TRUE(totals.failures.empty()) << totals.failures.size() << " problems";
  EXPECT_GT(totals.keyed, totals.statements / 2);
}

}  // namespace
}  // namespace pgstate::sql
