#include "merge/element_merge.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <vector>

#include "merge/sequence_merge.h"
#include "sql/lexer.h"

namespace pgstate::merge {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool AllSpace(std::string_view s) { return std::all_of(s.begin(), s.end(), IsSpace); }

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// One element with the text around it: `lead` (indentation and comment lines in front),
// `pre` (between the element and its comma) and `trail` (after the comma through the end of
// the line: a same-line comment and the newline; empty for a one-line list).
struct ElementLayout {
  std::string_view lead, text, pre, trail;
};

struct ListLayout {
  std::string_view head;  // the list's start up to the first element's lead
  std::vector<ElementLayout> elements;
  std::string_view last_trail;  // after the last element through the end of its line
  std::string_view end;         // the rest of the list
  std::string_view typical_trail;
  std::string_view typical_lead;
};

std::optional<ListLayout> Layout(const StatementRef& ref) {
  const sql::Statement& s = *ref.statement;
  std::string_view text = ref.text;
  const sql::Span list = s.element_list;
  if (s.elements.empty() || list.end > text.size() || list.begin > list.end) return std::nullopt;
  ListLayout layout;
  size_t prev_end = list.begin;
  for (const sql::Element& e : s.elements) {
    if (e.span.begin < prev_end || e.span.end < e.span.begin || e.span.end > list.end) {
      return std::nullopt;
    }
    prev_end = e.span.end;
  }
  std::string_view prefix = text.substr(list.begin, s.elements[0].span.begin - list.begin);
  std::string_view lead;
  size_t nl = prefix.find('\n');
  if (nl == std::string_view::npos) {
    layout.head = prefix;
  } else {
    layout.head = prefix.substr(0, nl + 1);
    lead = prefix.substr(nl + 1);
  }
  bool multiline = list.In(text).find('\n') != std::string_view::npos;
  for (size_t i = 0; i < s.elements.size(); ++i) {
    ElementLayout el;
    el.lead = lead;
    el.text = s.elements[i].span.In(text);
    size_t e_end = s.elements[i].span.end;
    if (i + 1 < s.elements.size()) {
      size_t next = s.elements[i + 1].span.begin;
      sql::lexer::Token comma = sql::lexer::NextToken(text.substr(0, next), e_end);
      if (comma.kind != sql::lexer::TokenKind::kPunct || text[comma.begin] != ',') {
        return std::nullopt;
      }
      el.pre = text.substr(e_end, comma.begin - e_end);
      std::string_view after = text.substr(comma.end, next - comma.end);
      size_t anl = after.find('\n');
      if (anl == std::string_view::npos) {
        lead = after;
      } else {
        el.trail = after.substr(0, anl + 1);
        lead = after.substr(anl + 1);
        // A block comment running over the line end cannot be cut there.
        size_t open = el.trail.rfind("/*");
        if (open != std::string_view::npos && el.trail.find("*/", open) == std::string_view::npos) {
          return std::nullopt;
        }
      }
    } else {
      std::string_view suffix = text.substr(e_end, list.end - e_end);
      sql::lexer::Token t = sql::lexer::NextToken(text.substr(0, list.end), e_end);
      if (t.kind != sql::lexer::TokenKind::kEnd) return std::nullopt;
      size_t snl = suffix.find('\n');
      if (snl == std::string_view::npos) {
        layout.end = suffix;
      } else {
        layout.last_trail = suffix.substr(0, snl + 1);
        layout.end = suffix.substr(snl + 1);
      }
    }
    layout.elements.push_back(el);
  }
  layout.typical_trail = multiline ? "\n" : "";
  for (size_t i = 0; i + 1 < layout.elements.size(); ++i) {
    if (AllSpace(layout.elements[i].trail)) {
      layout.typical_trail = layout.elements[i].trail;
      break;
    }
  }
  layout.typical_lead = multiline ? "" : " ";
  if (multiline && AllSpace(layout.elements[0].lead)) layout.typical_lead = layout.elements[0].lead;
  for (size_t i = 1; i < layout.elements.size(); ++i) {
    if (AllSpace(layout.elements[i].lead)) {
      layout.typical_lead = layout.elements[i].lead;
      break;
    }
  }
  return layout;
}

std::vector<Unit> ElementUnits(const StatementRef& ref) {
  std::vector<Unit> units;
  bool rows = ref.statement->elements_are_rows;
  for (const sql::Element& e : ref.statement->elements) {
    std::string_view text = e.span.In(ref.text);
    Unit u;
    u.meaning = e.canonical != 0 ? e.canonical : HashBytes(CollapseWhitespace(text));
    u.bytes = HashBytes(text);
    if (rows) {
      // Constants: the text is the identity, the same whether parsed or only lexed.
      std::string row = CollapseWhitespace(text);
      u.meaning = HashBytes(row);
      u.id = "r " + row;
    } else if (!e.key.empty()) {
      u.id = "k " + e.key.ToString();
    } else {
      u.id = "c " + Hex(u.meaning);
    }
    units.push_back(std::move(u));
  }
  return units;
}

std::string Shell(const StatementRef& ref) {
  const sql::Statement& s = *ref.statement;
  std::string_view text = ref.text;
  return CollapseWhitespace(text.substr(s.text.begin, s.element_list.begin - s.text.begin)) + '\0' +
         CollapseWhitespace(text.substr(s.element_list.end, s.text.end - s.element_list.end));
}

bool Sorted(const ListLayout& layout) {
  for (size_t i = 1; i < layout.elements.size(); ++i) {
    if (layout.elements[i].text < layout.elements[i - 1].text) return false;
  }
  return true;
}

// One element of a list being written: element `index` of `layout`.
struct Placed {
  const ListLayout* layout;
  size_t index;
};

// The chunk of `frame` (whose list's layout is `fl`) with the elements `placed` as its list,
// each keeping its comments and line layout, commas put where they now belong.
std::string RenderList(const StatementRef& frame, const ListLayout& fl,
                       const std::vector<Placed>& placed) {
  std::string list(fl.head);
  for (size_t k = 0; k < placed.size(); ++k) {
    const ListLayout& l = *placed[k].layout;
    size_t i = placed[k].index;
    const ElementLayout& e = l.elements[i];
    bool first_in_side = i == 0, last_in_side = i + 1 == l.elements.size();
    if (k == 0) {
      list += first_in_side || !AllSpace(fl.elements[0].lead) ? e.lead : fl.elements[0].lead;
    } else {
      list += first_in_side && e.lead.empty() ? l.typical_lead : e.lead;
    }
    list += e.text;
    if (k + 1 < placed.size()) {
      if (!last_in_side) list += e.pre;
      list += ',';
      if (last_in_side) {
        list += l.last_trail.empty() ? l.typical_trail : l.last_trail;
      } else {
        list += e.trail;
      }
    } else if (last_in_side) {
      list += l.last_trail;
    } else {
      list += AllSpace(e.trail) ? fl.last_trail : e.trail;
    }
  }
  list += fl.end;

  const sql::Statement& fs = *frame.statement;
  std::string_view chunk = fs.chunk.In(frame.text);
  size_t list_begin = fs.element_list.begin - fs.chunk.begin;
  size_t list_end = fs.element_list.end - fs.chunk.begin;
  std::string out;
  out.reserve(chunk.size() + list.size());
  out.append(chunk.substr(0, list_begin));
  out.append(list);
  out.append(chunk.substr(list_end));
  return out;
}

}  // namespace

