#include "sql/parse_tree.h"

#include <algorithm>

namespace pgstate::sql {

ParsedTree FailedParse(const PgQueryError* error) {
  ParsedTree t;
  t.message = error && error->message ? error->message : "syntax error";
  t.cursorpos = error ? error->cursorpos : 0;
  return t;
}

ParsedTree ParseWithProtobuf(const char* sql, size_t size) {
  (void)size;
  ProtobufParseResult result(pg_query_parse_protobuf(sql));
  if (result->error) return FailedParse(result->error);
  ParsedTree t;
  // Unpacked nodes take about three times the packed size.
  t.arena = std::make_unique<Arena>(std::max<size_t>(64 * 1024, result->parse_tree.len * 3));
  t.tree =
      pg_query__parse_result__unpack(t.arena->allocator(), result->parse_tree.len,
                                     reinterpret_cast<const uint8_t*>(result->parse_tree.data));
  if (!t.tree) {
    t.message = "cannot read the parse tree";
    return t;
  }
  t.ok = true;
  return t;
}

}  // namespace pgstate::sql
