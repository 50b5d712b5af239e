// Properties of the merge, checked with random edits (tables, columns, indexes, rows added,
// changed and removed) of real schema files from the corpus:
//   merge(O, A, A) = A;  merge(O, O, B) = B;  merge(O, A, O) = A   (byte for byte)
//   merge(O, A, B) and merge(O, B, A) hold the same statements
//   edits of different objects merge into what applying both gives.
// Seeds are fixed, so a failure reproduces; it names the file, the seed and the edits.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "merge/result_check.h"
#include "merge_testing.h"
#include "sql/source_file.h"

namespace pgstate::merge {
namespace {

using testing::CheckedMerge;
using testing::ReadOrEmpty;

struct Edit {
  size_t pos = 0;    // byte offset in O
  size_t erase = 0;  // bytes of O removed from pos
  std::string text;  // inserted at pos
  std::string what;  // for failure messages
};

std::string Apply(const std::string& o, std::vector<Edit> edits) {
  // Back to front, so offsets stay valid; inserts at one place keep their order.
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.pos > b.pos; });
  std::string out = o;
  for (size_t i = 0; i < edits.size();) {
    size_t j = i;
    std::string text;
    size_t erase = 0;
    while (j < edits.size() && edits[j].pos == edits[i].pos) {
      text = edits[j].text + text;
      erase = std::max(erase, edits[j].erase);
      ++j;
    }
    out.replace(edits[i].pos, erase, text);
    i = j;
  }
  return out;
}

