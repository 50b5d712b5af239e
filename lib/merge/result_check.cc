#include "merge/result_check.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "merge/element_merge.h"
#include "sql/source_file.h"

namespace pgstate::merge {

namespace {

enum class MarkerKind { kNone, kOurs, kBase, kSeparator, kTheirs };

MarkerKind Marker(std::string_view line, size_t n) {
  if (line.size() < n) return MarkerKind::kNone;
  char c = line[0];
  if (c != '<' && c != '|' && c != '=' && c != '>') return MarkerKind::kNone;
  for (size_t i = 1; i < n; ++i) {
    if (line[i] != c) return MarkerKind::kNone;
  }
  if (line.size() > n && line[n] != ' ' && line[n] != '\r') return MarkerKind::kNone;
  if (c == '=' && line.size() > n && line.find_first_not_of(" \r", n) != std::string_view::npos) {
    return MarkerKind::kNone;
  }
  switch (c) {
    case '<':
      return MarkerKind::kOurs;
    case '|':
      return MarkerKind::kBase;
    case '=':
      return MarkerKind::kSeparator;
    default:
      return MarkerKind::kTheirs;
  }
}

sql::SourceFile Parse(std::string_view text) {
  return sql::SourceFile::Parse("merge.sql", std::string(text));
}

// The key without its schema: what a statement names when the search_path it is read under
// is not known.
std::string Loose(const sql::ObjectKey& k) { return k.kind + " " + k.name; }

void AddKeys(const sql::SourceFile& f, std::map<std::string, int>& keys,
             std::map<std::string, std::string>* loose = nullptr) {
  auto add = [&](const sql::ObjectKey& k) {
    ++keys[k.ToString()];
    if (loose) (*loose)[k.ToString()] = Loose(k);
  };
  for (const sql::Statement& s : f.statements()) {
    if (!s.key.empty()) add(s.key);
    for (const sql::Element& e : s.elements) {
      // A one-row INSERT's row has the statement's own key: count it once.
      if (!e.key.empty() && e.key != s.key) add(e.key);
    }
  }
}

uint64_t Meaning(const sql::Statement& s, std::string_view text) {
  return s.canonical != 0 ? s.canonical : HashBytes(CollapseWhitespace(s.text.In(text)));
}

uint64_t ElementMeaning(const sql::Element& e, std::string_view text) {
  return e.canonical != 0 ? e.canonical : HashBytes(CollapseWhitespace(e.span.In(text)));
}

std::string FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (line.size() > 80) line = line.substr(0, 80);
  return std::string(line);
}

}  // namespace

std::pair<std::string, std::string> ResolveConflicts(std::string_view text, int marker_size) {
  size_t n = static_cast<size_t>(marker_size > 0 ? marker_size : 7);
  std::string ours, theirs;
  enum { kNormal, kInOurs, kInBase, kInTheirs } state = kNormal;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view line = text.substr(pos, next - pos);
    std::string_view bare = line.substr(0, line.find('\n'));
    MarkerKind m = Marker(bare, n);
    if (m == MarkerKind::kOurs && state == kNormal) {
      state = kInOurs;
    } else if (m == MarkerKind::kBase && state == kInOurs) {
      state = kInBase;
    } else if (m == MarkerKind::kSeparator && (state == kInOurs || state == kInBase)) {
      state = kInTheirs;
    } else if (m == MarkerKind::kTheirs && state == kInTheirs) {
      state = kNormal;
    } else {
      if (state == kNormal || state == kInOurs) ours.append(line);
      if (state == kNormal || state == kInTheirs) theirs.append(line);
    }
    pos = next;
  }
  return {ours, theirs};
}

