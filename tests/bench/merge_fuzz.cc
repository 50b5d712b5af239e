// merge_fuzz: a semantic fuzzer of the schema merge on real schema histories.
//
// Each case takes a version of a real structure.sql ($PGSTATE_CORPUS_DIR/histories/*/NN.sql) as
// the base and makes two sides of random edits, of one of three shapes:
//   separate     the sides edit different objects (tables, columns and indexes added, column
//                types changed, statements removed): the merge must be clean, hold what
//                applying both sides' edits gives, and resolve every reference that both
//                sides resolve;
//   dependent    one side removes a table or a column (with everything of its own that uses
//                it), the other adds something that uses it (an index, a CHECK, a comment, a
//                view, a foreign key): the merge must conflict and say why;
//   overlapping  both sides change the same column: the same change merges once, different
//                changes conflict.
// Every merge runs in both directions and through CheckMergeResult (nothing lost, duplicated or
// made up). Prints the counts of each shape and outcome; exits 1 on the first broken property
// (with the file, the case's seed and both sides' edits), 0 otherwise.
//
//   merge_fuzz [--cases N] [--seed S] [--corpus DIR]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/file.h"
#include "merge/result_check.h"
#include "merge/schema_merge.h"
#include "schema/model.h"
#include "sql/source_file.h"

namespace {

using pgstate::merge::DependencyKey;
using pgstate::merge::MergeOptions;
using pgstate::merge::MergeResult;
using pgstate::sql::ObjectKey;
using pgstate::sql::SourceFile;
using pgstate::sql::Statement;

struct Edit {
  size_t pos = 0;    // byte offset in the base
  size_t erase = 0;  // bytes removed from pos
  std::string text;  // inserted at pos
  std::string what;
};

std::string Apply(const std::string& o, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.pos > b.pos; });
  std::string out = o;
  for (const Edit& e : edits) out.replace(e.pos, e.erase, e.text);
  return out;
}

std::string Describe(const std::vector<Edit>& edits) {
  std::string out;
  for (const Edit& e : edits) out += "    " + e.what + "\n";
  return out;
}

