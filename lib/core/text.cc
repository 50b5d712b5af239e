#include "core/text.h"

#include <cstdio>

namespace pgstate::core {

std::optional<TextProblem> FindTextProblem(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  auto bad = [&](size_t at) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", s[at]);
    return TextProblem{at, std::string("invalid UTF-8 (byte ") + hex + ")"};
  };
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c == 0) return TextProblem{i, "NUL byte in SQL text"};
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
      return bad(i);
    }
    if (i + len > n) return bad(i);
    if (s[i + 1] < lo || s[i + 1] > hi) return bad(i + 1);
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return bad(i + k);
    }
    i += len;
  }
  return std::nullopt;
}

Status CheckSqlText(const std::string& path, std::string_view text) {
  std::optional<TextProblem> problem = FindTextProblem(text);
  if (!problem) return {};
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < problem->offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  int column = 1;  // in characters: everything before the problem is valid UTF-8
  for (size_t i = line_start; i < problem->offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return Error(kExitBadInput,
               problem->message +
                   ": SQL files must be UTF-8 text; remove the byte or convert the file (iconv)",
               SourceLocation{path, line, column});
}

}  // namespace pgstate::core
