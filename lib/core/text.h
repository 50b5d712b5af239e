#pragma once
// What every SQL text must be before anything reads it: UTF-8 without NUL bytes. A NUL ends a
// C string early (a statement sent to the server cut at it runs without its WHERE), and
// PostgreSQL refuses invalid UTF-8 only after earlier statements have run.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace pgstate::core {

struct TextProblem {
  size_t offset = 0;    ///< byte offset of the first bad byte
  std::string message;  ///< "NUL byte in SQL text", "invalid UTF-8 (byte 0xff)"
};

/// The first NUL byte or invalid UTF-8 sequence of `text` (overlong forms, surrogates and code
/// points past U+10FFFF are invalid, as PostgreSQL has them); nullopt when there is none.
std::optional<TextProblem> FindTextProblem(std::string_view text);

/// FindTextProblem as an error (kExitBadInput) at path:line:col, with a hint.
Status CheckSqlText(const std::string& path, std::string_view text);

}  // namespace pgstate::core
