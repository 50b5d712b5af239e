#pragma once
// config/: a repository's .pgstate (git-config syntax, read through libgit2) and its defaults.
//
// Every key is optional; a missing .pgstate means all defaults. Keys outside the known set are
// errors (a typo must not silently fall back to a default).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pgstate::config {

enum class ColumnOrder { kStrict, kIgnore };

/// `[module "billing"]`: a folder of desired-state files, who owns it, and the modules its
/// objects may reference. Files outside every module belong to the implicit root module.
struct Module {
  std::string name;                   ///< the subsection: "billing"
  std::string path;                   ///< module.<name>.path, repository-relative folder
  std::string owner;                  ///< module.<name>.owner, free text ("@payments-team")
  std::vector<std::string> required;  ///< module.<name>.requires, comma separated, repeatable
  int line = 0;                       ///< line of the `[module "…"]` header in .pgstate
};

struct Config {
  // [paths] — repository-relative, forward slashes, no trailing slash.
  std::string schema_dir = "db/schema";  ///< paths.schema: every *.sql below it is desired state
  std::string baseline = "db/baseline.sql";      ///< paths.baseline
  std::string migrations_dir = "db/migrations";  ///< paths.migrations
  // [sql]
  std::vector<std::string> search_path = {"public"};  ///< sql.searchPath, comma separated
  // [postgres]
  int postgres_version = 0;  ///< postgres.version: major version; 0 = newest installed
  // [verify]
  ColumnOrder column_order = ColumnOrder::kStrict;  ///< verify.columnOrder = strict | ignore
  // [check]
  std::vector<std::string> disabled_rules;    ///< check.disable: rule ids, comma separated
  std::vector<std::string> external_objects;  ///< check.external: object keys provided elsewhere
                                              ///< ("table public.users"), multi-valued
  // [migrate]
  std::string lock_timeout = "5s";  ///< migrate.lockTimeout, PostgreSQL interval syntax
  // [module "name"], in the order of the file
  std::vector<Module> modules;

  /// True when `path` (repository-relative) is a desired-state file: a .sql under schema_dir.
  bool IsSchemaPath(std::string_view path) const;
  bool IsBaselinePath(std::string_view path) const { return path == baseline; }
  /// True for a .sql file directly in migrations_dir.
  bool IsMigrationPath(std::string_view path) const;
  /// Schema, baseline or migration path.
  bool IsTrackedPath(std::string_view path) const {
    return IsSchemaPath(path) || IsBaselinePath(path) || IsMigrationPath(path);
  }
};

/// The name of the configuration file at a repository's root.
inline constexpr const char kConfigFileName[] = ".pgstate";

/// Reads `<repo_root>/.pgstate` if it exists (defaults otherwise). Errors (kExitBadInput) name the
/// file and the key: "'.pgstate': unknown key 'verify.colunmorder'"; module errors (no path, a
/// path two modules share, a required module that does not exist) are located at the module's
/// line: ".pgstate:12:1: module 'billing' requires 'acounts', which is not a module".
core::Result<Config> LoadConfig(const std::string& repo_root);

/// Reads a .pgstate file at `path`.
core::Result<Config> LoadConfigFile(const std::string& path);

/// Reads .pgstate content that is not a file on disk (a commit's .pgstate): messages name
/// `display_name` instead of a path.
core::Result<Config> LoadConfigText(std::string_view text, const std::string& display_name);

/// The commented default .pgstate that `pgstate init` writes.
std::string DefaultConfigText();

}  // namespace pgstate::config