std::optional<sql::Statement> RecognizeRowsInsert(std::string_view text, sql::Span chunk,
                                                  size_t min_rows) {
  using sql::lexer::IsWord;
  using sql::lexer::Token;
  using sql::lexer::TokenKind;
  std::string_view view = text.substr(0, chunk.end);
  auto next = [&](size_t pos) { return sql::lexer::NextToken(view, pos); };
  auto punct = [&](const Token& t, char c) {
    return t.kind == TokenKind::kPunct && view[t.begin] == c;
  };
  auto name_token = [](const Token& t) {
    return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
  };
  Token t = next(chunk.begin);
  if (!IsWord(view, t, "insert")) return std::nullopt;
  sql::Statement s;
  s.text.begin = t.begin;
  t = next(t.end);
  if (!IsWord(view, t, "into")) return std::nullopt;
  t = next(t.end);
  if (!name_token(t)) return std::nullopt;
  size_t name_begin = t.begin, name_end = t.end;
  t = next(t.end);
  if (punct(t, '.')) {
    t = next(t.end);
    if (!name_token(t)) return std::nullopt;
    name_end = t.end;
    t = next(t.end);
  }
  if (!punct(t, '(')) return std::nullopt;
  t = next(t.end);
  if (!name_token(t)) return std::nullopt;
  t = next(t.end);
  if (!punct(t, ')')) return std::nullopt;
  t = next(t.end);
  if (!IsWord(view, t, "values")) return std::nullopt;
  std::string table = CollapseWhitespace(view.substr(name_begin, name_end - name_begin));
  for (;;) {
    t = next(t.end);
    if (!punct(t, '(')) return std::nullopt;
    size_t row_begin = t.begin;
    t = next(t.end);
    if (t.kind != TokenKind::kString && t.kind != TokenKind::kNumber) return std::nullopt;
    std::string value(view.substr(t.begin, t.end - t.begin));
    t = next(t.end);
    if (!punct(t, ')')) return std::nullopt;
    sql::Element e;
    e.span = {row_begin, t.end};
    e.key = {"row", "", table + "." + value};
    e.canonical = HashBytes(CollapseWhitespace(e.span.In(view)));
    s.elements.push_back(std::move(e));
    t = next(t.end);
    if (punct(t, ',')) continue;
    if (punct(t, ';')) break;
    return std::nullopt;
  }
  s.text.end = t.end;
  if (next(t.end).kind != TokenKind::kEnd || s.elements.size() < min_rows) return std::nullopt;
  s.chunk = chunk;
  s.cls = sql::StatementClass::kData;
  s.node_type = "InsertStmt";
  s.key = {"rows", "", table};
  s.element_list = {s.elements.front().span.begin, s.elements.back().span.end};
  s.elements_are_rows = true;
  s.canonical = HashBytes(CollapseWhitespace(s.text.In(view)));
  return s;
}

