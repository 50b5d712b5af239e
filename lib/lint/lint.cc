#include "lint/lint.h"

#include <algorithm>
#include <cctype>

#include "lint/reporter.h"
#include "lint/rules.h"

namespace pgstate::lint {

namespace {

constexpr std::string_view kAllowMarker = "pgstate:allow";

bool IsRuleChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Calls `found(id, offset)` for every id named by a `-- pgstate:allow` comment in `text`.
template <typename F>
void ForEachAllow(std::string_view text, F found) {
  for (size_t pos = text.find(kAllowMarker); pos != std::string_view::npos;
       pos = text.find(kAllowMarker, pos + kAllowMarker.size())) {
    size_t line_start = text.rfind('\n', pos);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::string_view before = text.substr(line_start, pos - line_start);
    if (before.find("--") == std::string_view::npos &&
        before.find("/*") == std::string_view::npos) {
      continue;
    }
    size_t begin = pos + kAllowMarker.size();
    size_t end = text.find('\n', begin);
    std::string_view rest = text.substr(begin, end == std::string_view::npos ? end : end - begin);
    if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') continue;
    size_t close = rest.find("*/");
    if (close != std::string_view::npos) rest = rest.substr(0, close);
    size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() &&
             (rest[i] == ' ' || rest[i] == '\t' || rest[i] == ',' || rest[i] == '\r')) {
        ++i;
      }
      size_t word = i;
      while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t' && rest[i] != ',' &&
             rest[i] != '\r') {
        ++i;
      }
      if (i > word) found(rest.substr(word, i - word), begin + word);
    }
  }
}

void LintSyntax(const sql::SourceFile& file, Reporter& reporter) {
  for (const core::Diagnostic& error : file.errors()) {
    core::Diagnostic d = error;
    d.rule = "syntax";
    if (d.location.file.empty()) d.location.file = file.path();
    reporter.Add(std::move(d));
  }
}

void LintAllowComments(const sql::SourceFile& file, Reporter& reporter) {
  if (file.text().find(kAllowMarker) == std::string::npos) return;
  if (!reporter.Wants("unknown-rule", file.path())) return;
  for (const sql::Statement& s : file.statements()) {
    sql::Span chunk = s.chunk.empty() ? s.text : s.chunk;
    ForEachAllow(file.TextOf(chunk), [&](std::string_view id, size_t offset) {
      bool well_formed = std::all_of(id.begin(), id.end(), IsRuleChar);
      if (well_formed && FindRule(id) != nullptr) return;
      core::Diagnostic d;
      d.severity = core::Severity::kWarning;
      d.rule = "unknown-rule";
      d.message = "'-- pgstate:allow' names unknown rule '" + std::string(id) + "'";
      d.location = file.lines().Locate(chunk.begin + offset, file.path());
      d.source_line = std::string(file.lines().LineAt(chunk.begin + offset));
      d.hint = "the rule ids are listed by 'pgstate check --help' and in the README";
      reporter.Add(std::move(d));
    });
  }
}

}  // namespace

std::vector<std::string> AllowedRules(const sql::SourceFile& file,
                                      const sql::Statement& statement) {
  std::vector<std::string> ids;
  sql::Span chunk = statement.chunk.empty() ? statement.text : statement.chunk;
  ForEachAllow(file.TextOf(chunk), [&](std::string_view id, size_t) { ids.emplace_back(id); });
  return ids;
}

core::Status ValidateDisabledRules(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (FindRule(id) == nullptr) {
      return core::Error(core::kExitBadInput,
                         "'.pgstate': check.disable names unknown rule '" + id + "'");
    }
  }
  return {};
}

bool Reporter::Wants(std::string_view rule, std::string_view path) const {
  if (std::find(disabled_.begin(), disabled_.end(), rule) != disabled_.end()) return false;
  return !in_scope_ || in_scope_(path);
}

core::Diagnostic* Reporter::AtStatement(const sql::SourceFile& file,
                                        const sql::Statement& statement, std::string_view rule,
                                        std::string message, std::string hint, size_t offset) {
  if (!Wants(rule, file.path())) return nullptr;
  std::vector<std::string> allowed = AllowedRules(file, statement);
  if (std::find(allowed.begin(), allowed.end(), rule) != allowed.end()) return nullptr;
  const Rule* r = FindRule(rule);
  core::Diagnostic d;
  d.severity = r != nullptr ? r->severity : core::Severity::kError;
  d.rule = std::string(rule);
  d.message = std::move(message);
  d.hint = std::move(hint);
  if (offset == SIZE_MAX) offset = statement.text.begin;
  d.location = file.lines().Locate(offset, file.path());
  d.source_line = std::string(file.lines().LineAt(offset));
  out_.push_back(std::move(d));
  return &out_.back();
}

void Reporter::AtFile(const std::string& path, std::string_view rule, std::string message,
                      std::string hint) {
  if (!Wants(rule, path)) return;
  const Rule* r = FindRule(rule);
  core::Diagnostic d;
  d.severity = r != nullptr ? r->severity : core::Severity::kError;
  d.rule = std::string(rule);
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.location.file = path;
  out_.push_back(std::move(d));
}

void Reporter::Add(core::Diagnostic diagnostic) {
  if (!Wants(diagnostic.rule, diagnostic.location.file)) return;
  out_.push_back(std::move(diagnostic));
}

std::vector<core::Diagnostic> Reporter::Take() {
  core::SortDiagnostics(out_);
  return std::move(out_);
}

std::vector<core::Diagnostic> Lint(LintInput input, const LintOptions& options) {
  Reporter reporter(options.disabled_rules, options.in_scope);

  schema::ModelOptions model_options;
  model_options.search_path = options.search_path;
  model_options.external_objects = options.external_objects;
  model_options.modules = options.modules;
  model_options.canonical_hashes = false;  // no rule compares meanings
  schema::Model model = schema::Model::Parse(std::move(input.schema_files), model_options);
  for (const sql::SourceFile& file : model.files()) {
    LintSyntax(file, reporter);
    LintAllowComments(file, reporter);
  }
  LintDesiredState(model, reporter);

  sql::ParseOptions parse_options;
  parse_options.search_path = options.search_path;
  parse_options.canonical_hashes = false;
  std::optional<sql::SourceFile> baseline;
  if (input.baseline) {
    baseline.emplace(sql::SourceFile::Parse(std::move(input.baseline->path),
                                            std::move(input.baseline->text), parse_options));
    LintSyntax(*baseline, reporter);
    LintAllowComments(*baseline, reporter);
  }
  std::vector<sql::SourceFile> migrations;
  for (schema::FileText& m : input.migrations) {
    migrations.push_back(
        sql::SourceFile::Parse(std::move(m.path), std::move(m.text), parse_options));
  }
  std::vector<const sql::SourceFile*> migration_ptrs;
  for (const sql::SourceFile& m : migrations) {
    LintSyntax(m, reporter);
    LintAllowComments(m, reporter);
    migration_ptrs.push_back(&m);
  }
  LintMigrations(migration_ptrs, baseline ? &*baseline : nullptr, options.search_path, reporter);

  for (schema::FileText& other : input.other_files) {
    sql::SourceFile file =
        sql::SourceFile::Parse(std::move(other.path), std::move(other.text), parse_options);
    LintSyntax(file, reporter);
    LintAllowComments(file, reporter);
  }
  return reporter.Take();
}

}  // namespace pgstate::lint
