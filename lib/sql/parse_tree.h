#pragma once
// Runs libpg_query and gives back its parse tree as protobuf-c structs (PgQuery__ParseResult)
// living in an arena.
//
// Two routes lead to the same structs:
//  - ParseWithRawTree (raw_tree.cc): PostgreSQL's parser, then its node tree copied field by
//    field into the structs. What pgstate uses: the parse plus a copy.
//  - ParseWithProtobuf: pg_query_parse_protobuf + unpack. The reference the raw route is
//    tested against, and its fallback for a node it cannot copy. Slow: libpg_query's packer
//    revisits every subtree once per ancestor to size it.
// Both routes give identical trees (tests compare them on every test file and on a quarter of
// the corpus files each run).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sql/pg_query_owner.h"

namespace pgstate::sql {

struct ParsedTree {
  bool ok = false;
  /// On failure: PostgreSQL's message and libpg_query's cursor position (1-based characters
  /// into the parsed string; 0 when unknown).
  std::string message;
  int cursorpos = 0;
  std::unique_ptr<Arena> arena;
  const PgQuery__ParseResult* tree = nullptr;
  /// Indexes into tree->stmts of statements the raw route could not copy exactly.
  std::vector<size_t> inexact;
};

/// A failed parse carrying libpg_query's error (message and cursor position).
ParsedTree FailedParse(const PgQueryError* error);

/// Parses `sql` (NUL-terminated, `size` bytes) through the protobuf route.
ParsedTree ParseWithProtobuf(const char* sql, size_t size);

/// Parses `sql` (NUL-terminated, `size` bytes) and copies PostgreSQL's node tree straight into
/// the structs. Statements holding a node the copy does not cover are listed in `inexact`.
ParsedTree ParseWithRawTree(const char* sql, size_t size);

/// The generated node types the raw route cannot copy because libpg_query's protobuf-c
/// structs are laid out differently from its proto file (empty when all is well).
std::vector<std::string> RawTreeUncopiedTypes();

}  // namespace pgstate::sql
