#pragma once
// Runs libpg_query and gives back its parse tree as protobuf-c structs (PgQuery__ParseResult)
// living in an arena.
//
// Two routes lead to the same structs:
//  - ParseWithProtobuf: pg_query_parse_protobuf + unpack. Exact, but libpg_query's protobuf
//    packer costs well over the parse itself (its size computation revisits every subtree
//    once per ancestor).
//  - ParseWithJson: pg_query_parse's JSON read straight into the structs, guided by the
//    protobuf-c descriptors (no per-node code). About twice as fast. libpg_query 15-4.0's
//    JSON leaves out Integer values <= 0, so: an integer constant (A_Const) is read back from
//    the source text at its location; an array bound is -1 (`[]`, PostgreSQL ignores bounds);
//    any other such Integer marks its statement `inexact`, and the caller parses that
//    statement again through the protobuf route.
// Both routes hash to the same canonical values (a unit test compares them on every test file).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
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
  /// Indexes into tree->stmts of statements whose JSON was not exact (ParseWithJson only).
  std::vector<size_t> inexact;
};

/// The field of message type `d` that libpg_query's JSON key `key` fills (json_name), or null.
const ProtobufCFieldDescriptor* FieldForJsonKey(const ProtobufCMessageDescriptor* d,
                                                std::string_view key);

/// Parses `sql` (NUL-terminated, `size` bytes) through the protobuf route.
ParsedTree ParseWithProtobuf(const char* sql, size_t size);

/// Parses `sql` (NUL-terminated, `size` bytes) through the JSON route. Falls back to the
/// protobuf route by itself if the JSON cannot be read.
ParsedTree ParseWithJson(const char* sql, size_t size);

}  // namespace pgstate::sql
