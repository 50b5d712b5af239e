#pragma once
// sql/: the SQL source model of one file, built with libpg_query.
//
// A schema file is split into top-level statements with exact byte spans. The spans of all
// statements, plus the file's tail, partition the file: concatenating every Statement::chunk
// and then SourceFile::tail gives back the file byte for byte. That is what lets the merge
// driver keep untouched text exactly as it was.
//
// Each statement gets an ObjectKey (what it defines or modifies), the keys of the objects it
// references, and a canonical hash that ignores whitespace, comments and keyword case.
// psql meta-commands (`\restrict`, `\set ON_ERROR_STOP 1`, `\i file`) are statements of their
// own, kept byte for byte and never reported as syntax errors.
//
// Parsing never throws and never fails as a whole: syntax errors become Diagnostics (every one
// in the file, not only the first), and the statements that did parse are still returned.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/source_location.h"
#include "sql/line_index.h"
#include "sql/object_key.h"

struct PgQuery__Node;

namespace pgstate::sql {

/// A half-open byte range [begin, end) in a file's text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
  bool empty() const { return end == begin; }
  std::string_view In(std::string_view text) const { return text.substr(begin, end - begin); }
  friend bool operator==(const Span& a, const Span& b) {
    return a.begin == b.begin && a.end == b.end;
  }
};

/// What kind of top-level statement this is, as far as desired state cares.
enum class StatementClass {
  kDefinition,   ///< CREATE …, COMMENT ON, GRANT/REVOKE, ALTER … ADD/OWNER/SET DEFAULT/ATTACH:
                 ///< builds state
  kAlteration,   ///< ALTER … that drops, renames or otherwise changes something existing
  kDrop,         ///< DROP …
  kData,         ///< INSERT/UPDATE/DELETE/TRUNCATE/COPY/SELECT (other than set_config)
  kSetting,      ///< SET …, SELECT pg_catalog.set_config(…), RESET
  kTransaction,  ///< BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK/SAVEPOINT
  kMetaCommand,  ///< a psql backslash line
  kOther,        ///< anything else (DO blocks, ANALYZE, …)
  kInvalid,      ///< did not parse (a Diagnostic says why)
};

/// One element of a statement that merges on its own: a column or table constraint inside
/// CREATE TABLE, a label of an enum, a row of Rails' schema_migrations INSERT.
struct Element {
  ObjectKey key;  ///< "column public.users.email", "constraint public.users.users_pkey", …
  Span span;      ///< the element's text, without the separating comma and surrounding space
  uint64_t canonical = 0;  ///< canonical hash of the element alone (0: not computed)
};

struct Statement {
  /// The statement itself: its first token through its terminating ';' (or end of the
  /// meta-command line). Never includes leading comments.
  Span text;
  /// Everything this statement owns: the comments and blank lines in front of it (pg_dump's
  /// `-- Name: …; Type: …` header), `text`, and the rest of its last line (a trailing
  /// same-line comment and the newline). Consecutive chunks partition the file.
  Span chunk;
  core::SourceLocation location;  ///< where `text` begins
  StatementClass cls = StatementClass::kOther;
  std::string
      node_type;  ///< libpg_query's node name ("CreateStmt", "AlterTableStmt", …); "" if none

  /// What the statement defines or changes. Empty (kind == "") when unkeyed; then
  /// `unkeyed_reason` says why ("session setting", "transaction control", "psql meta-command",
  /// "data statement", "syntax error", …).
  ObjectKey key;
  std::string unkeyed_reason;
  /// Further objects the same statement defines or changes, beyond `key`: the other actions
  /// of a multi-action ALTER TABLE, the other objects of a multi-object DROP, the named
  /// column-level constraints of a CREATE TABLE (their text stays inside the column element).
  std::vector<ObjectKey> extra_keys;
  /// Objects this statement needs to exist first (tables of an FK or an index, a trigger's
  /// function, a column's user type, relations a view reads, the schema it lives in, …).
  std::vector<ObjectKey> references;
  /// Hash of the parse tree with locations removed: equal for statements that differ only in
  /// whitespace, comments and keyword case. 0 for meta-commands and invalid statements (compare
  /// their text instead), and when ParseOptions::canonical_hashes is off.
  uint64_t canonical = 0;
  /// Mergeable parts (CREATE TABLE columns and constraints, enum labels, INSERT rows) and the
  /// span of the list that holds them (inside the parentheses / after VALUES). Empty if none.
  std::vector<Element> elements;
  Span element_list;
  /// True when `elements` form a set whose order does not matter (rows, labels are ordered but
  /// additions merge as a set: see merge/).
  bool elements_are_rows = false;

