#pragma once
// merge/: the three-way merge of SQL schema files, object by object.
//
// Each side is split into top-level statements keyed by the object they define (sql/); the
// key sets are merged three ways (merge/sequence_merge.h), and inside CREATE TABLE, enum
// types and INSERT … VALUES the elements (columns and constraints, labels, rows) are merged the
// same way. Output keeps ours' bytes and order where ours' text was kept; every object taken
// from theirs keeps its own text and lands after the object it follows in theirs. A conflict
// is written with git's markers around that one object only.
//
// Only the statements the text diffs touch are parsed: statements byte-identical on all three
// sides are copied without a parse, which keeps a merge of a large dump fast.
//
// Safety: when a side does not parse, or anything unexpected happens, the whole file is merged
// as plain text by git's own algorithm (git/merge_file.h), with one warning saying why.

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "git/merge_file.h"
#include "merge/element_merge.h"
#include "sql/object_key.h"

namespace pgstate::merge {

struct MergeOptions {
  git::MergeFileOptions text;       ///< labels, marker size and style of every conflict written
  bool text_only = false;           ///< skip the object merge (the PGSTATE_MERGE=text kill switch)
  std::string path = "schema.sql";  ///< the file's name in warnings
  /// Versions of the migrations that add columns and enum labels on each side: additions of
  /// both sides at one place go in version order, the order the migrations give a database.
  /// Empty: ours' additions first, then theirs'.
  AdditionVersion addition_version;
  /// Whether `side` defines `key` in another file than this one (the object moved there): its
  /// removal from this file is then no removal for what uses it. Empty: never.
  std::function<bool(MergeSide side, const sql::ObjectKey& key)> defined_elsewhere;
};

struct MergeResult {
  std::string text;
  int conflicts = 0;     ///< conflict hunks written; 0 when clean
  bool textual = false;  ///< the whole file was merged as plain text
  /// Why the object merge gave up, if it did; or, one each, where a side removed what the
  /// other side's addition or change uses ("ours drops table public.t; theirs adds index
  /// public.t_x_idx, which uses it"): both are written as conflicts.
  std::vector<std::string> warnings;
};

/// Merges `ours` and `theirs`, both edited from `base`. Object by object where all three
/// parse, else as text. Fails only when even the text merge fails (out of memory).
core::Result<MergeResult> MergeSchemaText(std::string_view base, std::string_view ours,
                                          std::string_view theirs, const MergeOptions& options);

/// An object key as references and definitions both name it, for matching one with the other:
/// a relation of any kind is "relation s.n", a routine "routine s.f" (argument types are
/// spelled differently in calls), a domain a type; other keys as ToString() gives them.
std::string DependencyKey(const sql::ObjectKey& key);

/// Every object `text` defines (statement keys, their extra keys, CREATE TABLE columns and
/// constraints) as ObjectKey::ToString() gives it: what MergeOptions::defined_elsewhere looks in.
std::set<std::string> DefinedKeys(const std::string& path, std::string_view text);

/// The object merge alone, without the text fallback. Error: why it cannot merge object by
/// object, e.g. "ours does not parse: schema.sql:3:8: syntax error at or near \"TABL\"".
core::Result<MergeResult> MergeObjects(std::string_view base, std::string_view ours,
                                       std::string_view theirs, const MergeOptions& options);

}  // namespace pgstate::merge
