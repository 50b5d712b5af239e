#pragma once
// Byte offset <-> line:column for one text. Columns count characters (UTF-8 code points).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_location.h"

namespace pgstate::sql {

/// Byte offset of the `chars`-th character (0-based) counted from byte `from` in `text`,
/// with characters measured as PostgreSQL measures UTF-8 (by their first byte).
size_t AdvanceChars(std::string_view text, size_t from, size_t chars);

class LineIndex {
 public:
  LineIndex() = default;
  /// Indexes `text`, which must outlive this object.
  explicit LineIndex(std::string_view text);

  /// 1-based line and character column of byte `offset` (offset == size is the end).
  core::SourceLocation Locate(size_t offset, const std::string& file) const;
  /// The line containing byte `offset`, without its newline.
  std::string_view LineAt(size_t offset) const;
  /// Byte offset of the `chars`-th character (0-based) counted from byte `from`.
  size_t AdvanceChars(size_t from, size_t chars) const;
  /// Byte offset where the line containing byte `offset` begins.
  size_t LineStart(size_t offset) const;
  /// Points the index at `text`, a byte-identical copy of the indexed text (after a move).
  void Rebind(std::string_view text);
  /// Number of lines (a final line without newline counts; an empty text has one line).
  size_t line_count() const { return line_starts_.size(); }

 private:
  std::string_view text_;
  std::vector<size_t> line_starts_;
};

}  // namespace pgstate::sql
