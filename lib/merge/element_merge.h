#pragma once
// merge/element_merge: the three-way merge inside one statement that both sides changed: the
// columns and constraints of CREATE TABLE, the labels of an enum, the rows of an INSERT.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "merge/sequence_merge.h"
#include "sql/source_file.h"

namespace pgstate::merge {

/// Which side of a merge an addition comes from.
enum class MergeSide { kOurs, kTheirs };

/// The version of the pending migration (UTC yyyymmddHHMMSS) that adds the column or enum
/// label `key` ("column public.t.c", "label public.mood.sad") on `side`, nullopt when no
/// migration of that side adds it. Columns and labels are appended in version order when the
/// migrations run, so that is the order both sides' additions at one place get in a merge.
using AdditionVersion =
    std::function<std::optional<std::string>(MergeSide side, const std::string& key)>;

/// Whether an object key's kind has an order that the catalog keeps: "column", "label".
bool IsOrderedKind(const std::string& kind);

/// OrderConcurrentAdditions over entries whose keys `key_of` gives: columns and labels by the
/// version of the migration that adds them (both sides' additions of one run, additions no
/// migration adds after the others, in their merged order). A no-op when `versions` is empty.
bool OrderAdditionsByVersion(std::vector<Entry>& entries, const AdditionVersion& versions,
                             const std::function<const sql::ObjectKey*(const Entry&)>& key_of);

/// A statement and the text its spans point into.
struct StatementRef {
  const sql::Statement* statement = nullptr;
  std::string_view text;  ///< the whole text `statement`'s spans index

  std::string_view Chunk() const { return statement->chunk.In(text); }
};

/// The chunk of `statement` (leading comments, statement, rest of its line) with its elements
/// in `order` (a permutation of the indexes of statement->elements), each element keeping its
/// comments and line layout. nullopt when the list cannot be cut apart (a block comment across
/// a line end) or the result would not read back as the same statement in that order.
std::optional<std::string> ReorderElements(const StatementRef& statement,
                                           const std::vector<size_t>& order,
                                           const std::string& path);

/// Merges the element lists of one statement that both sides changed. Returns the new chunk
/// (leading comments and statement) in the layout of the side whose statement frame (the text
/// around the list) is kept, or nullopt when the elements conflict (one changed differently on
/// both sides, deleted on one side and changed on the other, added on both sides differently,
/// replaced differently on both sides), the frames conflict, or the result would not parse back
/// into the same object.
/// Columns and labels both sides add at one place are ordered by `versions`
/// (OrderAdditionsByVersion).
std::optional<std::string> MergeElements(const StatementRef& base, const StatementRef& ours,
                                         const StatementRef& theirs, const std::string& path,
                                         const AdditionVersion& versions = {});

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
