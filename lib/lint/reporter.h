#pragma once
// Internal to lint/: collects findings, applying `-- pgstate:allow`, check.disable and the
// report scope in one place so every rule gets them for free.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "schema/model.h"
#include "sql/source_file.h"

namespace pgstate::lint {

class Reporter {
 public:
  Reporter(std::vector<std::string> disabled, std::function<bool(std::string_view)> in_scope)
      : disabled_(std::move(disabled)), in_scope_(std::move(in_scope)) {}

  /// True when `rule` is on and `path` is in scope: worth computing a finding for.
  bool Wants(std::string_view rule, std::string_view path) const;

  /// A finding about `statement` of `file` (at its first character unless `offset` says
  /// otherwise). Dropped when disabled, out of scope, or allowed for that statement; otherwise
  /// returns the stored diagnostic (valid until the next finding) for the caller to complete.
  core::Diagnostic* AtStatement(const sql::SourceFile& file, const sql::Statement& statement,
                                std::string_view rule, std::string message, std::string hint = {},
                                size_t offset = SIZE_MAX);
  /// A finding about a whole file (line 0).
  void AtFile(const std::string& path, std::string_view rule, std::string message,
              std::string hint = {});
  /// A finding built by the caller (location and related filled in).
  void Add(core::Diagnostic diagnostic);

  std::vector<core::Diagnostic> Take();

 private:
  std::vector<std::string> disabled_;
  std::function<bool(std::string_view)> in_scope_;
  std::vector<core::Diagnostic> out_;
};

/// Desired-state rules: schema-drop, schema-alter, schema-data, duplicate-object,
/// unknown-object, dependency-cycle.
void LintDesiredState(const schema::Model& model, Reporter& reporter);

/// Migration rules: names, versions against each other and the baseline, hazards.
/// `migrations` are the parsed .sql files of the migrations folder (any order); `baseline` may
/// be null.
void LintMigrations(const std::vector<const sql::SourceFile*>& migrations,
                    const sql::SourceFile* baseline, const std::vector<std::string>& search_path,
                    Reporter& reporter);

}  // namespace pgstate::lint
