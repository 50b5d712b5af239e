#include "sql/line_index.h"

#include <algorithm>

namespace pgstate::sql {

namespace {

// Bytes a UTF-8 character takes, judged by its first byte the way PostgreSQL's pg_utf_mblen
// does, so that our columns agree with the server's cursor positions even on invalid input.
size_t CharLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    line_starts_.push_back(i + 1);
  }
}

void LineIndex::Rebind(std::string_view text) { text_ = text; }

size_t LineIndex::LineStart(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return it == line_starts_.begin() ? 0 : *(it - 1);
}

core::SourceLocation LineIndex::Locate(size_t offset, const std::string& file) const {
  core::SourceLocation loc;
  loc.file = file;
  if (line_starts_.empty()) {
    loc.line = 1;
    loc.column = 1;
    return loc;
  }
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  loc.line = static_cast<int>(it - line_starts_.begin());
  size_t pos = *(it - 1);
  int column = 1;
  while (pos < offset) {
    pos += CharLength(static_cast<unsigned char>(text_[pos]));
    ++column;
  }
  loc.column = column;
  return loc;
}

std::string_view LineIndex::LineAt(size_t offset) const {
  if (line_starts_.empty()) return {};
  offset = std::min(offset, text_.size());
  size_t begin = LineStart(offset);
  size_t end = text_.find('\n', begin);
  if (end == std::string_view::npos) end = text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return text_.substr(begin, end - begin);
}

size_t AdvanceChars(std::string_view text, size_t from, size_t chars) {
  size_t pos = std::min(from, text.size());
  for (size_t i = 0; i < chars && pos < text.size(); ++i) {
    pos += CharLength(static_cast<unsigned char>(text[pos]));
  }
  return std::min(pos, text.size());
}

size_t LineIndex::AdvanceChars(size_t from, size_t chars) const {
  return sql::AdvanceChars(text_, from, chars);
}

}  // namespace pgstate::sql
