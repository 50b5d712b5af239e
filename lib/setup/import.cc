#include "setup/import.h"

#include <map>
#include <string_view>

#include "migrate/backup.h"
#include "migrate/migrations_table.h"
#include "migrate/rebaseline.h"
#include "sql/source_file.h"

namespace pgstate::setup {

using core::Error;
using core::Result;

namespace {

// Where a statement belongs: a schema's own file (object empty), an object's file inside a
// schema, or the database file (schema empty).
struct Home {
  std::string schema;
  std::string object;
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "f(int4, text)" -> "f"; "users.email" -> "users".
std::string BaseName(std::string_view name) {
  name = name.substr(0, name.find('('));
  return std::string(name.substr(0, name.find('.')));
}

// Prefixes of kinds that are about another object: "comment on table s.t" is about table s.t.
constexpr std::string_view kAboutPrefixes[] = {"comment on ", "owner of ", "security label on ",
                                               "extension dependency of "};

class Router {
 public:
  explicit Router(const sql::SourceFile& file) {
    // Indexes live with their table, and so do the sequences a table owns.
    for (const sql::Statement& s : file.statements()) {
      if (s.key.kind == "index") {
        for (const sql::ObjectKey& r : s.references) {
          if (r.kind == "relation" || r.kind == "table") {
            owner_[s.key.QualifiedName()] = r;
            break;
          }
        }
      } else if (s.key.kind == "owned by") {
        for (const sql::ObjectKey& r : s.references) {
          if (r.kind == "table") owner_[s.key.QualifiedName()] = r;
        }
      }
    }
  }

  Home Of(const sql::Statement& s) const { return OfKey(s.key, &s); }

 private:
  Home OfKey(const sql::ObjectKey& key, const sql::Statement* s) const {
    for (std::string_view prefix : kAboutPrefixes) {
      if (StartsWith(key.kind, prefix)) {
        return OfKey({key.kind.substr(prefix.size()), key.schema, key.name}, nullptr);
      }
    }
    if (key.kind == "schema") return {key.name, ""};
    if (StartsWith(key.kind, "grant on ") || StartsWith(key.kind, "revoke on ")) {
      if (s != nullptr) {
        for (const sql::ObjectKey& r : s->references) {
          if (r.kind != "schema") return OfKey(r, nullptr);
        }
        if (!s->references.empty()) return OfKey(s->references.front(), nullptr);
      }
    }
    if (key.schema.empty()) return {};
    if (key.kind == "index" || key.kind == "index partition" || key.kind == "sequence" ||
        key.kind == "owned by") {
      auto it = owner_.find(key.QualifiedName());
      if (it != owner_.end()) return {it->second.schema, BaseName(it->second.name)};
    }
    // Parts name their owner first ("users.email", "mood.happy"): they go with it.
    return {key.schema, BaseName(key.name)};
  }

  std::map<std::string, sql::ObjectKey> owner_;
};

// A name as a file name: lower case letters, digits, '_' and '-'; anything else becomes '_'.
std::string FileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::string PathOf(const Home& home, const SplitDumpOptions& options) {
  if (home.schema.empty()) return options.schema_dir + "/database.sql";
  std::string schema = FileName(home.schema);
  if (!options.split || home.object.empty()) return options.schema_dir + "/" + schema + ".sql";
  return options.schema_dir + "/" + schema + "/" + FileName(home.object) + ".sql";
}

// Drops blank lines in front and makes the text end in exactly one newline.
std::string Tidy(std::string text) {
  size_t start = text.find_first_not_of('\n');
  text.erase(0, start == std::string::npos ? text.size() : start);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text.empty() ? text : text + "\n";
}

}  // namespace

Result<std::vector<ImportedFile>> SplitDump(const std::string& dump,
                                            const SplitDumpOptions& options) {
  sql::ParseOptions parse_options;
  parse_options.search_path = options.search_path;
  sql::SourceFile file = sql::SourceFile::Parse("<dump>", dump, parse_options);
  if (!file.errors().empty()) {
    const core::Diagnostic& d = file.errors().front();
    return Error(core::kExitBadInput, "the database's dump does not parse at line " +
                                          std::to_string(d.location.line) + ": " + d.message);
  }
  Router router(file);
  std::map<std::string, std::string> texts;
  for (const sql::Statement& s : file.statements()) {
    if (s.cls == sql::StatementClass::kSetting || s.cls == sql::StatementClass::kMetaCommand ||
        s.cls == sql::StatementClass::kTransaction) {
      continue;
    }
    std::string path = PathOf(router.Of(s), options);
    texts[path] += file.TextOf(s.chunk);
  }
  std::vector<ImportedFile> files;
  for (auto& [path, text] : texts) {
    std::string tidy = Tidy(std::move(text));
    if (!tidy.empty()) files.push_back({path, std::move(tidy)});
  }
  return files;
}

Result<std::string> DumpSchema(const std::string& url) {
  auto dump = migrate::RunPgDump(
      url,
      {"--schema-only", "--no-owner", std::string("--exclude-table=") + migrate::kMigrationsTable});
  if (!dump.ok()) return dump.take_error();
  return migrate::NormalizeDump(*dump, "");
}

}  // namespace pgstate::setup