std::optional<sql::Statement> WithPrivilegeElements(std::string_view text,
                                                    const sql::Statement& statement) {
  using sql::lexer::IsWord;
  using sql::lexer::Token;
  using sql::lexer::TokenKind;
  if (statement.node_type != "GrantStmt") return std::nullopt;
  std::string_view view = text.substr(0, statement.text.end);
  auto next = [&](size_t pos) { return sql::lexer::NextToken(view, pos); };
  Token t = next(statement.text.begin);
  if (IsWord(view, t, "revoke")) {
    Token g = next(t.end);
    if (IsWord(view, g, "grant")) {
      Token o = next(g.end), f = next(o.end);
      if (!IsWord(view, o, "option") || !IsWord(view, f, "for")) return std::nullopt;
      t = f;
    }
  } else if (!IsWord(view, t, "grant")) {
    return std::nullopt;
  }
  sql::Statement s = statement;
  s.elements.clear();
  int depth = 0;
  size_t begin = std::string_view::npos, end = 0;
  std::string key;
  auto finish = [&]() {
    if (begin == std::string_view::npos) return false;
    sql::Element e;
    e.span = {begin, end};
    e.key = {"privilege", "", key};
    std::string lower = CollapseWhitespace(e.span.In(view));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    e.canonical = HashBytes(lower);
    s.elements.push_back(std::move(e));
    begin = std::string_view::npos;
    key.clear();
    return true;
  };
  for (t = next(t.end); t.kind != TokenKind::kEnd; t = next(t.end)) {
    char c = view[t.begin];
    if (depth == 0 && t.kind == TokenKind::kWord && IsWord(view, t, "on")) break;
    if (t.kind == TokenKind::kPunct && c == ',' && depth == 0) {
      if (!finish()) return std::nullopt;
      continue;
    }
    if (t.kind == TokenKind::kPunct && c == '(') ++depth;
    if (t.kind == TokenKind::kPunct && c == ')') --depth;
    if (begin == std::string_view::npos) begin = t.begin;
    end = t.end;
    if (depth == 0 && t.kind == TokenKind::kWord) {
      if (!key.empty()) key += ' ';
      for (size_t i = t.begin; i < t.end; ++i) {
        key += static_cast<char>(std::toupper(static_cast<unsigned char>(view[i])));
      }
    }
  }
  if (t.kind == TokenKind::kEnd || depth != 0 || !finish()) return std::nullopt;
  s.element_list = {s.elements.front().span.begin, s.elements.back().span.end};
  return s;
}

