#include "config/config.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>

#include "core/file.h"
#include "core/temp_dir.h"
#include "git/libgit2.h"

namespace pgstate::config {

namespace {

using core::Error;
using core::kExitBadInput;

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string item = Trim(s.substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

std::string NormalizePath(std::string p) {
  while (p.size() > 2 && p.compare(0, 2, "./") == 0) p.erase(0, 2);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

bool StartsWithDir(std::string_view path, std::string_view dir) {
  if (dir.empty() || dir == ".") return true;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

bool EndsWithSql(std::string_view path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".sql") == 0;
}

// The line (1-based) in git-config text of the `nth` (0-based) occurrence of `variable` in
// `section` ("postgres", "module.Billing": the section name lower case, a subsection as
// written), or of the section's header when `variable` is empty; 0 when not found. Enough of
// the syntax for our keys: [section] and [section "subsection"] headers, possibly followed by a
// variable on the same line.
int ConfigLine(std::string_view text, const std::string& section, const std::string& variable,
               int nth) {
  std::string current;
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    size_t i = 0;
    auto skip_space = [&] {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    };
    skip_space();
    if (i < line.size() && line[i] == '[') {
      size_t close = line.find(']', i);
      if (close == std::string_view::npos) continue;
      std::string header = Trim(line.substr(i + 1, close - i - 1));
      size_t quote = header.find('"');
      current = Trim(std::string_view(header).substr(0, quote));
      std::transform(current.begin(), current.end(), current.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (quote != std::string::npos && header.back() == '"') {
        current += "." + header.substr(quote + 1, header.size() - quote - 2);
      }
      if (variable.empty() && current == section && nth-- == 0) return line_no;
      i = close + 1;
      skip_space();
    }
    std::string name;
    while (i < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '-')) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(line[i++])));
    }
    if (!name.empty() && !variable.empty() && current == section && name == variable &&
        nth-- == 0) {
      return line_no;
    }
  }
  return 0;
}

// The line of `key` ("section.variable", "module.Billing.path", as libgit2 names it).
int KeyLine(std::string_view text, const std::string& key, int nth) {
  size_t dot = key.rfind('.');
  return ConfigLine(text, key.substr(0, dot), key.substr(dot + 1), nth);
}

using Setter = std::function<core::Status(Config&, const std::string& value)>;

// A configured path must stay in the repository: a pull request's .pgstate must not make
// migrate apply, or rebaseline overwrite, files outside it.
core::Status InsideRepository(const std::string& file, const std::string& key,
                              const std::string& value) {
  bool escapes = value.empty() || value[0] == '/' || value[0] == '~';
  for (size_t begin = 0; begin <= value.size() && !escapes;) {
    size_t end = value.find('/', begin);
    if (end == std::string::npos) end = value.size();
    escapes = value.compare(begin, end - begin, "..") == 0;
    begin = end + 1;
  }
  if (!escapes) return {};
  return Error(kExitBadInput, "'" + file + "': '" + key + "' = '" + value +
                                  "' leaves the repository (expected a relative path without "
                                  "'..')");
}

core::Status BadValue(const std::string& file, const std::string& key, const std::string& value,
                      const std::string& expected) {
  return Error(kExitBadInput, "'" + file + "': invalid value '" + value + "' for '" + key +
                                  "' (expected " + expected + ")");
}