bool PlainName(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// Random edits of distinct objects: each statement is removed or changed by at most one edit;
// columns may be appended to one table by several.
class EditMaker {
 public:
  EditMaker(const std::string& text, uint32_t seed)
      : file_(sql::SourceFile::Parse("O.sql", text)), rng_(seed) {}

  bool usable() const { return file_.errors().empty() && !file_.statements().empty(); }

  std::vector<Edit> Make(size_t count) {
    std::vector<Edit> edits;
    for (size_t attempts = 0; edits.size() < count && attempts < count * 50; ++attempts) {
      if (auto e = One()) edits.push_back(std::move(*e));
    }
    return edits;
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::string Fresh() { return std::to_string(++serial_) + std::to_string(Pick(100000)); }
  const sql::Statement& At(size_t i) const { return file_.statements()[i]; }
  bool IsTable(const sql::Statement& s) const {
    return s.key.kind == "table" && s.node_type == "CreateStmt" && !s.elements.empty() &&
           !s.element_list.empty() && !s.elements.back().span.empty() &&
           PlainName(s.key.QualifiedName());
  }

  std::optional<Edit> One() {
    const auto& stmts = file_.statements();
    size_t i = Pick(stmts.size());
    const sql::Statement& s = At(i);
    Edit e;
    switch (Pick(6)) {
      case 0:  // add a table after statement i
        e.pos = s.chunk.end;
        e.text = "\nCREATE TABLE public.prop_t" + Fresh() +
                 " (\n    id integer NOT NULL,\n    name text\n);\n";
        e.what = "add table after #" + std::to_string(i);
        return e;
      case 1: {  // add an index on the first column of a table, after statement i
        if (!IsTable(s) || s.elements[0].key.kind != "column") return std::nullopt;
        std::string col = s.elements[0].key.name.substr(s.elements[0].key.name.rfind('.') + 1);
        if (!PlainName(col)) return std::nullopt;
        e.pos = s.chunk.end;
        e.text = "\nCREATE INDEX prop_i" + Fresh() + " ON " + s.key.QualifiedName() +
                 " USING btree (" + col + ");\n";
        e.what = "add index on " + s.key.ToString();
        return e;
      }
      case 2:  // append a column
        if (!IsTable(s) || exclusive_.count(i)) return std::nullopt;
        shared_.insert(i);
        e.pos = s.elements.back().span.end;
        e.text = ",\n    prop_c" + Fresh() + " integer";
        e.what = "append column to " + s.key.ToString();
        return e;
      case 3: {  // change a column's type
        if (!IsTable(s) || exclusive_.count(i) || shared_.count(i)) return std::nullopt;
        const sql::Element& el = s.elements[Pick(s.elements.size())];
        std::string col = el.key.name.substr(el.key.name.rfind('.') + 1);
        if (el.key.kind != "column" || !PlainName(col) || el.span.empty()) return std::nullopt;
        exclusive_.insert(i);
        e.pos = el.span.begin;
        e.erase = el.span.size();
        e.text = col + " bigint";
        e.what = "change " + el.key.ToString();
        return e;
      }
      case 4:  // remove a keyed statement
        if (s.key.empty() || exclusive_.count(i) || shared_.count(i) ||
            (s.key.kind != "table" && s.key.kind != "index" && s.key.kind != "view" &&
             s.key.kind != "constraint")) {
          return std::nullopt;
        }
        exclusive_.insert(i);
        e.pos = s.chunk.begin;
        e.erase = s.chunk.size();
        e.what = "remove " + s.key.ToString();
        return e;
      default: {  // add a migration row
        if (!s.elements_are_rows || s.elements.empty() || s.elements.back().span.empty()) {
          return std::nullopt;
        }
        std::string version = "'2999" + Fresh() + "'";
        if (s.elements.size() > 1) {
          e.pos = s.elements.back().span.end;
          e.text = ",\n(" + version + ")";
        } else {
          e.pos = s.chunk.end;
          e.text = "\n" + std::string(file_.TextOf({s.text.begin, s.element_list.begin})) + "(" +
                   version + ");\n";
        }
        e.what = "add row " + version;
        return e;
      }
    }
  }

  sql::SourceFile file_;
  std::mt19937 rng_;
  int serial_ = 0;
  std::set<size_t> exclusive_, shared_;
};

std::string Describe(const std::vector<Edit>& edits) {
  std::string out;
  for (const Edit& e : edits) out += "  " + e.what + "\n";
  return out;
}

struct Sample {
  const char* file;
  int trials;
};

TEST(MergePropertyTest, RandomEditsOfRealSchemas) {
  std::string corpus = testing::CorpusDir() + "/merges";
  const Sample samples[] = {
      {"fixmystreet/009/base.sql", 12},
      {"musicbrainz-server/010/base.sql", 8},
      {"postgrest/003/base.sql", 10},
      {"e-petitions/003/base.sql", 8},
      {"openstreetmap-website/012/base.sql", 4},
      {"bike_index/130/base.sql", 3},
  };
  int files = 0;
  std::map<std::string, int> kinds;  // how often each kind of edit was made
  for (const Sample& sample : samples) {
    std::string o = ReadOrEmpty(corpus + "/" + sample.file);
    if (o.empty()) continue;
    ++files;
    for (int trial = 0; trial < sample.trials; ++trial) {
      uint32_t seed = 1000u * static_cast<uint32_t>(files) + static_cast<uint32_t>(trial);
      EditMaker maker(o, seed);
      ASSERT_TRUE(maker.usable()) << sample.file;
      std::vector<Edit> all = maker.Make(2 + seed % 5);
      for (const Edit& e : all) ++kinds[e.what.substr(0, e.what.find(' ', e.what.find(' ') + 1))];
      std::vector<Edit> ea, eb;
      for (size_t k = 0; k < all.size(); ++k) (k % 2 == 0 ? ea : eb).push_back(all[k]);
      std::string a = Apply(o, ea), b = Apply(o, eb), both = Apply(o, all);
      SCOPED_TRACE(std::string(sample.file) + " seed " + std::to_string(seed) + "\nA:\n" +
                   Describe(ea) + "B:\n" + Describe(eb));

      MergeOptions options = testing::TestOptions();
      EXPECT_EQ(CheckedMerge(o, a, a, options).text, a);
      EXPECT_EQ(CheckedMerge(o, o, b, options).text, b);
      EXPECT_EQ(CheckedMerge(o, a, o, options).text, a);

      MergeResult ab = CheckedMerge(o, a, b, options);
      MergeResult ba = CheckedMerge(o, b, a, options);
      EXPECT_EQ(ab.conflicts, 0);
      EXPECT_EQ(ba.conflicts, 0);
      EXPECT_FALSE(ab.textual);
      auto sig_ab = StatementSignatures(ab.text), sig_ba = StatementSignatures(ba.text);
      ASSERT_TRUE(sig_ab.has_value());
      EXPECT_EQ(sig_ab, sig_ba);
      EXPECT_EQ(sig_ab, StatementSignatures(both));
    }
  }
  if (files == 0) GTEST_SKIP() << "no corpus at '" << corpus << "'";
  std::string seen;
  for (const auto& [kind, n] : kinds) seen += kind + ": " + std::to_string(n) + "\n";
  for (const char* kind :
       {"add table", "add index", "append column", "change column", "remove table", "add row"}) {
    EXPECT_GT(kinds[kind], 0) << "never made an edit '" << kind << "'; made:\n" << seen;
  }
}

}  // namespace
}  // namespace pgstate::merge