bool SameObject(const sql::ObjectKey& alone, const sql::ObjectKey& in_file) {
  // Alone, an unqualified name resolves through the default search_path, not the file's.
  return alone.kind == in_file.kind && alone.name == in_file.name;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

uint64_t HashBytes(std::string_view bytes) { return std::hash<std::string_view>()(bytes); }

std::optional<std::string> ReorderElements(const StatementRef& statement,
                                           const std::vector<size_t>& order,
                                           const std::string& path) {
  std::optional<ListLayout> layout = Layout(statement);
  const auto& elements = statement.statement->elements;
  if (!layout || order.size() != elements.size()) return std::nullopt;
  std::vector<bool> seen(elements.size(), false);
  std::vector<Placed> placed;
  for (size_t i : order) {
    if (i >= elements.size() || seen[i]) return std::nullopt;
    seen[i] = true;
    placed.push_back({&*layout, i});
  }
  std::string out = RenderList(statement, *layout, placed);
  // It must read back as the same statement with the elements in the new order.
  sql::SourceFile check = sql::SourceFile::Parse(path, out);
  if (!check.errors().empty() || check.statements().size() != 1 ||
      !SameObject(check.statements()[0].key, statement.statement->key) ||
      check.statements()[0].elements.size() != order.size()) {
    return std::nullopt;
  }
  for (size_t k = 0; k < order.size(); ++k) {
    if (check.statements()[0].elements[k].key.name != elements[order[k]].key.name) {
      return std::nullopt;
    }
  }
  return out;
}

bool IsOrderedKind(const std::string& kind) { return kind == "column" || kind == "label"; }

bool OrderAdditionsByVersion(std::vector<Entry>& entries, const AdditionVersion& versions,
                             const std::function<const sql::ObjectKey*(const Entry&)>& key_of) {
  if (!versions) return false;
  return OrderConcurrentAdditions(entries, [&](const Entry& e) -> std::optional<std::string> {
    const sql::ObjectKey* key = key_of(e);
    if (key == nullptr || !IsOrderedKind(key->kind)) return std::nullopt;
    std::string k = key->ToString();
    std::optional<std::string> version;
    for (MergeSide side : {MergeSide::kOurs, MergeSide::kTheirs}) {
      if ((side == MergeSide::kOurs ? e.ours : e.theirs) < 0) continue;
      std::optional<std::string> v = versions(side, k);
      if (v && (!version || *v < *version)) version = v;
    }
    // No migration adds it yet: the one planned after the merge will, after all the others.
    return version.value_or("~");
  });
}

std::optional<std::string> MergeElements(const StatementRef& base, const StatementRef& ours,
                                         const StatementRef& theirs, const std::string& path,
                                         const AdditionVersion& versions) {
  const StatementRef* sides[] = {&base, &ours, &theirs};
  for (const StatementRef* r : sides) {
    if (r->statement == nullptr || r->statement->elements.empty() ||
        r->statement->node_type != ours.statement->node_type ||
        r->statement->elements_are_rows != ours.statement->elements_are_rows) {
      return std::nullopt;
    }
  }
  std::optional<ListLayout> lb = Layout(base), lo = Layout(ours), lt = Layout(theirs);
  if (!lb || !lo || !lt) return std::nullopt;

  // The text around the list merges as a whole.
  std::string sb = Shell(base), so = Shell(ours), st = Shell(theirs);
  const StatementRef* frame = nullptr;
  if (so == st || st == sb) {
    frame = &ours;
  } else if (so == sb) {
    frame = &theirs;
  } else {
    return std::nullopt;
  }
  const ListLayout& fl = frame == &ours ? *lo : *lt;

  std::vector<Unit> ub = ElementUnits(base), uo = ElementUnits(ours), ut = ElementUnits(theirs);
  SequenceMergeOptions options;
  options.replacement_conflicts = !ours.statement->elements_are_rows;
  SequenceMergeResult merged =
      MergeSequences(ub, uo, ut, MatchUnits(ub, uo), MatchUnits(ub, ut), options);
  if (merged.replaced_differently >= 0) return std::nullopt;
  if (!ours.statement->elements_are_rows) {
    OrderAdditionsByVersion(merged.entries, versions, [&](const Entry& e) -> const sql::ObjectKey* {
      if (e.ours >= 0) return &ours.statement->elements[static_cast<size_t>(e.ours)].key;
      if (e.theirs >= 0) return &theirs.statement->elements[static_cast<size_t>(e.theirs)].key;
      return nullptr;
    });
  }

  std::vector<Placed> result;
  for (const Entry& e : merged.entries) {
    if (e.outcome == Outcome::kOurs) {
      result.push_back({&*lo, static_cast<size_t>(e.ours)});
    } else if (e.outcome == Outcome::kTheirs) {
      result.push_back({&*lt, static_cast<size_t>(e.theirs)});
    } else {
      return std::nullopt;
    }
  }
  if (result.empty()) return std::nullopt;
  // Rows kept in order on every side (Rails sorts its schema_migrations versions) stay so.
  if (ours.statement->elements_are_rows && Sorted(*lb) && Sorted(*lo) && Sorted(*lt)) {
    std::stable_sort(result.begin(), result.end(), [](const Placed& a, const Placed& b) {
      return a.layout->elements[a.index].text < b.layout->elements[b.index].text;
    });
  }

  std::string out = RenderList(*frame, fl, result);

  // The merged statement must parse back into the same object with every element.
  if (ours.statement->node == nullptr && ours.statement->elements_are_rows) {
    std::optional<sql::Statement> rows = RecognizeRowsInsert(out, {0, out.size()}, 1);
    if (!rows || rows->elements.size() != result.size()) return std::nullopt;
    return out;
  }
  sql::SourceFile check = sql::SourceFile::Parse(path, out);
  if (!check.errors().empty() || check.statements().size() != 1 ||
      !SameObject(check.statements()[0].key, ours.statement->key)) {
    return std::nullopt;
  }
  size_t elements = check.statements()[0].elements.size();
  if (check.statements()[0].node_type == "GrantStmt") {
    std::optional<sql::Statement> grant =
        WithPrivilegeElements(check.text(), check.statements()[0]);
    elements = grant ? grant->elements.size() : 0;
  }
  if (elements != result.size()) return std::nullopt;
  return out;
}

}  // namespace pgstate::merge
