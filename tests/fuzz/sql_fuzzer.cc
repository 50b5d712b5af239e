// Feeds arbitrary bytes to SourceFile::Parse and touches everything it returns: spans must
// stay inside the text and partition it, keys and diagnostics must be well formed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sql/source_file.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  pgstate::sql::SourceFile file = pgstate::sql::SourceFile::Parse("fuzz.sql", text);
  size_t pos = 0;
  size_t touched = 0;
  for (const pgstate::sql::Statement& s : file.statements()) {
    Check(s.chunk.begin == pos && s.chunk.end <= size && s.chunk.begin <= s.chunk.end);
    Check(s.text.begin >= s.chunk.begin && s.text.end <= s.chunk.end);
    pos = s.chunk.end;
    touched += file.TextOf(s.text).size() + s.key.ToString().size() + s.unkeyed_reason.size();
    Check(!s.key.empty() || pgstate::sql::IsDocumentedUnkeyedReason(s.unkeyed_reason));
    for (const pgstate::sql::ObjectKey& k : s.references) touched += k.ToString().size();
    for (const pgstate::sql::ObjectKey& k : s.extra_keys) touched += k.ToString().size();
    for (const pgstate::sql::Element& e : s.elements) {
      Check(e.span.end <= size && e.span.begin <= e.span.end);
      touched += file.TextOf(e.span).size() + e.key.ToString().size();
    }
    Check(s.element_list.end <= size);
    touched += pgstate::sql::CanonicalText(s).size();
  }
  Check(file.tail().begin == pos && file.tail().end == size);
  for (const pgstate::core::Diagnostic& d : file.errors()) {
    Check(d.location.line >= 1 && d.location.column >= 1 && !d.message.empty());
    touched += d.source_line.size();
  }
  return touched == SIZE_MAX ? 1 : 0;
}
