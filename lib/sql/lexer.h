#pragma once
// A small SQL lexer that knows PostgreSQL's quoting rules well enough to find where comments,
// strings and statements begin and end without a parser. Used to find psql meta-command lines,
// to split a file into statements when the parser cannot, and to trim parser spans (which
// include leading comments) down to the statement's own tokens.
//
// Quoting handled: '…' with '' doubling, E'…' with backslash escapes, "ident" with "",
// $tag$…$tag$ dollar quotes ($1 is a parameter; a $ inside an identifier is part of it),
// -- line comments and nested /* */ comments. Unterminated constructs run to the end of text.

#include <cstddef>
#include <string_view>
#include <vector>

#include "sql/source_file.h"

namespace pgstate::sql::lexer {

enum class TokenKind {
  kEnd,           ///< no token before the end
  kWord,          ///< keyword or unquoted identifier
  kQuotedIdent,   ///< "…" (also U&"…")
  kString,        ///< '…', E'…', B'…', X'…', N'…', U&'…'
  kDollarString,  ///< $tag$…$tag$
  kNumber,
  kParam,  ///< $1
  kPunct,  ///< any other single byte: ( ) , ; . operators, a stray backslash
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;
  size_t end = 0;
};

/// Skips whitespace and comments from `pos`; returns the offset of the next token (or size).
size_t SkipTrivia(std::string_view text, size_t pos);

/// The token at or after `pos` (trivia skipped). kind == kEnd at the end of `text`.
Token NextToken(std::string_view text, size_t pos);

/// End offset of the last token in [begin, text.size()); `begin` if there is none.
size_t LastTokenEnd(std::string_view text, size_t begin);

/// If the rest of the line from `pos` holds only blanks and comments that end on this line,
/// the offset just after its newline (or the end of text); otherwise `pos`.
size_t RestOfLineEnd(std::string_view text, size_t pos);

/// True when token `t` is the word `word` (ASCII, case-insensitive).
bool IsWord(std::string_view text, const Token& t, std::string_view word);

/// What a scan of a whole file finds.
struct ScanResult {
  /// psql meta-command lines: from the backslash to the end of the line (newline excluded).
  /// A line is one when its first non-blank byte, outside quotes and comments, is a backslash.
  std::vector<Span> meta_commands;
  /// Data of `COPY … FROM stdin;`: from the line after the statement through the `\.` line
  /// (newline excluded); `semicolon` is the offset of the COPY statement's ';'.
  struct CopyData {
    size_t semicolon = 0;
    Span data;
  };
  std::vector<CopyData> copy_data;
  /// Offsets of the ';' that end top-level statements, as psql sees them (not inside
  /// parentheses, not inside a CREATE FUNCTION/PROCEDURE … BEGIN ATOMIC … END body).
  std::vector<size_t> separators;
  /// The deepest nesting of a /* */ comment, and where that comment starts.
  size_t deepest_comment = 0;
  size_t deepest_comment_at = 0;
};

/// Comments nested deeper than this are refused: PostgreSQL's scanner takes quadratic time on
/// them (100,000 levels: a minute), and no schema nests comments at all.
inline constexpr size_t kMaxCommentNesting = 1000;

ScanResult ScanFile(std::string_view text);

}  // namespace pgstate::sql::lexer
