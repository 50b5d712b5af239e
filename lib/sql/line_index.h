#pragma once
// Byte offset <-> line:column for one text. Columns count characters (UTF-8 code points).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_location.h"

namespace pgstate::sql {

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

 private:
  std::string_view text_;
  std::vector<size_t> line_starts_;
};

}  // namespace pgstate::sql