bool Plain(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

std::string Last(const std::string& name) { return name.substr(name.rfind('.') + 1); }

// The references of `text` no definition of it satisfies, by DependencyKey.
std::set<std::string> Unresolved(const std::string& text) {
  std::vector<SourceFile> files;
  files.push_back(SourceFile::Parse("fuzz.sql", text));
  pgstate::schema::Model model = pgstate::schema::Model::Build(std::move(files));
  std::set<std::string> out;
  for (const pgstate::schema::Reference* r : model.Unresolved()) out.insert(DependencyKey(r->key));
  return out;
}

class Fuzzer {
 public:
  Fuzzer(const std::string& text, uint32_t seed)
      : text_(text), file_(SourceFile::Parse("base.sql", text)), rng_(seed) {
    for (size_t i = 0; i < file_.statements().size(); ++i) {
      const Statement& s = file_.statements()[i];
      if (s.key.kind == "table" && s.node_type == "CreateStmt" && !s.element_list.empty() &&
          !s.elements.empty() && !s.elements.back().span.empty() && Plain(s.key.QualifiedName())) {
        tables_.push_back(i);
      }
    }
  }
  bool usable() const { return file_.errors().empty() && tables_.size() >= 4; }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  const Statement& At(size_t i) const { return file_.statements()[i]; }
  std::string Fresh() { return std::to_string(++serial_) + std::to_string(Pick(100000)); }

  // A plain column of table statement i: (element index, name), or nullopt.
  std::optional<std::pair<size_t, std::string>> Column(size_t i) {
    const Statement& s = At(i);
    for (size_t tries = 0; tries < 8; ++tries) {
      size_t k = Pick(s.elements.size());
      const auto& el = s.elements[k];
      if (el.key.kind == "column" && Plain(Last(el.key.name)) && !el.span.empty()) {
        return std::make_pair(k, Last(el.key.name));
      }
    }
    return std::nullopt;
  }

  // Separate edits of distinct statements: `used` keeps the two sides apart.
  std::vector<Edit> Separate(size_t count, std::set<size_t>& used) {
    std::vector<Edit> edits;
    for (size_t attempts = 0; edits.size() < count && attempts < 50; ++attempts) {
      size_t i = tables_[Pick(tables_.size())];
      if (used.count(i)) continue;
      const Statement& s = At(i);
      Edit e;
      switch (Pick(5)) {
        case 0:
          e.pos = s.chunk.end;
          e.text = "\nCREATE TABLE public.fuzz_t" + Fresh() +
                   " (\n    id integer NOT NULL,\n    name text\n);\n";
          e.what = "add a table after " + s.key.ToString();
          break;
        case 1: {
          auto c = Column(i);
          if (!c) continue;
          e.pos = s.chunk.end;
          e.text = "\nCREATE INDEX fuzz_i" + Fresh() + " ON " + s.key.QualifiedName() +
                   " USING btree (" + c->second + ");\n";
          e.what = "add an index on " + s.key.ToString() + " (" + c->second + ")";
          break;
        }
        case 2:
          e.pos = s.elements.back().span.end;
          e.text = ",\n    fuzz_c" + Fresh() + " integer";
          e.what = "append a column to " + s.key.ToString();
          break;
        case 3: {
          auto c = Column(i);
          if (!c) continue;
          const auto& el = s.elements[c->first];
          e.pos = el.span.begin;
          e.erase = el.span.size();
          e.text = c->second + " bigint";
          e.what = "change the type of " + el.key.ToString();
          break;
        }
        default: {  // remove an index (nothing uses one)
          size_t k = Pick(file_.statements().size());
          const Statement& x = At(k);
          if (x.key.kind != "index" || used.count(k)) continue;
          used.insert(k);
          e.pos = x.chunk.begin;
          e.erase = x.chunk.size();
          e.what = "remove " + x.key.ToString();
          break;
        }
      }
      used.insert(i);
      edits.push_back(std::move(e));
    }
    return edits;
  }

  // Removes what defines `key` (a whole statement, or one element of a CREATE TABLE when the
  // key is a column) and, transitively, every statement that uses what is removed, as one
  // edit per statement; nullopt when a removal would cut into a statement other than by a
  // whole element. `also` adds keys removed along.
  std::optional<Edit> RemoveWithDependents(const std::string& key, std::set<std::string> also) {
    std::set<std::string> gone = std::move(also);
    gone.insert(key);
    std::set<size_t> removed;
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t i = 0; i < file_.statements().size(); ++i) {
        if (removed.count(i)) continue;
        const Statement& s = At(i);
        bool hit = !s.key.empty() && gone.count(DependencyKey(s.key));
        for (const ObjectKey& r : s.references) hit |= gone.count(DependencyKey(r)) > 0;
        // A statement on a removed relation (a comment, a constraint, an index) goes with it.
        size_t dot = s.key.name.find('.');
        if (dot != std::string::npos) {
          hit |= gone.count("relation " + s.key.schema + "." + s.key.name.substr(0, dot)) > 0;
        }
        if (!hit) continue;
        if (s.key.kind == "table" && !gone.count(DependencyKey(s.key))) {
          return std::nullopt;  // a table using a removed column: would need an element cut
        }
        removed.insert(i);
        if (!s.key.empty()) gone.insert(DependencyKey(s.key));
        for (const ObjectKey& k : s.extra_keys) gone.insert(DependencyKey(k));
        grew = true;
      }
    }
    if (removed.empty()) return std::nullopt;
    // One edit over the removed statements (they are separate chunks: several replacements).
    Edit e;
    e.what = "remove " + key + " and " + std::to_string(removed.size() - 1) + " dependents";
    std::string out;
    size_t at = 0;
    for (size_t i : removed) {
      out.append(text_, at, At(i).chunk.begin - at);
      at = At(i).chunk.end;
    }
    out.append(text_, at, std::string::npos);
    e.pos = 0;
    e.erase = text_.size();
    e.text = std::move(out);
    return e;
  }

  const std::vector<size_t>& tables() const { return tables_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  SourceFile file_;
  std::mt19937 rng_;
  int serial_ = 0;
  std::vector<size_t> tables_;
};

struct Counts {
  std::map<std::string, int> by;
  void Add(const std::string& what) { ++by[what]; }
};

struct Case {
  std::string file;
  uint32_t seed = 0;
  std::string base, a, b;
  std::vector<Edit> ea, eb;
  std::string shape;
};

[[noreturn]] void Fail(const Case& c, const std::string& why, const std::string& result) {
  std::fprintf(stderr,
               "merge_fuzz: %s case broke a property: %s\n  file %s, seed %u\n  side A:\n%s"
               "  side B:\n%s--- result:\n%s\n",
               c.shape.c_str(), why.c_str(), c.file.c_str(), c.seed, Describe(c.ea).c_str(),
               Describe(c.eb).c_str(), result.substr(0, 4000).c_str());
  std::exit(1);
}

