#include "merge/schema_merge.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "merge/element_merge.h"
#include "merge/sequence_merge.h"
#include "schema/model.h"
#include "sql/lexer.h"
#include "sql/source_file.h"

namespace pgstate::merge {

namespace {

using core::Error;
using core::Result;

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Byte ranges that each end a top-level statement (through the rest of its line), the last
// one running to the end of the text. Cheap: a lexer pass, no parse.
std::vector<sql::Span> SplitPieces(std::string_view text) {
  sql::lexer::ScanResult scan = sql::lexer::ScanFile(text);
  std::vector<size_t> ends;
  ends.reserve(scan.separators.size() + scan.meta_commands.size());
  size_t copy = 0;
  for (size_t sep : scan.separators) {
    size_t end = sep + 1;
    while (copy < scan.copy_data.size() && scan.copy_data[copy].semicolon < sep) ++copy;
    if (copy < scan.copy_data.size() && scan.copy_data[copy].semicolon == sep) {
      end = scan.copy_data[copy].data.end;
    }
    ends.push_back(end);
  }
  for (const sql::Span& m : scan.meta_commands) ends.push_back(m.end);
  std::sort(ends.begin(), ends.end());
  std::vector<sql::Span> pieces;
  size_t begin = 0;
  for (size_t end : ends) {
    size_t cut = sql::lexer::RestOfLineEnd(text, std::min(end, text.size()));
    if (cut <= begin) continue;
    pieces.push_back({begin, cut});
    begin = cut;
  }
  if (begin < text.size()) pieces.push_back({begin, text.size()});
  return pieces;
}

struct Item {
  std::string_view chunk;
  const sql::Statement* statement = nullptr;
  std::string_view file_text;  // the text `statement`'s spans index
  int stable = -1;             // index of the piece triple identical on all sides
  bool tail = false;           // comments after the last statement
};

struct Side {
  Side(const char* n, std::string_view t) : name(n), text(t) {}
  const char* name;
  std::string_view text;
  std::vector<sql::Span> pieces;
  std::vector<int> piece_stable;
  std::vector<bool> piece_search_path;   // the piece mentions search_path
  std::deque<sql::SourceFile> files;     // a deque keeps Statement addresses stable
  std::deque<sql::Statement> synthetic;  // rows INSERTs described without a parse
  std::vector<Item> items;
  std::vector<Unit> units;
};

bool IsRestrictLine(std::string_view t) {
  return t.rfind("\\restrict", 0) == 0 || t.rfind("\\unrestrict", 0) == 0;
}

std::string InsertTarget(std::string_view text, const sql::Statement& s);

Unit MakeUnit(const Item& item) {
  Unit u;
  u.bytes = HashBytes(item.chunk);
  if (item.stable >= 0) {
    u.id = "\x01" + std::to_string(item.stable);
    u.meaning = u.bytes;
    return u;
  }
  if (item.tail) {
    u.id = "\x02";
    u.meaning = 0;  // comments only: a change never conflicts
    return u;
  }
  const sql::Statement& s = *item.statement;
  std::string_view text = s.text.In(item.file_text);
  u.meaning = s.canonical != 0 ? s.canonical : HashBytes(CollapseWhitespace(text));
  u.repeatable = s.key.empty() || s.cls == sql::StatementClass::kSetting ||
                 s.cls == sql::StatementClass::kTransaction;
  if (s.elements_are_rows && s.elements.size() > 1) {
    // The list of rows of one table, however the table is qualified or quoted, and whether
    // the lexer alone (RecognizeRowsInsert) or the parser described it.
    u.id = "rows " + InsertTarget(item.file_text, s);
  } else if (!s.key.empty()) {
    u.id = "k " + s.key.ToString();
    // One INSERT per schema_migrations row (older Rails): each row is its own item.
    if (s.elements_are_rows) u.id += " " + Hex(u.meaning);
  } else if (s.cls == sql::StatementClass::kMetaCommand && IsRestrictLine(text)) {
    // pg_dump's random \restrict key: any side's will do.
    u.id = text.rfind("\\restrict", 0) == 0 ? "m restrict" : "m unrestrict";
    u.ours_wins = true;
    u.repeatable = false;
  } else {
    u.id = "u " + s.node_type + " " + Hex(u.meaning);
  }
  return u;
}

// Marks the pieces byte-identical on all three sides, in the same order.
void MarkStable(Side& base, Side& ours, Side& theirs) {
  std::unordered_map<uint64_t, int> intern;
  auto ids = [&](const Side& s) {
    std::vector<int> out;
    out.reserve(s.pieces.size());
    for (const sql::Span& p : s.pieces) {
      out.push_back(
          intern.emplace(HashBytes(p.In(s.text)), static_cast<int>(intern.size())).first->second);
    }
    return out;
  };
  std::vector<int> ib = ids(base), io = ids(ours), it = ids(theirs);
  std::vector<int> to_ours(ib.size(), -1), to_theirs(ib.size(), -1);
  for (const auto& [b, o] : AlignIds(ib, io)) to_ours[static_cast<size_t>(b)] = o;
  for (const auto& [b, t] : AlignIds(ib, it)) to_theirs[static_cast<size_t>(b)] = t;
  base.piece_stable.assign(ib.size(), -1);
  ours.piece_stable.assign(io.size(), -1);
  theirs.piece_stable.assign(it.size(), -1);
  int next = 0;
  for (size_t b = 0; b < ib.size(); ++b) {
    if (to_ours[b] < 0 || to_theirs[b] < 0) continue;
    // Identical hashes of different bytes would be a 2^-64 accident; check anyway.
    std::string_view bytes = base.pieces[b].In(base.text);
    if (ours.pieces[static_cast<size_t>(to_ours[b])].In(ours.text) != bytes ||
        theirs.pieces[static_cast<size_t>(to_theirs[b])].In(theirs.text) != bytes) {
      continue;
    }
    base.piece_stable[b] = next;
    ours.piece_stable[static_cast<size_t>(to_ours[b])] = next;
    theirs.piece_stable[static_cast<size_t>(to_theirs[b])] = next;
    ++next;
  }
}

// For each piece, whether its text mentions search_path (any case): one pass over the text.
std::vector<bool> PiecesMentioningSearchPath(std::string_view text,
                                             const std::vector<sql::Span>& pieces) {
  static constexpr std::string_view kWord = "search_path";
  std::vector<bool> out(pieces.size(), false);
  size_t piece = 0;
  for (size_t us = text.find('_'); us != std::string_view::npos; us = text.find('_', us + 1)) {
    if (us < 6 || us + 5 > text.size()) continue;
    bool match = true;
    for (size_t i = 0; i < kWord.size() && match; ++i) {
      char c = text[us - 6 + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      match = c == kWord[i];
    }
    if (!match) continue;
    while (piece < pieces.size() && pieces[piece].end <= us - 6) ++piece;
    if (piece < pieces.size()) out[piece] = true;
  }
  return out;
}

std::string DescribeErrors(const Side& side, const sql::SourceFile& file) {
  std::string msg = std::string(side.name) + " does not parse";
  const core::Diagnostic& d = file.errors().front();
  msg += ": " + d.location.ToString() + ": " + d.message;
  if (file.errors().size() > 1) {
    msg += " (and " + std::to_string(file.errors().size() - 1) + " more)";
  }
  return msg;
}

// Parses the pieces that are not stable (all of them when `whole`), region by region.
// kExitFatal: the region split disagrees with the parser (retry whole); else a parse error.
core::Status BuildItems(Side& side, const std::string& path, bool whole) {
  side.files.clear();
  side.synthetic.clear();
  side.items.clear();
  size_t n = side.pieces.size();
  for (size_t k = 0; k < n;) {
    if (!whole && side.piece_stable[k] >= 0) {
      Item item;
      item.chunk = side.pieces[k].In(side.text);
      item.stable = side.piece_stable[k];
      side.items.push_back(item);
      ++k;
      continue;
    }
    if (!whole) {
      std::optional<sql::Statement> rows = RecognizeRowsInsert(side.text, side.pieces[k]);
      if (rows) {
        side.synthetic.push_back(std::move(*rows));
        Item item;
        item.chunk = side.pieces[k].In(side.text);
        item.statement = &side.synthetic.back();
        item.file_text = side.text;
        side.items.push_back(item);
        ++k;
        continue;
      }
    }
    size_t j = k + 1;
    while (j < n && (whole || side.piece_stable[j] < 0)) {
      if (!whole && RecognizeRowsInsert(side.text, side.pieces[j])) break;
      ++j;
    }
    size_t begin = side.pieces[k].begin, end = side.pieces[j - 1].end;
    // Object keys depend on the search_path in effect: parse the region after the last
    // statement before it that may have set one.
    std::string text;
    for (size_t p = k; p-- > 0;) {
      if (side.piece_search_path[p]) {
        text = std::string(side.pieces[p].In(side.text));
        break;
      }
    }
    size_t prefix = text.size();
    text.append(side.text.substr(begin, end - begin));
    side.files.push_back(sql::SourceFile::Parse(path, std::move(text)));
    const sql::SourceFile& file = side.files.back();
    if (!file.errors().empty()) {
      return Error(whole ? core::kExitBadInput : core::kExitFatal, DescribeErrors(side, file));
    }
    size_t covered = prefix;
    for (const sql::Statement& s : file.statements()) {
      if (s.chunk.end <= prefix) continue;
      if (s.chunk.begin != covered) return Error(core::kExitFatal, "statement chunks have gaps");
      covered = s.chunk.end;
      Item item;
      item.chunk = file.TextOf(s.chunk);
      item.statement = &s;
      item.file_text = file.text();
      side.items.push_back(item);
    }
    if (!file.tail().empty()) {
      if (end != side.text.size() || file.tail().begin != covered) {
        return Error(core::kExitFatal, "statement split disagrees with the parser");
      }
      Item item;
      item.chunk = file.TextOf(file.tail());
      item.tail = true;
      side.items.push_back(item);
      covered = file.tail().end;
    }
    if (covered != prefix + end - begin) {
      return Error(core::kExitFatal, "statement chunks do not cover");
    }
    k = j;
  }
  side.units.clear();
  side.units.reserve(side.items.size());
  for (const Item& item : side.items) side.units.push_back(MakeUnit(item));
  return {};
}

// Item pairs (base, side) of the stable pieces.
std::vector<std::pair<int, int>> StablePairs(const Side& base, const Side& side) {
  std::unordered_map<int, int> side_item;
  for (size_t i = 0; i < side.items.size(); ++i) {
    if (side.items[i].stable >= 0) side_item[side.items[i].stable] = static_cast<int>(i);
  }
  std::vector<std::pair<int, int>> pairs;
  for (size_t i = 0; i < base.items.size(); ++i) {
    if (base.items[i].stable < 0) continue;
    auto it = side_item.find(base.items[i].stable);
    if (it != side_item.end()) pairs.emplace_back(static_cast<int>(i), it->second);
  }
  return pairs;
}

class Writer {
 public:
  Writer(const MergeOptions& options) : options_(options) {}

  void Append(std::string_view text, const Side* side, int index) {
    if (text.empty()) return;
    bool adjacent = side != nullptr && side == last_side_ && index == last_index_ + 1;
    if (!adjacent && !out_.empty() && out_.back() != '\n' && text.front() != '\n') out_ += '\n';
    out_.append(text);
    last_side_ = side;
    last_index_ = index;
  }

  // A conflict around one object: git's own rendering of the three chunks (markers around the
  // lines that differ), or the whole chunks when git would call it clean.
  core::Status Conflict(std::string_view base, std::string_view ours, std::string_view theirs) {
    Result<git::MergeFileResult> m = git::MergeFile(base, ours, theirs, options_.text);
    if (!m.ok()) return m.take_error();
    if (m->conflicted()) {
      Append(m->text, nullptr, -1);
      conflicts_ += m->conflicts;
      return {};
    }
    std::string marker_o(static_cast<size_t>(options_.text.marker_size), '<');
    std::string marker_b(static_cast<size_t>(options_.text.marker_size), '|');
    std::string marker_s(static_cast<size_t>(options_.text.marker_size), '=');
    std::string marker_t(static_cast<size_t>(options_.text.marker_size), '>');
    auto section = [](std::string_view s) {
      std::string out(s);
      if (!out.empty() && out.back() != '\n') out += '\n';
      return out;
    };
    auto label = [](const std::string& l) { return l.empty() ? std::string() : " " + l; };
    std::string text = marker_o + label(options_.text.ours_label) + "\n" + section(ours);
    if (options_.text.style != git::ConflictStyle::kMerge) {
      text += marker_b + label(options_.text.ancestor_label) + "\n" + section(base);
    }
    text += marker_s + "\n" + section(theirs) + marker_t + label(options_.text.theirs_label) + "\n";
    Append(text, nullptr, -1);
    ++conflicts_;
    return {};
  }

  std::string& out() { return out_; }
  int conflicts() const { return conflicts_; }

 private:
  const MergeOptions& options_;
  std::string out_;
  int conflicts_ = 0;
  const Side* last_side_ = nullptr;
  int last_index_ = -1;
};

// ------------------------------------------------------------ what the merge removes

}  // namespace

std::string DependencyKey(const sql::ObjectKey& k) {
  static const std::set<std::string> relations = {"table", "view", "materialized view",
                                                  "foreign table", "relation"};
  static const std::set<std::string> routines = {"function", "procedure", "aggregate", "routine"};
  if (relations.count(k.kind)) return "relation " + k.schema + "." + k.name;
  if (routines.count(k.kind))
    return "routine " + k.schema + "." + k.name.substr(0, k.name.find('('));
  if (k.kind == "domain") return "type " + k.schema + "." + k.name;
  return k.ToString();
}

namespace {

// What a side of the merge removed that the merged file no longer defines.
constexpr int kBySideOurs = 1, kBySideTheirs = 2;  // sides, as a mask

struct Removal {
  sql::ObjectKey key;
  size_t place = 0;  // where it was: an entry, or entries.size() + a Deleted index
  int sides = 0;     // the sides without it
};

// A base item that one side deleted and the other left as it was: no entry writes it.
struct Deleted {
  int base = -1;
  size_t before = 0;  // the entry it goes before: the one after what preceded it in base
};

std::vector<Deleted> DeletedItems(const std::vector<Entry>& entries, size_t base_items) {
  std::vector<bool> kept(base_items, false);
  for (const Entry& e : entries) {
    if (e.base >= 0) kept[static_cast<size_t>(e.base)] = true;
  }
  std::vector<Deleted> out;
  for (size_t b = 0; b < base_items; ++b) {
    if (kept[b]) continue;
    size_t before = 0;
    for (size_t k = 0; k < entries.size(); ++k) {
      if (entries[k].base >= 0 && entries[k].base < static_cast<int>(b)) before = k + 1;
    }
    out.push_back({static_cast<int>(b), before});
  }
  return out;
}

void Defined(const sql::Statement& s, const std::function<void(const sql::ObjectKey&)>& fn) {
  if (s.cls != sql::StatementClass::kDefinition || s.key.empty()) return;
  fn(s.key);
  for (const sql::ObjectKey& k : s.extra_keys) fn(k);
  if (!s.elements_are_rows) {
    for (const sql::Element& e : s.elements) fn(e.key);
  }
}

// The objects deletions and element removals take out of the merge, by DependencyKey. Cheap:
// only statements the merge parsed anyway are looked at.
std::map<std::string, Removal> Removals(const std::vector<Entry>& entries,
                                        const std::vector<Deleted>& deleted,
                                        const std::vector<int>& to_ours,
                                        const std::vector<int>& to_theirs, const Side& base,
                                        const Side& ours, const Side& theirs) {
  std::map<std::string, Removal> out;
  auto statement = [](const Side& side, int i) -> const sql::Statement* {
    return i < 0 ? nullptr : side.items[static_cast<size_t>(i)].statement;
  };
  for (size_t d = 0; d < deleted.size(); ++d) {
    const sql::Statement* b = statement(base, deleted[d].base);
    if (b == nullptr) continue;
    size_t at = static_cast<size_t>(deleted[d].base);
    int sides = (to_ours[at] < 0 ? kBySideOurs : 0) | (to_theirs[at] < 0 ? kBySideTheirs : 0);
    Defined(*b, [&](const sql::ObjectKey& key) {
      out.emplace(DependencyKey(key), Removal{key, entries.size() + d, sides});
    });
  }
  for (size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    const sql::Statement* b = statement(base, e.base);
    if (b == nullptr || e.outcome == Outcome::kDeleteChange) continue;
    const sql::Statement* o = statement(ours, e.ours);
    const sql::Statement* t = statement(theirs, e.theirs);
    bool kept_ours = e.outcome == Outcome::kOurs || e.outcome == Outcome::kBothChanged;
    bool kept_theirs = e.outcome == Outcome::kTheirs || e.outcome == Outcome::kBothChanged;
    // A kept side without a parse of its statement (unchanged text) keeps everything.
    if ((kept_ours && o == nullptr) || (kept_theirs && t == nullptr)) continue;
    auto defines = [](const sql::Statement* s, const sql::ObjectKey& key) {
      bool has = false;
      if (s != nullptr) Defined(*s, [&](const sql::ObjectKey& x) { has |= x == key; });
      return has;
    };
    // Merged elements: what both sides changed keeps a base element only where both kept it.
    Defined(*b, [&](const sql::ObjectKey& key) {
      bool in_ours = defines(o, key), in_theirs = defines(t, key);
      int sides = (kept_ours && !in_ours ? kBySideOurs : 0) |
                  (kept_theirs && !in_theirs ? kBySideTheirs : 0);
      if (sides != 0) out.emplace(DependencyKey(key), Removal{key, k, sides});
    });
  }
  return out;
}

// The entries to write as conflicts because the merged text `merged` has a reference that only
// resolved to something a side removed (`removed`): the removal's entry and the entry that
// holds the reference. One warning per such pair: "ours drops table public.t; theirs adds index
// public.t_x_idx, which uses it". An object a side only moved to another file
// (MergeOptions::defined_elsewhere) is no removal.
std::set<size_t> DependencyConflicts(const std::string& merged,
                                     const std::map<std::string, Removal>& removed,
                                     const std::vector<Entry>& entries, const Side& base,
                                     const Side& ours, const Side& theirs,
                                     const std::vector<std::pair<size_t, size_t>>& spans,
                                     const MergeOptions& options,
                                     std::vector<std::string>& warnings) {
  // The sides that added or changed entry k.
  auto changed_by = [&](size_t k) {
    const Entry& e = entries[k];
    auto text = [](const Side& side, int i) {
      return i < 0 ? std::string_view() : side.items[static_cast<size_t>(i)].chunk;
    };
    std::string_view b = text(base, e.base);
    return (e.ours >= 0 && (e.base < 0 || text(ours, e.ours) != b) ? kBySideOurs : 0) |
           (e.theirs >= 0 && (e.base < 0 || text(theirs, e.theirs) != b) ? kBySideTheirs : 0);
  };
  std::set<size_t> forced;
  // Cheap first: a side's added or changed statements (parsed already) must name something
  // removed, or there is nothing to look for in the merged file.
  auto statement = [](const Side& side, int i) -> const sql::Statement* {
    return i < 0 ? nullptr : side.items[static_cast<size_t>(i)].statement;
  };
  bool suspect = false;
  for (size_t k = 0; k < entries.size() && !suspect; ++k) {
    int by = changed_by(k);
    for (const sql::Statement* s :
         {by & kBySideOurs ? statement(ours, entries[k].ours) : nullptr,
          by & kBySideTheirs ? statement(theirs, entries[k].theirs) : nullptr}) {
      if (s == nullptr) continue;
      for (const sql::ObjectKey& ref : s->references)
        suspect |= removed.count(DependencyKey(ref)) > 0;
    }
  }
  if (!suspect) return forced;
  std::vector<sql::SourceFile> files;
  files.push_back(sql::SourceFile::Parse(options.path, merged));
  if (!files.back().errors().empty()) return forced;  // the parse check reports it
  schema::Model model = schema::Model::Build(std::move(files));
  auto label = [&](MergeSide side) {
    const std::string& l =
        side == MergeSide::kOurs ? options.text.ours_label : options.text.theirs_label;
    return l.empty() ? std::string(side == MergeSide::kOurs ? "ours" : "theirs") : l;
  };
  std::set<std::pair<size_t, size_t>> reported;
  for (const schema::Reference* r : model.Unresolved()) {
    auto it = removed.find(DependencyKey(r->key));
    if (it == removed.end()) continue;
    const Removal& removal = it->second;
    const sql::Statement& user = model.statement(r->from);
    size_t at = user.text.begin;
    auto span = std::find_if(spans.begin(), spans.end(), [&](const std::pair<size_t, size_t>& s) {
      return s.first <= at && at < s.second;
    });
    if (span == spans.end()) continue;
    size_t entry = static_cast<size_t>(span - spans.begin());
    // Only what one side added or changed, against the other side's removal: a side that
    // leaves a dangling reference of its own is not the merge's doing.
    int adders = changed_by(entry) & ~removal.sides;
    if (adders == 0) continue;
    MergeSide remover = removal.sides & kBySideOurs ? MergeSide::kOurs : MergeSide::kTheirs;
    if (options.defined_elsewhere && options.defined_elsewhere(remover, removal.key)) continue;
    forced.insert(removal.place);
    forced.insert(entry);
    if (!reported.insert({removal.place, entry}).second) continue;
    MergeSide adder = adders & kBySideOurs ? MergeSide::kOurs : MergeSide::kTheirs;
    const char* verb = entries[entry].base < 0 ? " adds " : " changes ";
    std::string user_key = user.key.empty() ? "a statement" : user.key.ToString();
    warnings.push_back(label(remover) + " drops " + removal.key.ToString() + "; " + label(adder) +
                       verb + user_key + ", which uses it");
  }
  return forced;
}

bool ParsesAs(std::string_view text, const sql::ObjectKey& key, const std::string& path) {
  sql::SourceFile f = sql::SourceFile::Parse(path, std::string(text));
  return f.errors().empty() && f.statements().size() == 1 && SameObject(f.statements()[0].key, key);
}

// An entry one side changed in meaning while the other changed only its comments or layout
// (the sequence merge keeps the first): the chunk with both sides' lines, when git merges them
// cleanly and the result reads back as the same object. nullopt otherwise, and when the other
// side left the chunk as it was.
std::optional<std::string> WithOtherSidesComments(const Entry& e, const Side& base,
                                                  const Side& ours, const Side& theirs,
                                                  const MergeOptions& options) {
  if (e.base < 0 || e.ours < 0 || e.theirs < 0) return std::nullopt;
  const Item& b = base.items[static_cast<size_t>(e.base)];
  const Item& o = ours.items[static_cast<size_t>(e.ours)];
  const Item& t = theirs.items[static_cast<size_t>(e.theirs)];
  const Item& kept = e.outcome == Outcome::kOurs ? o : t;
  const Item& other = e.outcome == Outcome::kOurs ? t : o;
  if (other.chunk == b.chunk || kept.chunk == b.chunk || kept.statement == nullptr) {
    return std::nullopt;
  }
  Result<git::MergeFileResult> m = git::MergeFile(b.chunk, o.chunk, t.chunk, options.text);
  if (!m.ok() || m->conflicted()) return std::nullopt;
  // It must mean what the kept side means.
  sql::SourceFile check = sql::SourceFile::Parse(options.path, m->text);
  if (!check.errors().empty() || check.statements().size() != 1 ||
      !SameObject(check.statements()[0].key, kept.statement->key) ||
      check.statements()[0].canonical != kept.statement->canonical) {
    return std::nullopt;
  }
  return std::move(m->text);
}

// One INSERT per row (older Rails' schema_migrations): where the result has a run of such
// statements for one table and each side's rows in it are in order, the run is put in order
// too, keeping each position's layout. Returns replacement texts by entry ("" = unchanged).
std::vector<std::string> SortRowRuns(const std::vector<Entry>& entries, const Side& ours,
                                     const Side& theirs) {
  std::vector<std::string> out(entries.size());
  auto row_item = [&](const Entry& e) -> const Item* {
    const Item* item = nullptr;
    if (e.outcome == Outcome::kOurs) item = &ours.items[static_cast<size_t>(e.ours)];
    if (e.outcome == Outcome::kTheirs) item = &theirs.items[static_cast<size_t>(e.theirs)];
    if (item == nullptr || item->statement == nullptr) return nullptr;
    const sql::Statement& s = *item->statement;
    if (!s.elements_are_rows || s.elements.size() != 1 || s.elements[0].span.empty()) {
      return nullptr;
    }
    return item;
  };
  auto row_text = [](const Item* item) {
    return item->statement->elements[0].span.In(item->file_text);
  };
  // "INSERT INTO schema_migrations (version) VALUES": which list the row belongs to.
  auto target = [](const Item* item) {
    const sql::Statement& s = *item->statement;
    return CollapseWhitespace(
        item->file_text.substr(s.text.begin, s.element_list.begin - s.text.begin));
  };
  for (size_t i = 0; i < entries.size();) {
    const Item* first = row_item(entries[i]);
    if (first == nullptr) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    std::string list = target(first);
    while (j < entries.size()) {
      const Item* item = row_item(entries[j]);
      if (item == nullptr || target(item) != list) break;
      ++j;
    }
    std::vector<size_t> order;
    bool in_order = true;
    std::string_view last_ours, last_theirs;
    for (size_t k = i; k < j; ++k) {
      order.push_back(k);
      std::string_view t = row_text(row_item(entries[k]));
      std::string_view& last = entries[k].outcome == Outcome::kOurs ? last_ours : last_theirs;
      if (t < last) in_order = false;
      last = t;
    }
    if (in_order) {
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return row_text(row_item(entries[a])) < row_text(row_item(entries[b]));
      });
      for (size_t k = i; k < j; ++k) {
        if (order[k - i] == k) continue;
        const Item* place = row_item(entries[k]);
        const Item* moved = row_item(entries[order[k - i]]);
        const sql::Statement& ps = *place->statement;
        const sql::Statement& ms = *moved->statement;
        std::string text(place->file_text.substr(ps.chunk.begin, ps.text.begin - ps.chunk.begin));
        text += ms.text.In(moved->file_text);
        text += place->file_text.substr(ps.text.end, ps.chunk.end - ps.text.end);
        out[k] = std::move(text);
      }
    }
    i = j;
  }
  return out;
}

// The table an INSERT writes to, as PostgreSQL folds it: "schema_migrations" for
// `INSERT INTO "schema_migrations"` and `INSERT INTO public.Schema_Migrations` alike.
std::string InsertTarget(std::string_view text, const sql::Statement& s) {
  std::string_view view = text.substr(0, s.text.end);
  sql::lexer::Token t = sql::lexer::NextToken(view, s.text.begin);
  if (!sql::lexer::IsWord(view, t, "insert")) return {};
  t = sql::lexer::NextToken(view, t.end);
  if (!sql::lexer::IsWord(view, t, "into")) return {};
  std::string name;
  for (t = sql::lexer::NextToken(view, t.end);; t = sql::lexer::NextToken(view, t.end)) {
    if (t.kind == sql::lexer::TokenKind::kQuotedIdent) {
      name = std::string(view.substr(t.begin + 1, t.end - t.begin - 2));
    } else if (t.kind == sql::lexer::TokenKind::kWord) {
      name.clear();
      for (size_t i = t.begin; i < t.end; ++i) {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(view[i])));
      }
    } else {
      return {};
    }
    t = sql::lexer::NextToken(view, t.end);
    if (t.kind != sql::lexer::TokenKind::kPunct || view[t.begin] != '.') return name;
  }
}