  /// Borrowed parse tree node of this statement (owned by the SourceFile); null if invalid or
  /// a meta-command.
  const PgQuery__Node* node = nullptr;
};

/// Every value Statement::unkeyed_reason can take (a statement has a key or one of these):
///   "psql meta-command"     a backslash line (\restrict, \set, \i, …)
///   "transaction control"   BEGIN, COMMIT, ROLLBACK, SAVEPOINT, …
///   "data statement"        INSERT (other than Rails' schema_migrations rows), UPDATE, DELETE,
///                           MERGE, TRUNCATE, COPY, SELECT (other than set_config)
///   "syntax error"          did not parse
///   "anonymous code block"  DO
///   "procedure call"        CALL
///   "maintenance command"   VACUUM, ANALYZE, CLUSTER, REINDEX, CHECKPOINT, REFRESH
///                           MATERIALIZED VIEW, ALTER SYSTEM
///   "session command"       EXPLAIN, LOCK, NOTIFY, LISTEN, UNLISTEN, DISCARD, LOAD, PREPARE,
///                           EXECUTE, DEALLOCATE, DECLARE, FETCH, CLOSE, SET CONSTRAINTS, SHOW
///   "ownership transfer"    REASSIGN OWNED
///   "unsupported statement" anything else libpg_query knows that we do not key
inline constexpr const char* kUnkeyedReasons[] = {
    "psql meta-command",    "transaction control",  "data statement",      "syntax error",
    "anonymous code block", "procedure call",       "maintenance command", "session command",
    "ownership transfer",   "unsupported statement"};

/// True when `reason` is one of kUnkeyedReasons.
bool IsDocumentedUnkeyedReason(std::string_view reason);

struct ParseOptions {
  /// Schemas that unqualified names resolve to, first one wins for new objects.
  std::vector<std::string> search_path = {"public"};
  /// Whether to compute the canonical hashes of statements and elements. Merge and changes
  /// compare meanings through them; check does not, and saves a walk of every tree.
  bool canonical_hashes = true;
};

/// One parsed file. Move-only: owns the text and libpg_query's parse trees.
class SourceFile {
 public:
  /// Parses `text` (which `path` names in diagnostics). Never fails: syntax errors are in
  /// errors(), one per statement that does not parse, with file:line:col and PostgreSQL's message.
  /// Runs on a helper thread with a large stack (see large_stack.h); safe to call from
  /// several threads at once.
  static SourceFile Parse(std::string path, std::string text, const ParseOptions& options = {});

  SourceFile(SourceFile&&) noexcept;
  SourceFile& operator=(SourceFile&&) noexcept;
  ~SourceFile();

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  const std::vector<Statement>& statements() const { return statements_; }
  /// Trailing comments and whitespace after the last statement.
  Span tail() const { return tail_; }
  const std::vector<core::Diagnostic>& errors() const { return errors_; }
  const LineIndex& lines() const { return lines_; }

  std::string_view TextOf(const Span& span) const { return span.In(text_); }

 private:
  struct Trees;  // libpg_query results kept alive for Statement::node
  SourceFile();
  void ParseInto(std::string path, std::string text, const ParseOptions& options);
  std::string path_;
  std::string text_;
  LineIndex lines_;
  std::vector<Statement> statements_;
  Span tail_;
  std::vector<core::Diagnostic> errors_;
  std::unique_ptr<Trees> trees_;
};

/// The canonical text of a statement: libpg_query's deparse of its tree. Idempotent;
/// re-parsing it gives the same tree (ignoring locations). Empty for meta-commands/invalid.
std::string CanonicalText(const Statement& statement);

}  // namespace pgstate::sql