MergeResult Merge(const Case& c, const std::string& ours, const std::string& theirs) {
  MergeOptions options;
  options.text.ours_label = "ours";
  options.text.theirs_label = "theirs";
  auto r = pgstate::merge::MergeSchemaText(c.base, ours, theirs, options);
  if (!r.ok()) Fail(c, "merge failed: " + r.error().message, "");
  std::vector<std::string> problems =
      pgstate::merge::CheckMergeResult(c.base, ours, theirs, r->text, 7);
  if (!problems.empty()) Fail(c, problems.front(), r->text);
  return std::move(r).value();
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 200;
  uint32_t seed = 20261207;
  std::string corpus;
  if (const char* d = std::getenv("PGSTATE_CORPUS_DIR")) corpus = d;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--cases") {
      cases = std::atoi(argv[i + 1]);
    } else if (flag == "--seed") {
      seed = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    } else if (flag == "--corpus") {
      corpus = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: merge_fuzz [--cases N] [--seed S] [--corpus DIR]\n");
      return 129;
    }
  }
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& project : std::filesystem::directory_iterator(corpus + "/histories", ec)) {
    if (!project.is_directory()) continue;
    for (const auto& f : std::filesystem::directory_iterator(project.path())) {
      if (f.path().extension() == ".sql") files.push_back(f.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::printf("skipped: no histories under '%s/histories'\n", corpus.c_str());
    return 125;
  }

  Counts counts;
  std::map<std::string, std::string> texts;
  auto started = std::chrono::steady_clock::now();
  std::mt19937 pick(seed);
  for (int n = 0; n < cases; ++n) {
    Case c;
    c.seed = seed + static_cast<uint32_t>(n);
    c.file = files[std::uniform_int_distribution<size_t>(0, files.size() - 1)(pick)];
    if (!texts.count(c.file)) {
      auto t = pgstate::core::ReadFile(c.file);
      texts[c.file] = t.ok() ? *t : std::string();
    }
    c.base = texts[c.file];
    Fuzzer f(c.base, c.seed);
    if (!f.usable()) continue;
    switch (f.Pick(3)) {
      case 0: {  // separate
        c.shape = "separate";
        std::set<size_t> used;
        c.ea = f.Separate(1 + f.Pick(4), used);
        c.eb = f.Separate(1 + f.Pick(4), used);
        c.a = Apply(c.base, c.ea);
        c.b = Apply(c.base, c.eb);
        MergeResult ab = Merge(c, c.a, c.b), ba = Merge(c, c.b, c.a);
        if (ab.conflicts > 0 || ba.conflicts > 0) Fail(c, "separate edits conflict", ab.text);
        std::vector<Edit> all = c.ea;
        all.insert(all.end(), c.eb.begin(), c.eb.end());
        auto want = pgstate::merge::StatementSignatures(Apply(c.base, all));
        if (pgstate::merge::StatementSignatures(ab.text) != want ||
            pgstate::merge::StatementSignatures(ba.text) != want) {
          Fail(c, "the clean result is not base + both sides' edits", ab.text);
        }
        std::set<std::string> sides = Unresolved(c.a);
        for (const std::string& k : Unresolved(c.b)) sides.insert(k);
        for (const std::string& k : Unresolved(ab.text)) {
          if (!sides.count(k)) Fail(c, "the clean result does not resolve " + k, ab.text);
        }
        counts.Add("separate: clean, equal to both edits, references resolve");
        break;
      }
      case 1: {  // dependent
        c.shape = "dependent";
        size_t i = f.tables()[f.Pick(f.tables().size())];
        const Statement& s = f.At(i);
        std::string table = s.key.QualifiedName();
        auto col = f.Column(i);
        if (!col) continue;
        bool drop_table = f.Pick(2) == 0;
        std::optional<Edit> removal;
        if (drop_table) {
          removal = f.RemoveWithDependents(DependencyKey(s.key), {});
        } else {
          // Remove one column element; other statements using it go too.
          const auto& el = s.elements[col->first];
          if (s.elements.size() < 2) continue;
          std::string cut_from = c.base;
          size_t begin = el.span.begin, end = el.span.end;
          if (col->first + 1 < s.elements.size()) {
            end = s.elements[col->first + 1].span.begin;
          } else {
            begin = s.elements[col->first - 1].span.end;
          }
          auto others = f.RemoveWithDependents(
              "column " + s.key.schema + "." + s.key.name + "." + col->second, {});
          std::string text = others ? others->text : c.base;
          // The column's own element, cut from the (unchanged) table statement.
          std::string element(c.base, begin, end - begin);
          size_t at = text.find(std::string(c.base, s.text.begin, s.text.end - s.text.begin));
          if (at == std::string::npos) continue;
          size_t within = at + (begin - s.text.begin);
          if (text.compare(within, element.size(), element) != 0) continue;
          text.erase(within, element.size());
          Edit e;
          e.pos = 0;
          e.erase = c.base.size();
          e.text = std::move(text);
          e.what = "remove column " + table + "." + col->second + " and what uses it";
          removal = std::move(e);
        }
        if (!removal) continue;
        std::string name = "fuzz_d" + f.Fresh();
        std::vector<std::string> uses = {
            "CREATE INDEX " + name + " ON " + table + " USING btree (" + col->second + ");",
            "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK ((" + col->second +
                " IS NOT NULL));",
            "COMMENT ON COLUMN " + table + "." + col->second + " IS 'fuzz';",
            "CREATE VIEW public." + name + " AS SELECT " + col->second + " FROM " + table + ";",
        };
        if (drop_table) uses.push_back("COMMENT ON TABLE " + table + " IS 'fuzz';");
        Edit add;
        add.pos = c.base.size();
        add.text = "\n" + uses[f.Pick(uses.size())] + "\n";
        add.what = "add: " + add.text.substr(1, add.text.size() - 2);
        c.ea = {*removal};
        c.eb = {add};
        c.a = Apply(c.base, c.ea);
        c.b = Apply(c.base, c.eb);
        // The removing side must stand on its own (nothing of its own left dangling).
        std::set<std::string> before = Unresolved(c.base);
        bool self_consistent = true;
        for (const std::string& k : Unresolved(c.a)) self_consistent &= before.count(k) > 0;
        if (!self_consistent) {
          counts.Add("dependent: skipped (the removal leaves its own dangling reference)");
          continue;
        }
        MergeResult ab = Merge(c, c.a, c.b), ba = Merge(c, c.b, c.a);
        if (ab.conflicts == 0 || ba.conflicts == 0) {
          Fail(c, "a removal against an addition that uses it merged clean",
               ab.conflicts == 0 ? ab.text : ba.text);
        }
        if (ab.warnings.empty() || ba.warnings.empty()) Fail(c, "no warning names the two", "");
        counts.Add(std::string("dependent: conflict (") + (drop_table ? "table" : "column") +
                   " removed)");
        break;
      }
      default: {  // overlapping
        c.shape = "overlapping";
        size_t i = f.tables()[f.Pick(f.tables().size())];
        const Statement& s = f.At(i);
        auto col = f.Column(i);
        if (!col) continue;
        const auto& el = s.elements[col->first];
        bool same = f.Pick(3) == 0;
        auto change = [&](const char* type) {
          Edit e;
          e.pos = el.span.begin;
          e.erase = el.span.size();
          e.text = col->second + " " + type;
          e.what = "change " + el.key.ToString() + " to " + type;
          return e;
        };
        c.ea = {change("bigint")};
        c.eb = {change(same ? "bigint" : "numeric(20,0)")};
        std::string now(c.base, el.span.begin, el.span.size());
        if (now == c.ea[0].text || now == c.eb[0].text) continue;  // a side would change nothing
        c.a = Apply(c.base, c.ea);
        c.b = Apply(c.base, c.eb);
        MergeResult ab = Merge(c, c.a, c.b), ba = Merge(c, c.b, c.a);
        if (same) {
          if (ab.conflicts > 0 || ab.text != c.a || ba.text != c.a) {
            Fail(c, "the same change did not merge once", ab.text);
          }
          counts.Add("overlapping: same change, merged once");
        } else {
          if (ab.conflicts == 0 || ba.conflicts == 0)
            Fail(c, "different changes merged clean", ab.text);
          counts.Add("overlapping: different changes, conflict");
        }
        break;
      }
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("merge_fuzz: %d cases from %zu history files, seed %u, %.1f s\n", cases, files.size(),
              seed, seconds);
  std::printf("%-70s %6s\n", "shape: outcome", "cases");
  for (const auto& [what, n] : counts.by) std::printf("%-70s %6d\n", what.c_str(), n);
  return 0;
}
