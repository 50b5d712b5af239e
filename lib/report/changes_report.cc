#include "report/changes_report.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "report/diagnostics_report.h"

namespace pgstate::report {

using schema::ChangeKind;
using schema::ChangeSet;
using schema::FileChange;
using schema::MigrationChange;
using schema::MigrationChangeKind;
using schema::ObjectChange;
using json = nlohmann::ordered_json;

namespace {

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

size_t CountMigrations(const ChangeSet& c, MigrationChangeKind kind) {
  size_t n = 0;
  for (const MigrationChange& m : c.migrations) n += m.kind == kind;
  return n;
}

size_t CountObjects(const ChangeSet& c, ChangeKind kind) {
  size_t n = 0;
  for (const ObjectChange& o : c.objects) n += o.kind == kind;
  return n;
}

size_t CountRenamedFiles(const ChangeSet& c) {
  size_t n = 0;
  for (const FileChange& f : c.files) n += f.status == git::FileStatus::kRenamed;
  return n;
}

std::string Location(const std::string& path, int line) {
  return line > 0 ? path + ":" + std::to_string(line) : path;
}

// "moved from db/schema/a.sql:3", or "moved from line 3" inside one file.
std::string MovedFrom(const ObjectChange& o) {
  if (o.old_path == o.new_path) return "moved from line " + std::to_string(o.old_line);
  return "moved from " + Location(o.old_path, o.old_line);
}

const char* MigrationNote(const MigrationChange& m) {
  return m.may_have_been_applied
             ? "it may already have been applied; databases that ran it will not see the edit"
             : "";
}

// --- human --------------------------------------------------------------------------------

struct Palette {
  const char* bold = "";
  const char* green = "";
  const char* red = "";
  const char* yellow = "";
  const char* cyan = "";
  const char* dim = "";
  const char* reset = "";
  explicit Palette(bool color) {
    if (!color) return;
    bold = "\033[1m";
    green = "\033[32m";
    red = "\033[31m";
    yellow = "\033[33m";
    cyan = "\033[36m";
    dim = "\033[2m";
    reset = "\033[0m";
  }
};

struct FileGroup {
  const FileChange* file = nullptr;
  std::vector<const ObjectChange*> objects;
};

std::string FileHeader(const std::string& path, const FileChange* f) {
  if (!f) return path;
  switch (f->status) {
    case git::FileStatus::kAdded:
      return path + " (new file)";
    case git::FileStatus::kDeleted:
      return path + " (deleted)";
    case git::FileStatus::kRenamed:
      return path + " (renamed from " + f->old_path + ", " + std::to_string(f->similarity) +
             "% similar)";
    case git::FileStatus::kModified:
      return path;
  }
  return path;
}

// "billing (@payments-team, 2 objects), accounts (1 object)"
std::string ModulesLine(const ChangeSet& c) {
  std::string out;
  for (const schema::ModuleTouch& m : c.modules) {
    std::vector<std::string> notes;
    if (!m.owner.empty()) notes.push_back(m.owner);
    if (m.count > 0) notes.push_back(Plural(m.count, "object", "objects"));
    std::string note;
    for (const std::string& n : notes) note += (note.empty() ? "" : ", ") + n;
    out += (out.empty() ? "" : ", ") + m.name + (note.empty() ? "" : " (" + note + ")");
  }
  return out;
}

std::string RenderHuman(const ChangeSet& c, const ChangesRenderOptions& options) {
  if (c.empty() && c.objects.empty()) return {};
  Palette p(options.color);
  std::map<std::string, FileGroup> groups;
  for (const FileChange& f : c.files) {
    if (f.area == schema::Area::kMigration) continue;
    // A file whose only edits were invisible ones is not listed.
    if (f.status == git::FileStatus::kModified) continue;
    groups[f.path()].file = &f;
  }
  for (const ObjectChange& o : c.objects) {
    FileGroup& g = groups[o.path()];
    g.objects.push_back(&o);
    if (!g.file) {
      for (const FileChange& f : c.files) {
        if (f.path() == o.path()) g.file = &f;
      }
    }
  }
  std::string out = std::string(p.bold) + "schema changes from " + c.from_label + " to " +
                    c.to_label + p.reset + "\n";
  for (const auto& [path, g] : groups) {
    out += "\n" + std::string(p.bold) + FileHeader(path, g.file) + p.reset + "\n";
    for (const ObjectChange* o : g.objects) {
      const char* color = p.yellow;
      char sign = '~';
      std::string where;
      switch (o->kind) {
        case ChangeKind::kAdded:
          color = p.green;
          sign = '+';
          where = "line " + std::to_string(o->new_line);
          break;
        case ChangeKind::kRemoved:
          color = p.red;
          sign = '-';
          where = "was line " + std::to_string(o->old_line);
          break;
        case ChangeKind::kModified:
          where = "line " + std::to_string(o->new_line);
          if (o->moved) where += ", " + MovedFrom(*o);
          break;
        case ChangeKind::kMoved:
          color = p.cyan;
          sign = '>';
          where = MovedFrom(*o);
          break;
        case ChangeKind::kReformatted:
          color = p.dim;
          sign = '=';
          where = "line " + std::to_string(o->new_line) + ", whitespace or comments only";
          break;
      }
      out += "  " + std::string(color) + sign + " " + schema::ChangeKindName(o->kind) + " " +
             o->label + p.reset + "  " + p.dim + "(" + where + ")" + p.reset + "\n";
      for (const std::string& d : o->details) out += "      " + d + "\n";
    }
  }
  if (!c.migrations.empty()) {
    out += "\n" + std::string(p.bold) + "migrations" + p.reset + "\n";
    for (const MigrationChange& m : c.migrations) {
      const char* color = m.kind == MigrationChangeKind::kAdded     ? p.green
                          : m.kind == MigrationChangeKind::kRemoved ? p.red
                                                                    : p.yellow;
      out += "  " + std::string(color) + schema::MigrationChangeKindName(m.kind) + " " + m.path() +
             p.reset;
      if (m.kind == MigrationChangeKind::kRenamed) out += " (from " + m.old_path + ")";
      out += "\n";
      if (m.may_have_been_applied) {
        out += "      " + std::string(p.yellow) + "warning: " + p.reset + MigrationNote(m) + "\n";
      }
    }
  }
  if (!c.modules.empty()) {
    out += "\n" + std::string(p.bold) + "modules" + p.reset + " " + ModulesLine(c) + "\n";
    std::vector<std::string> owners = schema::OwnersOf(c.modules);
    if (!owners.empty()) {
      std::string list;
      for (const std::string& o : owners) list += (list.empty() ? "" : " ") + o;
      out += std::string(p.bold) + "owners" + p.reset + "  " + list + "\n";
    }
  }
  std::string summary = ChangesSummary(c);
  if (!summary.empty()) out += "\n" + summary + "\n";
  return out;
}

// --- json ---------------------------------------------------------------------------------

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json OrNull(int line) { return line > 0 ? json(line) : json(nullptr); }

std::string RenderJson(const ChangeSet& c) {
  json out;
  out["version"] = kChangesJsonVersion;
  out["from"] = c.from_label;
  out["to"] = c.to_label;
  json summary;
  summary["changed"] = !c.empty();
  summary["objects"] = c.objects.size();
  for (ChangeKind k : {ChangeKind::kAdded, ChangeKind::kRemoved, ChangeKind::kModified,
                       ChangeKind::kMoved, ChangeKind::kReformatted}) {
    summary[schema::ChangeKindName(k)] = CountObjects(c, k);
  }
  json migrations_summary;
  for (MigrationChangeKind k : {MigrationChangeKind::kAdded, MigrationChangeKind::kRemoved,
                                MigrationChangeKind::kEdited, MigrationChangeKind::kRenamed}) {
    migrations_summary[schema::MigrationChangeKindName(k)] = CountMigrations(c, k);
  }
  summary["migrations"] = migrations_summary;
  summary["files"] = c.files.size();
  out["summary"] = summary;

  json modules = json::array();
  for (const schema::ModuleTouch& m : c.modules) {
    modules.push_back({{"name", m.name}, {"owner", OrNull(m.owner)}, {"objects", m.count}});
  }
  out["modules"] = modules;

  json files = json::array();
  for (const FileChange& f : c.files) {
    json j;
    j["path"] = f.path();
    j["old_path"] = f.status == git::FileStatus::kAdded ? json(nullptr) : json(f.old_path);
    j["status"] = git::FileStatusName(f.status);
    j["area"] = schema::AreaName(f.area);
    j["similarity"] = f.status == git::FileStatus::kRenamed ? json(f.similarity) : json(nullptr);
    files.push_back(j);
  }
  out["files"] = files;

  json objects = json::array();
  for (const ObjectChange& o : c.objects) {
    json j;
    j["change"] = schema::ChangeKindName(o.kind);
    j["area"] = schema::AreaName(o.area);
    j["key"] = o.key.empty() ? json(nullptr) : json(o.key.ToString());
    j["kind"] = OrNull(o.key.kind);
    j["schema"] = OrNull(o.key.schema);
    j["name"] = OrNull(o.key.name);
    j["label"] = o.label;
    j["old_path"] = OrNull(o.old_path);
    j["old_line"] = OrNull(o.old_line);
    j["new_path"] = OrNull(o.new_path);
    j["new_line"] = OrNull(o.new_line);
    j["moved"] = o.kind == ChangeKind::kMoved || o.moved;
    j["details"] = o.details;
    objects.push_back(j);
  }
  out["objects"] = objects;

  json migrations = json::array();
  for (const MigrationChange& m : c.migrations) {
    json j;
    j["change"] = schema::MigrationChangeKindName(m.kind);
    j["path"] = m.path();
    j["old_path"] = OrNull(m.old_path);
    j["version"] = OrNull(m.version);
    j["may_have_been_applied"] = m.may_have_been_applied;
    migrations.push_back(j);
  }
  out["migrations"] = migrations;
  return out.dump(2) + "\n";
}

// --- markdown -----------------------------------------------------------------------------

// Text for a table cell inside backticks: no pipes, no backticks, no newlines.
std::string Code(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '`') {
      out += '\'';
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return "`" + out + "`";
}

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderMarkdown(const ChangeSet& c) {
  std::string out = "### Schema changes: " + Code(c.from_label) + " → " + Code(c.to_label) + "\n\n";
  if (c.empty() && c.objects.empty()) return out + "No schema changes.\n";
  std::string summary = ChangesSummary(c);
  out += summary.empty() ? "" : "**" + summary + "**\n\n";
  if (!c.modules.empty()) {
    out += "Modules: " + ModulesLine(c) + "\n";
    std::vector<std::string> owners = schema::OwnersOf(c.modules);
    if (!owners.empty()) {
      std::string list;
      for (const std::string& o : owners) list += (list.empty() ? "" : " ") + o;
      out += "Review: " + list + "\n";
    }
    out += "\n";
  }
  if (!c.objects.empty()) {
    out += "| Change | Object | File | Details |\n|---|---|---|---|\n";
    for (const ObjectChange& o : c.objects) {
      std::string details;
      if (o.kind == ChangeKind::kMoved || o.moved) details = MovedFrom(o);
      for (const std::string& d : o.details) details += (details.empty() ? "" : "<br>") + Cell(d);
      out += std::string("| ") + schema::ChangeKindName(o.kind) + " | " + Code(o.label) + " | " +
             Code(Location(o.path(), o.line())) + " | " + details + " |\n";
    }
    out += "\n";
  }
  std::vector<const FileChange*> renamed;
  for (const FileChange& f : c.files) {
    if (f.status == git::FileStatus::kRenamed && f.area != schema::Area::kMigration) {
      renamed.push_back(&f);
    }
  }
  if (!renamed.empty()) {
    out += "Renamed files:\n\n";
    for (const FileChange* f : renamed)
      out += "- " + Code(f->old_path) + " → " + Code(f->new_path) + "\n";
    out += "\n";
  }
  if (!c.migrations.empty()) {
    out += "#### Migrations\n\n| Change | Migration | Note |\n|---|---|---|\n";
    for (const MigrationChange& m : c.migrations) {
      std::string note = m.may_have_been_applied ? std::string("⚠️ ") + MigrationNote(m) : "";
      if (m.kind == MigrationChangeKind::kRenamed) {
        note = "from " + Code(m.old_path) + (note.empty() ? "" : "; ") + note;
      }
      out += std::string("| ") + schema::MigrationChangeKindName(m.kind) + " | " + Code(m.path()) +
             " | " + note + " |\n";
    }
    out += "\n";
  }
  return out;
}

// --- github -------------------------------------------------------------------------------

std::string Annotation(const char* level, const std::string& file, int line,
                       const std::string& title, const std::string& message) {
  std::string props = "file=" + GithubEscape(file, true);
  if (line > 0) props += ",line=" + std::to_string(line);
  props += ",title=" + GithubEscape(title, true);
  return std::string("::") + level + " " + props + "::" + GithubEscape(message, false) + "\n";
}

std::string RenderGithub(const ChangeSet& c) {
  std::string out;
  for (const ObjectChange& o : c.objects) {
    std::string message = o.label + " " + schema::ChangeKindName(o.kind);
    if (o.kind == ChangeKind::kMoved || o.moved) message += " (" + MovedFrom(o) + ")";
    for (const std::string& d : o.details) message += "\n" + d;
    out += Annotation("notice", o.path(), o.line(), "schema change", message);
  }
  for (const MigrationChange& m : c.migrations) {
    std::string message =
        "migration " + std::string(schema::MigrationChangeKindName(m.kind)) + ": " + m.path();
    if (m.may_have_been_applied) {
      out +=
          Annotation("warning", m.path(), 0, "migration edited", message + "\n" + MigrationNote(m));
    } else {
      out += Annotation("notice", m.path(), 0, "migration", message);
    }
  }
  return out;
}

}  // namespace

std::optional<ChangesFormat> ParseChangesFormat(std::string_view name) {
  if (name == "human") return ChangesFormat::kHuman;
  if (name == "json") return ChangesFormat::kJson;
  if (name == "markdown") return ChangesFormat::kMarkdown;
  if (name == "github") return ChangesFormat::kGithub;
  if (name == "summary") return ChangesFormat::kSummary;
  return std::nullopt;
}

std::string ChangesSummary(const ChangeSet& c) {
  std::vector<std::string> parts;
  if (!c.objects.empty()) parts.push_back(Plural(c.objects.size(), "object", "objects"));
  if (size_t n = CountMigrations(c, MigrationChangeKind::kAdded)) {
    parts.push_back(Plural(n, "new migration", "new migrations"));
  }
  if (size_t n = CountMigrations(c, MigrationChangeKind::kRemoved)) {
    parts.push_back(Plural(n, "migration", "migrations") + " removed");
  }
  if (size_t n = CountMigrations(c, MigrationChangeKind::kEdited)) {
    parts.push_back(Plural(n, "migration", "migrations") + " edited");
  }
  if (size_t n = CountMigrations(c, MigrationChangeKind::kRenamed)) {
    parts.push_back(Plural(n, "migration", "migrations") + " renamed");
  }
  if (parts.empty()) {
    if (size_t n = CountRenamedFiles(c)) parts.push_back(Plural(n, "file", "files") + " renamed");
  }
  std::string out;
  for (const std::string& s : parts) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string RenderChanges(const ChangeSet& changes, ChangesFormat format,
                          const ChangesRenderOptions& options) {
  switch (format) {
    case ChangesFormat::kHuman:
      return RenderHuman(changes, options);
    case ChangesFormat::kJson:
      return RenderJson(changes);
    case ChangesFormat::kMarkdown:
      return RenderMarkdown(changes);
    case ChangesFormat::kGithub:
      return RenderGithub(changes);
    case ChangesFormat::kSummary: {
      std::string s = ChangesSummary(changes);
      return s.empty() ? s : s + "\n";
    }
  }
  return {};
}

}  // namespace pgstate::report