// One side turned its one-INSERT-per-row list into a single INSERT with many rows (Rails 5
// did so for schema_migrations) while the other side added rows the old way: the added rows
// join the single INSERT. Sets the new text of that INSERT in `replace` and marks the folded
// entries in `drop`.
void FoldRowsIntoList(const std::vector<Entry>& entries, const Side& ours, const Side& theirs,
                      std::vector<std::string>& replace, std::vector<bool>& drop) {
  auto item_of = [&](const Entry& e) -> const Item* {
    if (e.outcome == Outcome::kOurs) return &ours.items[static_cast<size_t>(e.ours)];
    if (e.outcome == Outcome::kTheirs) return &theirs.items[static_cast<size_t>(e.theirs)];
    return nullptr;
  };
  auto rows = [](const Item* item) {
    return item != nullptr && item->statement != nullptr && item->statement->elements_are_rows &&
           !item->statement->elements.empty() && !item->statement->elements[0].span.empty();
  };
  for (size_t m = 0; m < entries.size(); ++m) {
    const Item* list = item_of(entries[m]);
    if (!rows(list) || list->statement->elements.size() < 2) continue;
    std::string table = InsertTarget(list->file_text, *list->statement);
    const Side& list_side = entries[m].outcome == Outcome::kOurs ? ours : theirs;
    // The list's side must have no single-row INSERTs of that table left.
    bool converted = true;
    for (const Item& i : list_side.items) {
      if (&i != list && rows(&i) && i.statement->elements.size() == 1 &&
          InsertTarget(i.file_text, *i.statement) == table) {
        converted = false;
      }
    }
    if (!converted || table.empty()) continue;
    std::vector<size_t> folded;
    for (size_t k = 0; k < entries.size(); ++k) {
      const Item* i = item_of(entries[k]);
      if (k == m || !rows(i) || i->statement->elements.size() != 1 || entries[k].base >= 0 ||
          entries[k].outcome == entries[m].outcome ||
          InsertTarget(i->file_text, *i->statement) != table) {
        continue;
      }
      folded.push_back(k);
    }
    if (folded.empty()) continue;
    const sql::Statement& ls = *list->statement;
    std::vector<std::string_view> texts;
    for (const sql::Element& e : ls.elements) texts.push_back(e.span.In(list->file_text));
    bool sorted = std::is_sorted(texts.begin(), texts.end());
    std::set<std::string> have;
    for (std::string_view t : texts) have.insert(CollapseWhitespace(t));
    for (size_t k : folded) {
      const Item* i = item_of(entries[k]);
      std::string_view row = i->statement->elements[0].span.In(i->file_text);
      // A row the list already has (both sides ran that migration) is not added twice.
      if (have.insert(CollapseWhitespace(row)).second) texts.push_back(row);
    }
    if (sorted) std::stable_sort(texts.begin(), texts.end());
    std::string_view separator = list->file_text.substr(
        ls.elements[0].span.end, ls.elements[1].span.begin - ls.elements[0].span.end);
    std::string text(
        list->file_text.substr(ls.chunk.begin, ls.element_list.begin - ls.chunk.begin));
    for (size_t k = 0; k < texts.size(); ++k) {
      if (k > 0) text += separator;
      text += texts[k];
    }
    text += list->file_text.substr(ls.element_list.end, ls.chunk.end - ls.element_list.end);
    // Only when the longer list still reads as the same rows.
    std::optional<sql::Statement> check = RecognizeRowsInsert(text, {0, text.size()}, 1);
    if (!check || check->elements.size() != texts.size()) continue;
    replace[m] = std::move(text);
    for (size_t k : folded) drop[k] = true;
  }
}

}  // namespace