// Keys as libgit2 reports them: section and variable names lower-cased.
std::map<std::string, Setter> Setters(const std::string& file) {
  std::map<std::string, Setter> s;
  s["paths.schema"] = [file](Config& c, const std::string& v) -> core::Status {
    c.schema_dir = NormalizePath(v);
    return InsideRepository(file, "paths.schema", c.schema_dir);
  };
  s["paths.baseline"] = [file](Config& c, const std::string& v) -> core::Status {
    c.baseline = NormalizePath(v);
    return InsideRepository(file, "paths.baseline", c.baseline);
  };
  s["paths.migrations"] = [file](Config& c, const std::string& v) -> core::Status {
    c.migrations_dir = NormalizePath(v);
    return InsideRepository(file, "paths.migrations", c.migrations_dir);
  };
  s["sql.searchpath"] = [file](Config& c, const std::string& v) -> core::Status {
    c.search_path = SplitList(v);
    if (c.search_path.empty()) return BadValue(file, "sql.searchPath", v, "a schema list");
    return {};
  };
  s["postgres.version"] = [file](Config& c, const std::string& v) -> core::Status {
    char* end = nullptr;
    long major = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || major < 10 || major > 99) {
      return BadValue(file, "postgres.version", v, "a major version such as 15");
    }
    c.postgres_version = static_cast<int>(major);
    return {};
  };
  s["verify.columnorder"] = [file](Config& c, const std::string& v) -> core::Status {
    if (v == "strict") {
      c.column_order = ColumnOrder::kStrict;
    } else if (v == "ignore") {
      c.column_order = ColumnOrder::kIgnore;
    } else {
      return BadValue(file, "verify.columnOrder", v, "strict or ignore");
    }
    return {};
  };
  s["check.disable"] = [](Config& c, const std::string& v) -> core::Status {
    for (auto& r : SplitList(v)) c.disabled_rules.push_back(r);
    return {};
  };
  s["check.external"] = [](Config& c, const std::string& v) -> core::Status {
    c.external_objects.push_back(Trim(v));
    return {};
  };
  s["migrate.locktimeout"] = [](Config& c, const std::string& v) -> core::Status {
    c.lock_timeout = Trim(v);
    return {};
  };
  return s;
}

}  // namespace

bool Config::IsSchemaPath(std::string_view path) const {
  return EndsWithSql(path) && StartsWithDir(path, schema_dir) && path != baseline;
}

bool Config::IsMigrationPath(std::string_view path) const {
  if (!EndsWithSql(path) || !StartsWithDir(path, migrations_dir)) return false;
  std::string_view rest = path.substr(migrations_dir.size() + 1);
  return rest.find('/') == std::string_view::npos;
}

// module.<name>.<key>: the name keeps its case, the key is lower-cased by libgit2.
core::Status SetModuleKey(Config& config, const std::string& path, const std::string& entry,
                          const std::string& value) {
  size_t last = entry.rfind('.');
  std::string name = entry.substr(7, last - 7);
  std::string key = entry.substr(last + 1);
  auto it = std::find_if(config.modules.begin(), config.modules.end(),
                         [&](const Module& m) { return m.name == name; });
  if (it == config.modules.end()) {
    config.modules.push_back(Module{name, "", "", {}, 0});
    it = config.modules.end() - 1;
  }
  if (key == "path") {
    it->path = NormalizePath(Trim(value));
    if (auto st = InsideRepository(path, entry, it->path); !st.ok()) return st;
  } else if (key == "owner") {
    it->owner = Trim(value);
  } else if (key == "requires") {
    for (auto& r : SplitList(value)) it->required.push_back(r);
  } else {
    return Error(kExitBadInput, "'" + path + "': unknown key '" + entry + "'");
  }
  return {};
}

core::Status ValidateModules(Config& config, const std::string& path) {
  auto text = core::ReadFile(path);
  for (Module& m : config.modules) {
    m.line = text.ok() ? ConfigLine(*text, "module." + m.name, "", 0) : 0;
  }
  auto at = [&](const Module& m) { return core::SourceLocation{path, m.line, 1}; };
  for (const Module& m : config.modules) {
    if (m.path.empty()) {
      return Error(kExitBadInput, "module '" + m.name + "' has no path", at(m));
    }
    for (const Module& other : config.modules) {
      if (&other != &m && other.path == m.path) {
        return Error(
            kExitBadInput,
            "modules '" + other.name + "' and '" + m.name + "' share path '" + m.path + "'", at(m));
      }
    }
    for (const std::string& r : m.required) {
      bool known = std::any_of(config.modules.begin(), config.modules.end(),
                               [&](const Module& o) { return o.name == r; });
      if (!known) {
        std::string names;
        for (const Module& o : config.modules) names += (names.empty() ? "" : ", ") + o.name;
        return Error(
            kExitBadInput,
            "module '" + m.name + "' requires '" + r + "', which is not a module (" + names + ")",
            at(m));
      }
    }
  }
  return {};
}

