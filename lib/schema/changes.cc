#include "schema/changes.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "git/repository.h"
#include "schema/modules.h"
#include "sql/lexer.h"

namespace pgstate::schema {
namespace {

using core::Error;
using core::kExitBadInput;

std::optional<Area> AreaOf(const config::Config& config, const std::string& path) {
  if (config.IsBaselinePath(path)) return Area::kBaseline;
  if (config.IsMigrationPath(path)) return Area::kMigration;
  if (config.IsSchemaPath(path)) return Area::kSchema;
  return std::nullopt;
}

std::string FileName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The version of a migration file name `<14 digits>_<slug>.sql`, or "".
std::string MigrationVersion(const std::string& path) {
  std::string name = FileName(path);
  constexpr size_t kDigits = 14;
  if (name.size() <= kDigits || name[kDigits] != '_') return {};
  for (size_t i = 0; i < kDigits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {};
  }
  return name.substr(0, kDigits);
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What people read for a statement without a key: the start of its text.
std::string UnkeyedLabel(std::string_view text) {
  constexpr size_t kMaxLabel = 60;
  std::string s = CollapseSpace(text);
  if (s.size() > kMaxLabel) s = s.substr(0, kMaxLabel - 3) + "...";
  return s;
}

// --- one side of one file ----------------------------------------------------------------

struct Entry {
  const sql::SourceFile* file = nullptr;
  const sql::Statement* st = nullptr;
  std::string path;     // the file it is in, on its own side
  std::string key_id;   // what matches across sides: the key, or the unkeyed statement itself
  std::string file_id;  // for an old entry: the path its file has on the new side (renames)
  size_t index = 0;     // position among the statements of its file
  bool matched = false;
};

std::string IdentityOf(const sql::Statement& st, const sql::SourceFile& file) {
  if (!st.key.empty()) return st.key.ToString();
  if (st.canonical != 0) return "~" + st.node_type + ":" + std::to_string(st.canonical);
  return "~" + st.node_type + ":" + CollapseSpace(file.TextOf(st.text));
}

bool SameCanonical(const Entry& a, const Entry& b) {
  if (a.st->canonical != 0 || b.st->canonical != 0) return a.st->canonical == b.st->canonical;
  return CollapseSpace(a.file->TextOf(a.st->text)) == CollapseSpace(b.file->TextOf(b.st->text));
}

// --- what changed inside a CREATE TABLE (or any statement with elements) --------------------

bool IsColumnClauseStart(std::string_view text, const sql::lexer::Token& t) {
  for (const char* w : {"constraint", "not", "null", "default", "primary", "unique", "check",
                        "references", "generated", "collate"}) {
    if (sql::lexer::IsWord(text, t, w)) return true;
  }
  return false;
}

// A column definition split into the parts people talk about.
struct ColumnParts {
  std::string type;
  std::string default_expr;
  bool not_null = false;
  std::string rest;  // every other clause, collapsed
};

ColumnParts SplitColumn(std::string_view text) {
  using sql::lexer::NextToken;
  using sql::lexer::Token;
  using sql::lexer::TokenKind;
  ColumnParts parts;
  Token name = NextToken(text, 0);
  size_t pos = name.end;
  int depth = 0;
  // Clause boundaries at parenthesis depth 0, after the column name.
  std::vector<Token> starts;
  size_t type_end = text.size();
  for (Token t = NextToken(text, pos); t.kind != TokenKind::kEnd; t = NextToken(text, t.end)) {
    if (t.kind == TokenKind::kPunct && text[t.begin] == '(') ++depth;
    if (t.kind == TokenKind::kPunct && text[t.begin] == ')') --depth;
    if (depth == 0 && IsColumnClauseStart(text, t)) {
      if (starts.empty()) type_end = t.begin;
      starts.push_back(t);
    }
  }
  parts.type = Lower(CollapseSpace(text.substr(pos, type_end - pos)));
  for (size_t i = 0; i < starts.size(); ++i) {
    const Token& t = starts[i];
    size_t end = i + 1 < starts.size() ? starts[i + 1].begin : text.size();
    std::string clause = CollapseSpace(text.substr(t.begin, end - t.begin));
    if (sql::lexer::IsWord(text, t, "default")) {
      parts.default_expr = CollapseSpace(text.substr(t.end, end - t.end));
    } else if (sql::lexer::IsWord(text, t, "not") && i + 1 < starts.size() &&
               sql::lexer::IsWord(text, starts[i + 1], "null")) {
      parts.not_null = true;
      ++i;
    } else {
      parts.rest += Lower(clause) + " ";
    }
  }
  return parts;
}

std::vector<std::string> ColumnDetails(const std::string& name, std::string_view before,
                                       std::string_view after) {
  ColumnParts a = SplitColumn(before);
  ColumnParts b = SplitColumn(after);
  std::vector<std::string> out;
  const std::string who = "column " + name + ": ";
  if (a.type != b.type) out.push_back(who + "type changed from " + a.type + " to " + b.type);
  if (a.default_expr != b.default_expr) {
    if (a.default_expr.empty()) {
      out.push_back(who + "default added");
    } else if (b.default_expr.empty()) {
      out.push_back(who + "default removed");
    } else {
      out.push_back(who + "default changed");
    }
  }
  if (a.not_null != b.not_null)
    out.push_back(who + (b.not_null ? "NOT NULL added" : "NOT NULL dropped"));
  if (a.rest != b.rest) out.push_back(who + "constraints changed");
  if (out.empty()) out.push_back("column " + name + " changed");
  return out;
}

// "column public.users.email" inside "table public.users" reads as "email".
std::string ElementName(const sql::ObjectKey& element, const sql::ObjectKey& owner) {
  const std::string prefix = owner.name + ".";
  if (element.schema == owner.schema && element.name.compare(0, prefix.size(), prefix) == 0) {
    return element.name.substr(prefix.size());
  }
  return element.QualifiedName();
}

std::vector<std::string> ElementDetails(const Entry& o, const Entry& n) {
  const sql::Statement& a = *o.st;
  const sql::Statement& b = *n.st;
  std::vector<std::string> out;
  if (a.elements.empty() && b.elements.empty()) return out;
  std::map<std::string, const sql::Element*> old_by_key;
  for (const sql::Element& e : a.elements) old_by_key.emplace(e.key.ToString(), &e);
  std::map<std::string, const sql::Element*> new_by_key;
  for (const sql::Element& e : b.elements) new_by_key.emplace(e.key.ToString(), &e);

  // Additions and removals are counted per element kind so a long list of rows stays short.
  std::map<std::string, std::vector<std::string>> added, removed;
  std::vector<std::string> changed;
  for (const sql::Element& e : b.elements) {
    auto it = old_by_key.find(e.key.ToString());
    if (it == old_by_key.end()) {
      added[e.key.kind].push_back(ElementName(e.key, b.key));
    } else if (it->second->canonical != e.canonical) {
      std::string name = ElementName(e.key, b.key);
      if (e.key.kind == "column") {
        for (std::string& d :
             ColumnDetails(name, o.file->TextOf(it->second->span), n.file->TextOf(e.span))) {
          changed.push_back(std::move(d));
        }
      } else {
        changed.push_back(e.key.kind + " " + name + " changed");
      }
    }
  }
  for (const sql::Element& e : a.elements) {
    if (!new_by_key.count(e.key.ToString()))
      removed[e.key.kind].push_back(ElementName(e.key, a.key));
  }
  constexpr size_t kListAtMost = 3;
  auto summarize = [&](const std::map<std::string, std::vector<std::string>>& by_kind,
                       const char* verb) {
    for (const auto& [kind, names] : by_kind) {
      if (names.size() > kListAtMost) {
        out.push_back(std::to_string(names.size()) + " " + kind + "s " + verb);
      } else {
        for (const std::string& name : names) out.push_back(kind + " " + name + " " + verb);
      }
    }
  };
  summarize(added, "added");
  summarize(removed, "removed");
  for (std::string& d : changed) out.push_back(std::move(d));
  if (out.empty() && !b.elements_are_rows) {
    // Same elements, same definitions: the order moved.
    std::vector<std::string> old_order, new_order;
    for (const sql::Element& e : a.elements) old_order.push_back(e.key.ToString());
    for (const sql::Element& e : b.elements) new_order.push_back(e.key.ToString());
    if (old_order != new_order && !b.elements.empty()) {
      out.push_back(b.elements.front().key.kind + "s reordered");
    }
  }
  return out;
}

// --- matching ----------------------------------------------------------------------------

// Indexes (into `seq`) of one longest strictly increasing subsequence.
std::vector<size_t> LongestIncreasing(const std::vector<size_t>& seq) {
  std::vector<size_t> tails;  // tails[k]: index in seq of the smallest tail of a run of k+1
  std::vector<size_t> prev(seq.size(), SIZE_MAX);
  for (size_t i = 0; i < seq.size(); ++i) {
    auto it = std::lower_bound(tails.begin(), tails.end(), seq[i],
                               [&](size_t idx, size_t v) { return seq[idx] < v; });
    size_t k = static_cast<size_t>(it - tails.begin());
    if (k > 0) prev[i] = tails[k - 1];
    if (it == tails.end()) {
      tails.push_back(i);
    } else {
      *it = i;
    }
  }
  std::vector<size_t> out;
  for (size_t i = tails.empty() ? SIZE_MAX : tails.back(); i != SIZE_MAX; i = prev[i]) {
    out.push_back(i);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

struct Pair {
  Entry* old_entry;
  Entry* new_entry;
  bool moved_in_file = false;
};

// Pairs statements with the same identity: identical ones in the same file first, then
// identical ones anywhere, then the rest in order.
std::vector<Pair> MatchEntries(std::vector<Entry>& olds, std::vector<Entry>& news) {
  std::unordered_map<std::string, std::vector<Entry*>> old_by_id;
  for (Entry& e : olds) old_by_id[e.key_id].push_back(&e);
  std::vector<Pair> pairs;
  for (int pass = 0; pass < 3; ++pass) {
    for (Entry& n : news) {
      if (n.matched) continue;
      auto it = old_by_id.find(n.key_id);
      if (it == old_by_id.end()) continue;
      for (Entry* o : it->second) {
        if (o->matched) continue;
        bool same = pass == 2 || (SameCanonical(*o, n) && (pass == 1 || o->file_id == n.path));
        if (!same) continue;
        o->matched = n.matched = true;
        pairs.push_back({o, &n});
        break;
      }
    }
  }
  return pairs;
}

// Marks pairs that stayed in the same file but changed place relative to the others.
void FindMovesWithinFiles(std::vector<Pair>& pairs) {
  std::map<std::string, std::vector<Pair*>> by_file;
  for (Pair& p : pairs) {
    if (p.old_entry->file_id == p.new_entry->path) by_file[p.new_entry->path].push_back(&p);
  }
  for (auto& [path, list] : by_file) {
    std::sort(list.begin(), list.end(), [](const Pair* a, const Pair* b) {
      return a->new_entry->index < b->new_entry->index;
    });
    std::vector<size_t> old_positions;
    for (const Pair* p : list) old_positions.push_back(p->old_entry->index);
    std::vector<bool> keep(list.size(), false);
    for (size_t i : LongestIncreasing(old_positions)) keep[i] = true;
    for (size_t i = 0; i < list.size(); ++i) list[i]->moved_in_file = !keep[i];
  }
}

ObjectChange MakeChange(ChangeKind kind, Area area, const Entry* o, const Entry* n) {
  ObjectChange c;
  c.kind = kind;
  c.area = area;
  const Entry* any = n ? n : o;
  c.key = any->st->key;
  c.label = c.key.empty() ? UnkeyedLabel(any->file->TextOf(any->st->text)) : c.key.ToString();
  if (o) {
    c.old_path = o->path;
    c.old_line = o->st->location.line;
  }
  if (n) {
    c.new_path = n->path;
    c.new_line = n->st->location.line;
  }
  return c;
}

// --- parsing the changed files -----------------------------------------------------------

// The changed files' sides to parse. Parsing dominates the cost of a large change, and the
// sides are independent, so they are parsed on several threads (libpg_query keeps its state
// per thread); entries and errors are then produced in the order the sides were added.
class Parsed {
 public:
  // Queues one side of a file; a binary side is an error right away.
  core::Status Add(const std::string& path, const std::string& file_id, const std::string& text,
                   bool binary, const std::string& side, std::vector<Entry>* out) {
    if (binary) {
      return Error(kExitBadInput, "'" + path + "' is a binary file (in " + side + ")");
    }
    jobs_.push_back({path, file_id, &text, side, out});
    return {};
  }

  // Parses every queued side; the first side (in order) with a syntax error is the error.
  core::Status Run(const sql::ParseOptions& options) {
    files_.resize(jobs_.size());
    ParseAll(options);
    for (size_t i = 0; i < jobs_.size(); ++i) {
      const Job& job = jobs_[i];
      const sql::SourceFile& file = *files_[i];
      if (!file.errors().empty()) {
        const core::Diagnostic& d = file.errors().front();
        return Error(kExitBadInput,
                     "cannot parse '" + job.path + "' (in " + job.side + "): " + d.message,
                     d.location);
      }
      size_t index = 0;
      for (const sql::Statement& st : file.statements()) {
        Entry e;
        e.file = &file;
        e.st = &st;
        e.path = job.path;
        e.key_id = IdentityOf(st, file);
        e.file_id = job.file_id;
        e.index = index++;
        job.out->push_back(std::move(e));
      }
    }
    return {};
  }

 private:
  struct Job {
    std::string path;
    std::string file_id;
    const std::string* text;
    std::string side;
    std::vector<Entry>* out;
  };

  void ParseAll(const sql::ParseOptions& options) {
    constexpr size_t kWorthAThread = 64 * 1024;  // bytes of SQL; below that threads cost more
    size_t bytes = 0;
    for (const Job& j : jobs_) bytes += j.text->size();
    size_t threads = std::min<size_t>(jobs_.size(), std::thread::hardware_concurrency());
    if (bytes < kWorthAThread) threads = 1;
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < jobs_.size(); i = next++) {
        files_[i] = std::make_unique<sql::SourceFile>(
            sql::SourceFile::Parse(jobs_[i].path, *jobs_[i].text, options));
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }

  std::vector<Job> jobs_;
  std::vector<std::unique_ptr<sql::SourceFile>> files_;
};

struct AreaEntries {
  std::vector<Entry> olds;
  std::vector<Entry> news;
};

bool ByPathThenLine(const ObjectChange& a, const ObjectChange& b) {
  if (a.path() != b.path()) return a.path() < b.path();
  if (a.line() != b.line()) return a.line() < b.line();
  return a.label < b.label;
}

}  // namespace

const char* AreaName(Area area) {
  switch (area) {
    case Area::kSchema:
      return "schema";
    case Area::kBaseline:
      return "baseline";
    case Area::kMigration:
      return "migration";
  }
  return "schema";
}

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kModified:
      return "modified";
    case ChangeKind::kMoved:
      return "moved";
    case ChangeKind::kReformatted:
      return "reformatted";
  }
  return "modified";
}

const char* MigrationChangeKindName(MigrationChangeKind kind) {
  switch (kind) {
    case MigrationChangeKind::kAdded:
      return "added";
    case MigrationChangeKind::kRemoved:
      return "removed";
    case MigrationChangeKind::kEdited:
      return "edited";
    case MigrationChangeKind::kRenamed:
      return "renamed";
  }
  return "edited";
}

bool ChangeSet::empty() const {
  if (!objects.empty() || !migrations.empty()) return false;
  for (const FileChange& f : files) {
    if (f.status == git::FileStatus::kRenamed) return false;
  }
  return true;
}

size_t ChangeSet::NewMigrationCount() const {
  size_t n = 0;
  for (const MigrationChange& m : migrations) n += m.kind == MigrationChangeKind::kAdded;
  return n;
}

core::Result<ChangeSet> DetectChanges(const std::vector<git::FileDiff>& diffs,
                                      const config::Config& config, const ChangeOptions& options,
                                      const std::string& from_label, const std::string& to_label) {
  ChangeSet set;
  set.from_label = from_label;
  set.to_label = to_label;
  Parsed parsed;
  std::map<Area, AreaEntries> areas;

  for (const git::FileDiff& d : diffs) {
    std::optional<Area> old_area =
        d.old_content ? AreaOf(config, d.old_path) : std::optional<Area>();
    std::optional<Area> new_area =
        d.new_content ? AreaOf(config, d.new_path) : std::optional<Area>();
    if (!old_area && !new_area) continue;
    // A file that changes area (or leaves the configured paths) is a removal plus an addition.
    const bool one_file = old_area && new_area && *old_area == *new_area;
    auto add_file = [&](git::FileStatus status, Area area) {
      FileChange f;
      f.status = status;
      f.area = area;
      f.old_path = status == git::FileStatus::kAdded ? d.new_path : d.old_path;
      f.new_path = status == git::FileStatus::kDeleted ? d.old_path : d.new_path;
      f.similarity = status == git::FileStatus::kRenamed ? d.similarity : 0;
      set.files.push_back(std::move(f));
    };
    if (one_file) {
      add_file(d.status, *old_area);
    } else {
      if (old_area) add_file(git::FileStatus::kDeleted, *old_area);
      if (new_area) add_file(git::FileStatus::kAdded, *new_area);
    }

    if ((old_area == Area::kMigration) || (new_area == Area::kMigration)) {
      if (old_area == Area::kMigration && d.old_binary) {
        return Error(kExitBadInput,
                     "'" + d.old_path + "' is a binary file (in " + from_label + ")");
      }
      if (new_area == Area::kMigration && d.new_binary) {
        return Error(kExitBadInput, "'" + d.new_path + "' is a binary file (in " + to_label + ")");
      }
      MigrationChange m;
      if (one_file) {
        m.kind = d.status == git::FileStatus::kRenamed ? MigrationChangeKind::kRenamed
                                                       : MigrationChangeKind::kEdited;
        m.old_path = d.old_path;
        m.new_path = d.new_path;
        m.may_have_been_applied = true;
        m.version = MigrationVersion(d.new_path);
        set.migrations.push_back(m);
      } else {
        if (old_area == Area::kMigration) {
          m.kind = MigrationChangeKind::kRemoved;
          m.old_path = d.old_path;
          m.version = MigrationVersion(d.old_path);
          set.migrations.push_back(m);
        }
        if (new_area == Area::kMigration) {
          MigrationChange added;
          added.kind = MigrationChangeKind::kAdded;
          added.new_path = d.new_path;
          added.version = MigrationVersion(d.new_path);
          set.migrations.push_back(added);
        }
      }
    }

    if (old_area && *old_area != Area::kMigration) {
      // Statements of a file that keeps its area are identified by the file's new path, so a
      // renamed file's statements did not move.
      std::string file_id = one_file ? d.new_path : d.old_path;
      if (auto st = parsed.Add(d.old_path, file_id, *d.old_content, d.old_binary, from_label,
                               &areas[*old_area].olds);
          !st.ok()) {
        return st.take_error();
      }
    }
    if (new_area && *new_area != Area::kMigration) {
      if (auto st = parsed.Add(d.new_path, d.new_path, *d.new_content, d.new_binary, to_label,
                               &areas[*new_area].news);
          !st.ok()) {
        return st.take_error();
      }
    }
  }

  if (auto st = parsed.Run(options.parse); !st.ok()) return st.take_error();

  for (auto& [area, entries] : areas) {
    std::vector<Pair> pairs = MatchEntries(entries.olds, entries.news);
    FindMovesWithinFiles(pairs);
    for (const Pair& p : pairs) {
      const Entry& o = *p.old_entry;
      const Entry& n = *p.new_entry;
      bool moved = p.moved_in_file || o.file_id != n.path;
      if (!SameCanonical(o, n)) {
        ObjectChange c = MakeChange(ChangeKind::kModified, area, &o, &n);
        c.moved = moved;
        c.details = ElementDetails(o, n);
        set.objects.push_back(std::move(c));
      } else if (moved) {
        set.objects.push_back(MakeChange(ChangeKind::kMoved, area, &o, &n));
      } else if (options.show_all && o.file->TextOf(o.st->chunk) != n.file->TextOf(n.st->chunk)) {
        set.objects.push_back(MakeChange(ChangeKind::kReformatted, area, &o, &n));
      }
    }
    for (const Entry& o : entries.olds) {
      if (!o.matched) set.objects.push_back(MakeChange(ChangeKind::kRemoved, area, &o, nullptr));
    }
    for (const Entry& n : entries.news) {
      if (!n.matched) set.objects.push_back(MakeChange(ChangeKind::kAdded, area, nullptr, &n));
    }
  }

  std::sort(set.objects.begin(), set.objects.end(), ByPathThenLine);
  Modules modules(config.modules);
  if (modules.configured()) {
    std::vector<size_t> counts(modules.size(), 0);
    for (const ObjectChange& o : set.objects) {
      if (o.area != Area::kSchema) continue;
      size_t from = o.old_path.empty() ? modules.size() : modules.ModuleOf(o.old_path);
      size_t to = o.new_path.empty() ? modules.size() : modules.ModuleOf(o.new_path);
      if (from < modules.size()) ++counts[from];
      if (to < modules.size() && to != from) ++counts[to];
    }
    // A file moved to another module touches both, whether or not an object changed.
    std::vector<bool> touched(modules.size(), false);
    for (const FileChange& f : set.files) {
      if (f.area != Area::kSchema || f.status != git::FileStatus::kRenamed) continue;
      touched[modules.ModuleOf(f.old_path)] = true;
      touched[modules.ModuleOf(f.new_path)] = true;
    }
    set.modules = modules.Touches(counts, touched);
  }
  std::stable_sort(set.files.begin(), set.files.end(),
                   [](const FileChange& a, const FileChange& b) { return a.path() < b.path(); });
  std::stable_sort(
      set.migrations.begin(), set.migrations.end(),
      [](const MigrationChange& a, const MigrationChange& b) { return a.path() < b.path(); });
  return set;
}

core::Result<ChangeSet> ChangesInRange(git_repository* repo, const git::DiffRange& range,
                                       const config::Config& config, const ChangeOptions& options) {
  git::DiffOptions diff_options;
  diff_options.pathspec = {config.schema_dir, config.baseline, config.migrations_dir};
  diff_options.predicate = [&config](std::string_view path) { return config.IsTrackedPath(path); };
  diff_options.include_untracked = range.include_untracked;
  auto diffs = git::DiffFiles(repo, range.from, range.to, diff_options);
  if (!diffs.ok()) return diffs.take_error();
  return DetectChanges(*diffs, config, options, range.from_label, range.to_label);
}

core::Result<ChangeSet> CollectChanges(const std::string& path,
                                       const std::vector<std::string>& revs, bool staged,
                                       bool worktree, bool show_all) {
  auto repo = git::OpenRepository(path);
  if (!repo.ok()) return repo.take_error();
  config::Config config;
  std::string root = git::WorkTreeRoot(repo->get());
  if (!root.empty()) {
    auto loaded = config::LoadConfig(root);
    if (!loaded.ok()) return loaded.take_error();
    config = std::move(*loaded);
  }
  auto range = git::ParseDiffRange(repo->get(), revs, staged, worktree);
  if (!range.ok()) return range.take_error();
  ChangeOptions options;
  options.show_all = show_all;
  options.parse.search_path = config.search_path;
  return ChangesInRange(repo->get(), *range, config, options);
}

}  // namespace pgstate::schema