std::vector<std::string> CheckMergeResult(std::string_view base, std::string_view ours,
                                          std::string_view theirs, std::string_view result,
                                          int marker_size) {
  std::vector<std::string> problems;
  sql::SourceFile fb = Parse(base), fo = Parse(ours), ft = Parse(theirs);
  if (!fb.errors().empty() || !fo.errors().empty() || !ft.errors().empty()) return problems;
  std::map<std::string, int> kb, ko, kt;
  std::map<std::string, std::string> loose;
  AddKeys(fb, kb);
  AddKeys(fo, ko, &loose);
  AddKeys(ft, kt, &loose);

  auto [as_ours, as_theirs] = ResolveConflicts(result, marker_size);
  bool clean = as_ours == result && as_theirs == result;
  std::map<std::string, int> present;
  std::optional<sql::SourceFile> clean_file;
  if (clean) {
    clean_file = Parse(result);
    if (!clean_file->errors().empty()) {
      const core::Diagnostic& d = clean_file->errors().front();
      problems.push_back("clean result does not parse: " + d.location.ToString() + ": " +
                         d.message);
    }
    AddKeys(*clean_file, present);
  } else {
    AddKeys(Parse(as_ours), present);
    AddKeys(Parse(as_theirs), present);
  }
  // Each reading of a conflicted result mixes both sides' search_path settings, so there an
  // object only needs to be found by kind and name.
  std::set<std::string> present_loose;
  if (!clean) {
    for (const std::string& reading : {as_ours, as_theirs}) {
      sql::SourceFile f = Parse(reading);
      for (const sql::Statement& s : f.statements()) {
        if (!s.key.empty()) present_loose.insert(Loose(s.key));
        for (const sql::Element& e : s.elements) {
          if (!e.key.empty()) present_loose.insert(Loose(e.key));
        }
      }
    }
  }

  std::set<std::string> expected;
  for (const auto* side : {&ko, &kt}) {
    for (const auto& [key, count] : *side) {
      bool in_base = kb.count(key) > 0;
      bool deleted = in_base && (ko.count(key) == 0 || kt.count(key) == 0);
      if (!deleted) expected.insert(key);
    }
  }
  for (const std::string& key : expected) {
    if (present.count(key) == 0 && present_loose.count(loose[key]) == 0) {
      problems.push_back("lost '" + key + "'");
    }
  }
  if (!clean) return problems;

  for (const auto& [present_key, count] : present) {
    if (count < 2) continue;
    const std::string& key = present_key;  // clang before 16 cannot capture a structured binding
    auto at_most_once = [&](const std::map<std::string, int>& m) {
      auto it = m.find(key);
      return it == m.end() || it->second <= 1;
    };
    if (at_most_once(kb) && at_most_once(ko) && at_most_once(kt)) {
      problems.push_back("duplicated '" + key + "'");
    }
  }

  std::unordered_set<uint64_t> statements, elements;
  for (const sql::SourceFile* f : {&fb, &fo, &ft}) {
    for (const sql::Statement& s : f->statements()) {
      statements.insert(Meaning(s, f->text()));
      for (const sql::Element& e : s.elements) elements.insert(ElementMeaning(e, f->text()));
    }
  }
  // An object both sides changed may come out as a line-by-line merge of the two: new text,
  // made of both edits.
  auto meanings = [](const sql::SourceFile& f) {
    std::map<std::string, std::set<uint64_t>> m;
    for (const sql::Statement& s : f.statements()) {
      if (!s.key.empty()) m[s.key.ToString()].insert(Meaning(s, f.text()));
    }
    return m;
  };
  auto mb = meanings(fb), mo = meanings(fo), mt = meanings(ft);
  auto both_changed = [&](const std::string& key) {
    auto ib = mb.find(key), io = mo.find(key), it = mt.find(key);
    return ib != mb.end() && io != mo.end() && it != mt.end() && io->second != ib->second &&
           it->second != ib->second;
  };
  for (const sql::Statement& s : clean_file->statements()) {
    if (s.elements.empty()) {
      if (statements.count(Meaning(s, clean_file->text())) == 0 &&
          (s.key.empty() || !both_changed(s.key.ToString()))) {
        problems.push_back("invented statement '" + FirstLine(clean_file->TextOf(s.text)) + "'");
      }
      continue;
    }
    for (const sql::Element& e : s.elements) {
      if (elements.count(ElementMeaning(e, clean_file->text())) == 0) {
        problems.push_back("invented element '" + FirstLine(clean_file->TextOf(e.span)) + "'");
      }
    }
  }
  return problems;
}

std::optional<std::vector<uint64_t>> StatementSignatures(std::string_view text) {
  sql::SourceFile f = Parse(text);
  if (!f.errors().empty()) return std::nullopt;
  std::vector<uint64_t> out;
  for (const sql::Statement& s : f.statements()) {
    std::string_view t = f.TextOf(s.text);
    if (s.cls == sql::StatementClass::kMetaCommand &&
        (t.rfind("\\restrict", 0) == 0 || t.rfind("\\unrestrict", 0) == 0)) {
      continue;
    }
    if (s.elements.empty()) {
      out.push_back(Meaning(s, f.text()));
      continue;
    }
    if (s.elements_are_rows) {
      // Rows are data: one INSERT per row or one for all of them is the same.
      for (const sql::Element& e : s.elements) {
        out.push_back(HashBytes("row\n" + e.key.ToString() + "\n" +
                                std::to_string(ElementMeaning(e, f.text()))));
      }
      continue;
    }
    std::vector<uint64_t> parts;
    for (const sql::Element& e : s.elements) parts.push_back(ElementMeaning(e, f.text()));
    std::sort(parts.begin(), parts.end());
    std::string sig =
        s.key.ToString() + "\n" +
        CollapseWhitespace(f.text().substr(s.text.begin, s.element_list.begin - s.text.begin)) +
        "\n" +
        CollapseWhitespace(f.text().substr(s.element_list.end, s.text.end - s.element_list.end));
    for (uint64_t p : parts) sig += "\n" + std::to_string(p);
    out.push_back(HashBytes(sig));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pgstate::merge