core::Result<Config> LoadConfigFile(const std::string& path) {
  git_config* raw = nullptr;
  if (auto st =
          git::Check(git_config_open_ondisk(&raw, path.c_str()), "cannot read '" + path + "'");
      !st.ok()) {
    return st.take_error();
  }
  git::Config cfg(raw);
  Config config;
  auto setters = Setters(path);
  git_config_iterator* it_raw = nullptr;
  if (auto st =
          git::Check(git_config_iterator_new(&it_raw, cfg.get()), "cannot read '" + path + "'");
      !st.ok()) {
    return st.take_error();
  }
  std::unique_ptr<git_config_iterator, git::Deleter<git_config_iterator_free>> it(it_raw);
  // Errors point at the key's line: libgit2 does not say where an entry came from.
  auto text = core::ReadFile(path);
  std::map<std::string, int> seen;
  auto at_line = [&](const std::string& name, Error error) {
    int line = text.ok() ? KeyLine(*text, name, seen[name]) : 0;
    if (line == 0) return error;
    std::string prefix = "'" + path + "': ";
    if (error.message.compare(0, prefix.size(), prefix) == 0) error.message.erase(0, prefix.size());
    error.location = core::SourceLocation{path, line, 0};
    return error;
  };
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it.get()) == 0) {
    std::string name = entry->name;
    if (name.compare(0, 7, "module.") == 0 && name.find('.', 7) != std::string::npos) {
      if (auto st = SetModuleKey(config, path, name, entry->value ? entry->value : ""); !st.ok()) {
        return at_line(name, st.take_error());
      }
      continue;
    }
    auto setter = setters.find(name);
    if (setter == setters.end()) {
      return at_line(name, Error(kExitBadInput, "'" + path + "': unknown key '" + name + "'"));
    }
    if (auto st = setter->second(config, entry->value ? entry->value : ""); !st.ok()) {
      return at_line(name, st.take_error());
    }
    ++seen[name];
  }
  if (auto st = ValidateModules(config, path); !st.ok()) return st.take_error();
  return config;
}

core::Result<Config> LoadConfig(const std::string& repo_root) {
  std::string path = repo_root + "/" + kConfigFileName;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Config{};
  auto config = LoadConfigFile(path);
  if (!config.ok() && config.error().location && config.error().location->file == path) {
    core::Error error = config.take_error();
    error.location->file = kConfigFileName;
    return error;
  }
  return config;
}

core::Result<Config> LoadConfigText(std::string_view text, const std::string& display_name) {
  // libgit2 reads configuration only from files.
  auto dir = core::ScopedTempDir::Create("pgstate-config-");
  if (!dir.ok()) return dir.take_error();
  std::string path = dir->path() + "/config";
  if (auto st = core::WriteFileAtomic(path, text); !st.ok()) return st.take_error();
  auto config = LoadConfigFile(path);
  if (config.ok()) return config;
  core::Error error = config.take_error();
  for (size_t at; (at = error.message.find(path)) != std::string::npos;) {
    error.message.replace(at, path.size(), display_name);
  }
  if (error.location) error.location->file = display_name;
  return error;
}

std::string DefaultConfigText() {
  return R"(# pgstate configuration (git-config syntax). Every key is optional; the values
# shown are the defaults. See 'pgstate --help' and the README's configuration reference.

[paths]
	# desired state: every *.sql file below this directory
	schema = db/schema
	# production's schema as of the last deploy (written by 'pgstate rebaseline')
	baseline = db/baseline.sql
	# pending migrations: <yyyymmddHHMMSS>_<slug>.sql
	migrations = db/migrations

[sql]
	# schemas that unqualified names resolve to
	searchPath = public

[postgres]
	# major version of the ephemeral PostgreSQL used by verify and plan (default: newest installed)
	# version = 15

[verify]
	# strict: column order counts; ignore: compare columns as a set
	columnOrder = strict

[check]
	# rule ids to turn off, comma separated
	# disable = migration-rename
	# objects defined outside these files (one key per line)
	# external = table public.legacy_users

[migrate]
	lockTimeout = 5s

# Modules: a folder of desired-state files, its owner, and the modules it may reference.
# 'pgstate check' refuses a reference to a module that is not required (directly or through
# another); files outside every module belong to the root module, which every module may use.
# [module "billing"]
# 	path = db/schema/billing
# 	owner = @payments-team
# 	requires = accounts
)";
}

}  // namespace pgstate::config