Result<MergeResult> MergeObjects(std::string_view base_in, std::string_view ours_in,
                                 std::string_view theirs_in, const MergeOptions& options) {
  // Every chunk ends its line when every side ends with a newline; a missing one is put back
  // at the end if the merge of "has a final newline" says so.
  auto missing_newline = [](std::string_view t) { return !t.empty() && t.back() != '\n'; };
  auto with_newline = [&](std::string_view t) {
    std::string s(t);
    if (missing_newline(t)) s += '\n';
    return s;
  };
  std::string base_text = with_newline(base_in), ours_text = with_newline(ours_in),
              theirs_text = with_newline(theirs_in);
  bool strip_newline = missing_newline(ours_in) == missing_newline(base_in)
                           ? missing_newline(theirs_in)
                           : missing_newline(ours_in);

  Side base("base", base_text);
  Side ours("ours", ours_text);
  Side theirs("theirs", theirs_text);
  Side* sides[] = {&base, &ours, &theirs};
  for (Side* s : sides) {
    s->pieces = SplitPieces(s->text);
    s->piece_search_path = PiecesMentioningSearchPath(s->text, s->pieces);
  }
  MarkStable(base, ours, theirs);

  // A changed search_path setting changes which schema the unqualified names after it mean:
  // parse everything, and check the result's keys at the end.
  bool search_path_changed = false;
  for (Side* s : sides) {
    for (size_t k = 0; k < s->pieces.size() && !search_path_changed; ++k) {
      search_path_changed = s->piece_stable[k] < 0 && s->piece_search_path[k];
    }
  }
  bool whole = search_path_changed;
  for (Side* s : sides) {
    core::Status st = BuildItems(*s, options.path, whole);
    if (st.ok()) continue;
    if (whole || st.error().code != core::kExitFatal) return st.take_error();
    // Parse whole files: slower, but needs nothing from the lexer's split.
    whole = true;
    for (Side* again : sides) {
      core::Status st2 = BuildItems(*again, options.path, true);
      if (!st2.ok()) return st2.take_error();
    }
    break;
  }

  std::vector<int> to_ours = MatchUnits(base.units, ours.units, StablePairs(base, ours));
  std::vector<int> to_theirs = MatchUnits(base.units, theirs.units, StablePairs(base, theirs));
  SequenceMergeResult merged =
      MergeSequences(base.units, ours.units, theirs.units, to_ours, to_theirs);

  OrderAdditionsByVersion(
      merged.entries, options.addition_version, [&](const Entry& e) -> const sql::ObjectKey* {
        const Item* item = e.ours >= 0     ? &ours.items[static_cast<size_t>(e.ours)]
                           : e.theirs >= 0 ? &theirs.items[static_cast<size_t>(e.theirs)]
                                           : nullptr;
        return item != nullptr && item->statement != nullptr ? &item->statement->key : nullptr;
      });
  std::vector<std::string> reordered = SortRowRuns(merged.entries, ours, theirs);
  std::vector<bool> folded(merged.entries.size(), false);
  FoldRowsIntoList(merged.entries, ours, theirs, reordered, folded);
  auto chunk = [](const Side& s, int i) {
    return i < 0 ? std::string_view() : s.items[static_cast<size_t>(i)].chunk;
  };
  std::vector<std::string> intended_keys;
  std::vector<std::pair<size_t, size_t>> spans(merged.entries.size());
  // What one side deleted and the other kept as it was is written only as a forced conflict
  // (place entries.size() + its index), before the entry it stood before.
  std::vector<Deleted> deleted = DeletedItems(merged.entries, base.items.size());
  auto write_deleted = [&](Writer& w, size_t before, const std::set<size_t>& forced) {
    for (size_t d = 0; d < deleted.size(); ++d) {
      if (deleted[d].before != before || !forced.count(merged.entries.size() + d)) continue;
      size_t b = static_cast<size_t>(deleted[d].base);
      core::Status st = w.Conflict(chunk(base, deleted[d].base), chunk(ours, to_ours[b]),
                                   chunk(theirs, to_theirs[b]));
      if (!st.ok()) return st;
    }
    return core::Status();
  };
  // Writes the merge into `w`; the entries in `forced` become conflicts whatever their outcome.
  // spans[k]: the bytes of the output entry k wrote.
  auto write = [&](Writer& w, const std::set<size_t>& forced) -> core::Status {
    intended_keys.clear();
    for (size_t k = 0; k < merged.entries.size(); ++k) {
      const Entry& e = merged.entries[k];
      if (core::Status st = write_deleted(w, k, forced); !st.ok()) return st;
      spans[k].first = w.out().size();
      if (folded[k]) continue;
      if (forced.count(k)) {
        core::Status st =
            w.Conflict(chunk(base, e.base), chunk(ours, e.ours), chunk(theirs, e.theirs));
        if (!st.ok()) return st;
        continue;
      }
      const Item* kept = e.ours >= 0     ? &ours.items[static_cast<size_t>(e.ours)]
                         : e.theirs >= 0 ? &theirs.items[static_cast<size_t>(e.theirs)]
                                         : nullptr;
      if (kept != nullptr && kept->statement != nullptr && !kept->statement->key.empty()) {
        intended_keys.push_back(kept->statement->key.ToString());
      }
      if (!reordered[k].empty()) {
        w.Append(reordered[k], nullptr, -1);
        continue;
      }
      switch (e.outcome) {
        case Outcome::kOurs:
        case Outcome::kTheirs: {
          // The other side may have changed only comments or layout (no change of meaning):
          // those travel with the statement when their lines merge cleanly.
          std::optional<std::string> both = WithOtherSidesComments(e, base, ours, theirs, options);
          if (both) {
            w.Append(*both, nullptr, -1);
          } else if (e.outcome == Outcome::kOurs) {
            w.Append(chunk(ours, e.ours), &ours, e.ours);
          } else {
            w.Append(chunk(theirs, e.theirs), &theirs, e.theirs);
          }
          break;
        }
        case Outcome::kBothChanged: {
          const Item& ib = base.items[static_cast<size_t>(e.base)];
          const Item& io = ours.items[static_cast<size_t>(e.ours)];
          const Item& it = theirs.items[static_cast<size_t>(e.theirs)];
          if (ib.statement && io.statement && it.statement) {
            // GRANT privileges merge as elements too.
            std::optional<sql::Statement> gb = WithPrivilegeElements(ib.file_text, *ib.statement);
            std::optional<sql::Statement> go = WithPrivilegeElements(io.file_text, *io.statement);
            std::optional<sql::Statement> gt = WithPrivilegeElements(it.file_text, *it.statement);
            bool grants = gb && go && gt;
            std::optional<std::string> elements =
                MergeElements({grants ? &*gb : ib.statement, ib.file_text},
                              {grants ? &*go : io.statement, io.file_text},
                              {grants ? &*gt : it.statement, it.file_text}, options.path,
                              options.addition_version);
            if (elements) {
              w.Append(*elements, nullptr, -1);
              break;
            }
            Result<git::MergeFileResult> m =
                git::MergeFile(ib.chunk, io.chunk, it.chunk, options.text);
            if (!m.ok()) return m.take_error();
            if (!m->conflicted() && ParsesAs(m->text, io.statement->key, options.path)) {
              w.Append(m->text, nullptr, -1);
              break;
            }
          }
          core::Status st = w.Conflict(ib.chunk, io.chunk, it.chunk);
          if (!st.ok()) return st.take_error();
          break;
        }
        case Outcome::kDeleteChange:
        case Outcome::kBothAdded: {
          core::Status st =
              w.Conflict(chunk(base, e.base), chunk(ours, e.ours), chunk(theirs, e.theirs));
          if (!st.ok()) return st.take_error();
          break;
        }
      }
    }
    if (core::Status st = write_deleted(w, merged.entries.size(), forced); !st.ok()) return st;
    for (size_t k = 0; k < spans.size(); ++k) {
      spans[k].second = k + 1 < spans.size() ? spans[k + 1].first : w.out().size();
    }
    return {};
  };
  std::optional<Writer> writer;
  writer.emplace(options);
  if (core::Status st = write(*writer, {}); !st.ok()) return st.take_error();

  // A clean merge where one side removed what the other side's addition or change uses does
  // not load: both become conflicts, and a warning names them.
  std::vector<std::string> dependency_warnings;
  if (writer->conflicts() == 0) {
    std::map<std::string, Removal> removed =
        Removals(merged.entries, deleted, to_ours, to_theirs, base, ours, theirs);
    if (!removed.empty()) {
      std::set<size_t> forced =
          DependencyConflicts(writer->out(), removed, merged.entries, base, ours, theirs, spans,
                              options, dependency_warnings);
      if (!forced.empty()) {
        writer.emplace(options);
        if (core::Status st = write(*writer, forced); !st.ok()) return st.take_error();
      }
    }
  }
  Writer& w = *writer;
  if (search_path_changed && w.conflicts() == 0) {
    sql::SourceFile check = sql::SourceFile::Parse(options.path, w.out());
    std::vector<std::string> keys;
    for (const sql::Statement& s : check.statements()) {
      if (!s.key.empty()) keys.push_back(s.key.ToString());
    }
    std::sort(keys.begin(), keys.end());
    std::sort(intended_keys.begin(), intended_keys.end());
    if (!check.errors().empty() || keys != intended_keys) {
      return Error(core::kExitBadInput,
                   "a changed search_path would move objects to another schema");
    }
  }
  MergeResult result;
  result.text = std::move(w.out());
  if (strip_newline && !result.text.empty() && result.text.back() == '\n') result.text.pop_back();
  result.conflicts = w.conflicts();
  result.warnings = std::move(dependency_warnings);
  return result;
}

