#pragma once
// merge/element_merge: the three-way merge inside one statement that both sides changed: the
// columns and constraints of CREATE TABLE, the labels of an enum, the rows of an INSERT.

#include <optional>
#include <string>
#include <string_view>

#include "sql/source_file.h"

namespace pgstate::merge {

/// A statement and the text its spans point into.
struct StatementRef {
  const sql::Statement* statement = nullptr;
  std::string_view text;  ///< the whole text `statement`'s spans index

  std::string_view Chunk() const { return statement->chunk.In(text); }
};

/// Merges the element lists of one statement that both sides changed. Returns the new chunk
/// (leading comments and statement) in the layout of the side whose statement frame (the text
/// around the list) is kept, or nullopt when the elements conflict (one changed differently on
/// both sides, deleted on one side and changed on the other, added on both sides differently,
/// replaced differently on both sides), the frames conflict, or the result would not parse back
/// into the same object.
std::optional<std::string> MergeElements(const StatementRef& base, const StatementRef& ours,
                                         const StatementRef& theirs, const std::string& path);

/// A multi-row `INSERT INTO t (c) VALUES (const), (const), …;` recognised by the lexer alone,
/// described as the parser would (key "rows t", one "row" element per row) but without a parse
/// tree, with hashes of the whitespace-collapsed text as canonical hashes. Rails' list of
/// schema_migrations versions changes on both sides of nearly every merge, and parsing it costs
/// more than all the rest of the merge. `chunk` is a range of `text` (leading comments, the
/// statement, the rest of its line); nullopt when it holds anything else or fewer than
/// `min_rows` rows.
std::optional<sql::Statement> RecognizeRowsInsert(std::string_view text, sql::Span chunk,
                                                  size_t min_rows = 2);

/// `statement` (a GRANT or REVOKE parsed from `text`) with its privileges as elements, so that
/// privileges two sides added to the same grant merge as a set: `GRANT SELECT, INSERT ON …` and
/// `GRANT SELECT, UPDATE ON …` give `GRANT SELECT, INSERT, UPDATE ON …`. nullopt for anything
/// else.
std::optional<sql::Statement> WithPrivilegeElements(std::string_view text,
                                                    const sql::Statement& statement);

/// True when `alone` (the key of a statement parsed on its own) and `in_file` (its key in the
/// file, under the file's search_path) name the same object, schema aside.
bool SameObject(const sql::ObjectKey& alone, const sql::ObjectKey& in_file);

/// `text` with every run of whitespace made one space, trimmed.
std::string CollapseWhitespace(std::string_view text);

/// A fast 64-bit hash of `bytes` (not stable across builds: never store it).
uint64_t HashBytes(std::string_view bytes);

}  // namespace pgstate::merge
