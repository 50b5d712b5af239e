// Replays the real merges of $PGSTATE_CORPUS_DIR/merges (base, ours, theirs and what a person
// committed) through the merge and asserts that no case loses, duplicates or makes up an
// object. With PGSTATE_MERGE_CORPUS_REPORT=1 it prints the per-repository table that
// tests/bench/merge_corpus.sh shows; with PGSTATE_MERGE_CORPUS_DETAILS=1 also every case.

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "git/merge_file.h"
#include "merge/element_merge.h"
#include "merge/result_check.h"
#include "merge/schema_merge.h"
#include "merge_testing.h"
#include "sql/source_file.h"

namespace pgstate::merge {
namespace {

using testing::CorpusDir;
using testing::ReadOrEmpty;

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

uint64_t Meaning(const sql::Statement& s, std::string_view text) {
  return s.canonical != 0 ? s.canonical : HashBytes(CollapseWhitespace(s.text.In(text)));
}

// Why what the person committed is more than a combination of the two sides, or "".
std::string PersonDidMore(const sql::SourceFile& base, const sql::SourceFile& ours,
                          const sql::SourceFile& theirs, const sql::SourceFile& actual) {
  if (!actual.errors().empty()) return "does not parse";
  struct Info {
    std::map<std::string, std::multiset<uint64_t>> by_key;
    std::set<uint64_t> statements, elements;
  };
  auto info = [](const sql::SourceFile& f) {
    Info i;
    for (const sql::Statement& s : f.statements()) {
      uint64_t m = Meaning(s, f.text());
      i.statements.insert(m);
      if (!s.key.empty()) i.by_key[s.key.ToString()].insert(m);
      for (const sql::Element& e : s.elements) {
        uint64_t em = e.canonical != 0 ? e.canonical : HashBytes(e.span.In(f.text()));
        i.elements.insert(em);
        if (!e.key.empty()) i.by_key[e.key.ToString()].insert(em);
      }
    }
    return i;
  };
  const Info b = info(base), o = info(ours), t = info(theirs), a = info(actual);
  for (const auto& [key, ms] : a.by_key) {
    size_t most = 0;
    for (const Info* i : {&b, &o, &t}) {
      auto it = i->by_key.find(key);
      if (it != i->by_key.end()) most = std::max(most, it->second.size());
    }
    if (ms.size() > most && most > 0) return "duplicates '" + key + "'";
  }
  for (const auto& [side, name] : {std::pair{&o, "ours"}, std::pair{&t, "theirs"}}) {
    for (const auto& [key, ms] : side->by_key) {
      if (b.by_key.count(key) == 0 && a.by_key.count(key) == 0) {
        return std::string("drops ") + name + "' addition '" + key + "'";
      }
    }
    const Info* other = side == &o ? &t : &o;
    for (const auto& [key, ms] : b.by_key) {
      auto is = side->by_key.find(key), io = other->by_key.find(key);
      auto ia = a.by_key.find(key);
      if (is == side->by_key.end() && io != other->by_key.end() && io->second == ms &&
          ia != a.by_key.end()) {
        return std::string("undoes ") + name + "' deletion of '" + key + "'";
      }
      if (is != side->by_key.end() && is->second != ms && io != other->by_key.end() &&
          io->second == ms && ia != a.by_key.end() && ia->second == ms) {
        return std::string("drops ") + name + "' change to '" + key + "'";
      }
    }
  }
  for (const sql::Statement& s : actual.statements()) {
    bool known = s.elements.empty() ? (b.statements.count(Meaning(s, actual.text())) ||
                                       o.statements.count(Meaning(s, actual.text())) ||
                                       t.statements.count(Meaning(s, actual.text())))
                                    : true;
    for (const sql::Element& e : s.elements) {
      uint64_t em = e.canonical != 0 ? e.canonical : HashBytes(e.span.In(actual.text()));
      if (!b.elements.count(em) && !o.elements.count(em) && !t.elements.count(em)) known = false;
    }
    if (!known) {
      std::string_view line = actual.TextOf(s.text);
      line = line.substr(0, std::min(line.find('\n'), size_t{60}));
      return "edits of its own: '" + std::string(line) + "'";
    }
  }
  return "";
}

struct Row {
  int cases = 0, git_conflicts = 0, git_equal = 0, ours_equal = 0, ours_conflicted = 0,
      ours_different = 0, ours_different_person = 0, textual = 0;
  // Over the cases git's text merge conflicts on.
  int gc_ours_equal = 0, gc_person = 0;
};

TEST(CorpusTest, NoMergeLosesOrInventsAnObject) {
  std::string root = CorpusDir() + "/merges";
  std::vector<std::string> repos = ListDir(root);
  if (repos.empty()) GTEST_SKIP() << "no corpus at '" << root << "'";
  bool report = std::getenv("PGSTATE_MERGE_CORPUS_REPORT") != nullptr;
  bool details = std::getenv("PGSTATE_MERGE_CORPUS_DETAILS") != nullptr;
  std::map<std::string, Row> rows;
  int checked = 0;
  for (const std::string& repo : repos) {
    for (const std::string& id : ListDir(root + "/" + repo)) {
      std::string dir = root + "/" + repo + "/" + id;
      std::string base = ReadOrEmpty(dir + "/base.sql"), ours = ReadOrEmpty(dir + "/ours.sql"),
                  theirs = ReadOrEmpty(dir + "/theirs.sql");
      std::string actual = ReadOrEmpty(dir + "/actual.sql");
      if (ours.empty() && theirs.empty()) continue;
      ++checked;
      MergeOptions options;
      options.path = repo + "/" + id;
      core::Result<MergeResult> merged = MergeSchemaText(base, ours, theirs, options);
      ASSERT_TRUE(merged.ok()) << dir;
      std::vector<std::string> problems =
          CheckMergeResult(base, ours, theirs, merged->text, options.text.marker_size);
      EXPECT_TRUE(problems.empty()) << dir << "\n" << testing::JoinLines(problems);
      if (!report && !details) continue;

      auto git = git::MergeFile(base, ours, theirs, options.text);
      ASSERT_TRUE(git.ok());
      auto actual_sig = StatementSignatures(actual);
      bool git_equal =
          !git->conflicted() &&
          (git->text == actual || (actual_sig && StatementSignatures(git->text) == actual_sig));
      bool ours_equal = merged->conflicts == 0 &&
                        (merged->text == actual ||
                         (actual_sig && StatementSignatures(merged->text) == actual_sig));
      std::string person;
      if (!ours_equal) {
        person =
            PersonDidMore(sql::SourceFile::Parse("b", base), sql::SourceFile::Parse("o", ours),
                          sql::SourceFile::Parse("t", theirs), sql::SourceFile::Parse("a", actual));
      }
      Row& r = rows[repo];
      ++r.cases;
      r.git_conflicts += git->conflicted();
      r.git_equal += git_equal;
      r.ours_equal += ours_equal;
      r.ours_conflicted += merged->conflicts > 0;
      bool different = merged->conflicts == 0 && !ours_equal;
      r.ours_different += different;
      r.ours_different_person += different && !person.empty();
      r.textual += merged->textual;
      if (git->conflicted()) {
        r.gc_ours_equal += ours_equal;
        r.gc_person += !ours_equal && !person.empty();
      }
      if (details) {
        std::printf("%-28s git=%s ours=%s%s%s\n", (repo + "/" + id).c_str(),
                    git->conflicted() ? "conflict" : (git_equal ? "equal" : "different"),
                    merged->conflicts > 0
                        ? ("conflict(" + std::to_string(merged->conflicts) + ")").c_str()
                        : (ours_equal ? "equal" : "different"),
                    merged->textual ? " [text]" : "",
                    person.empty() ? "" : ("  person: " + person).c_str());
      }
    }
  }
  EXPECT_GT(checked, 0);
  if (!report) return;
  Row total;
  std::printf("\n%-22s %5s %6s %6s | %6s %6s %6s %7s %5s | %9s %9s\n", "repository", "cases",
              "git-c", "git=a", "ours=a", "ours-c", "ours!=", "(pers.)", "text", "gc:ours=a",
              "gc:pers.");
  auto print = [](const std::string& name, const Row& r) {
    std::printf("%-22s %5d %6d %6d | %6d %6d %6d %7d %5d | %9d %9d\n", name.c_str(), r.cases,
                r.git_conflicts, r.git_equal, r.ours_equal, r.ours_conflicted, r.ours_different,
                r.ours_different_person, r.textual, r.gc_ours_equal, r.gc_person);
  };
  for (const auto& [repo, r] : rows) {
    print(repo, r);
    total.cases += r.cases;
    total.git_conflicts += r.git_conflicts;
    total.git_equal += r.git_equal;
    total.ours_equal += r.ours_equal;
    total.ours_conflicted += r.ours_conflicted;
    total.ours_different += r.ours_different;
    total.ours_different_person += r.ours_different_person;
    total.textual += r.textual;
    total.gc_ours_equal += r.gc_ours_equal;
    total.gc_person += r.gc_person;
  }
  print("total", total);
  int target = total.git_conflicts - total.gc_person;
  std::printf(
      "\nwhere git's text merge conflicts: %d cases, %d where the person did more than combine;"
      "\nours clean and equal on %d of the other %d (%.1f%%)\n",
      total.git_conflicts, total.gc_person, total.gc_ours_equal, target,
      target > 0 ? 100.0 * total.gc_ours_equal / target : 0.0);
}

}  // namespace
}  // namespace pgstate::merge
