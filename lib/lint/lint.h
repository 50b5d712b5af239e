#pragma once
// lint/: runs the rules of rules.h over one repository's files: the desired state (as one
// schema::Model, so references resolve across files), the baseline, and the migrations.
//
// Nothing here reads files or talks to git (see check.h): the input is text, the output is
// Diagnostics sorted by file, line, column and rule. Paths are shown as given.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "schema/model.h"
#include "sql/source_file.h"

namespace pgstate::lint {

struct LintInput {
  std::vector<schema::FileText> schema_files;  ///< every desired-state file
  std::optional<schema::FileText> baseline;
  std::vector<schema::FileText> migrations;   ///< every .sql file of the migrations folder
  std::vector<schema::FileText> other_files;  ///< checked for syntax only
};

struct LintOptions {
  std::vector<std::string> search_path = {"public"};
  std::vector<sql::ObjectKey> external_objects;  ///< check.external, parsed
  std::vector<std::string> disabled_rules;       ///< check.disable
  schema::Modules modules;                       ///< [module "…"] sections
  /// Which files to report about (all when empty). The model still includes every schema file.
  std::function<bool(std::string_view path)> in_scope;
};

/// Runs every enabled rule. Never fails: bad input is what the diagnostics describe.
std::vector<core::Diagnostic> Lint(LintInput input, const LintOptions& options);

/// The rule ids a statement's `-- pgstate:allow` comments name: in the comments in front of
/// it, inside it, or after it on its last line (`-- pgstate:allow drop-column, rename`).
std::vector<std::string> AllowedRules(const sql::SourceFile& file, const sql::Statement& statement);

/// Checks that every id of check.disable names a rule. Error (kExitBadInput):
/// "'.pgstate': check.disable names unknown rule 'drop-tabel'".
core::Status ValidateDisabledRules(const std::vector<std::string>& ids);

}  // namespace pgstate::lint