std::set<std::string> DefinedKeys(const std::string& path, std::string_view text) {
  sql::ParseOptions options;
  options.canonical_hashes = false;
  sql::SourceFile file = sql::SourceFile::Parse(path, std::string(text), options);
  std::set<std::string> keys;
  for (const sql::Statement& s : file.statements()) {
    Defined(s, [&](const sql::ObjectKey& k) { keys.insert(k.ToString()); });
  }
  return keys;
}

Result<MergeResult> MergeSchemaText(std::string_view base, std::string_view ours,
                                    std::string_view theirs, const MergeOptions& options) {
  std::string why;
  if (!options.text_only) {
    try {
      Result<MergeResult> r = MergeObjects(base, ours, theirs, options);
      if (r.ok()) return r;
      why = r.error().message;
    } catch (const std::exception& e) {
      why = std::string("internal error: ") + e.what();
    }
  }
  Result<git::MergeFileResult> m = git::MergeFile(base, ours, theirs, options.text);
  if (!m.ok()) return m.take_error();
  MergeResult result;
  result.text = std::move(m->text);
  result.conflicts = m->conflicts;
  result.textual = true;
  if (!why.empty()) {
    result.warnings.push_back("merged '" + options.path + "' as text: " + why);
  }
  return result;
}

}  // namespace pgstate::merge
