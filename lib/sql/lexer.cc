#include "sql/lexer.h"

#include <cstring>

namespace pgstate::sql::lexer {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool IsSpace(char c) { return IsBlank(c) || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '$'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWith(std::string_view text, size_t pos, const char* s) {
  size_t n = std::strlen(s);
  return text.size() - pos >= n && text.compare(pos, n, s) == 0;
}

// End of a nested /* */ comment starting at `pos` (which points at "/*"); its deepest nesting
// goes to *deepest when given.
size_t SkipBlockComment(std::string_view text, size_t pos, size_t* deepest = nullptr) {
  size_t depth = 0;
  size_t i = pos;
  while (i < text.size()) {
    if (StartsWith(text, i, "/*")) {
      ++depth;
      if (deepest != nullptr && depth > *deepest) *deepest = depth;
      i += 2;
    } else if (StartsWith(text, i, "*/")) {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return text.size();
}

// End of a quoted run starting at the quote at `pos`; `quote` doubled is an escaped quote.
size_t SkipQuoted(std::string_view text, size_t pos, char quote, bool backslash_escapes) {
  size_t i = pos + 1;
  while (i < text.size()) {
    char c = text[i];
    if (backslash_escapes && c == '\\') {
      i += 2;
      continue;
    }
    if (c == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

// Length of a dollar-quote delimiter ($$ or $tag$) at `pos`, or 0 if there is none.
size_t DollarTagLength(std::string_view text, size_t pos) {
  size_t i = pos + 1;
  if (i < text.size() && text[i] == '$') return 2;
  if (i >= text.size() || !IsIdentStart(text[i])) return 0;
  while (i < text.size() && IsIdentChar(text[i]) && text[i] != '$') ++i;
  if (i < text.size() && text[i] == '$') return i + 1 - pos;
  return 0;
}

}  // namespace

size_t SkipTrivia(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (IsSpace(c)) {
      ++pos;
    } else if (c == '-' && pos + 1 < text.size() && text[pos + 1] == '-') {
      size_t nl = text.find('\n', pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '*') {
      pos = SkipBlockComment(text, pos);
    } else {
      break;
    }
  }
  return pos;
}

Token NextToken(std::string_view text, size_t pos) {
  pos = SkipTrivia(text, pos);
  Token t;
  t.begin = pos;
  if (pos >= text.size()) {
    t.begin = t.end = text.size();
    return t;
  }
  char c = text[pos];
  if (c == '\'') {
    t.kind = TokenKind::kString;
    t.end = SkipQuoted(text, pos, '\'', false);
  } else if (c == '"') {
    t.kind = TokenKind::kQuotedIdent;
    t.end = SkipQuoted(text, pos, '"', false);
  } else if (c == '$') {
    if (pos + 1 < text.size() && IsDigit(text[pos + 1])) {
      size_t i = pos + 1;
      while (i < text.size() && IsDigit(text[i])) ++i;
      t.kind = TokenKind::kParam;
      t.end = i;
    } else if (size_t len = DollarTagLength(text, pos); len > 0) {
      std::string_view tag = text.substr(pos, len);
      size_t close = text.find(tag, pos + len);
      t.kind = TokenKind::kDollarString;
      t.end = close == std::string_view::npos ? text.size() : close + len;
    } else {
      t.kind = TokenKind::kPunct;
      t.end = pos + 1;
    }
  } else if (IsIdentStart(c)) {
    size_t i = pos + 1;
    while (i < text.size() && IsIdentChar(text[i])) ++i;
    size_t len = i - pos;
    char first = Lower(c);
    if (i < text.size() && text[i] == '\'' && len == 1 &&
        (first == 'e' || first == 'b' || first == 'x' || first == 'n')) {
      t.kind = TokenKind::kString;
      t.end = SkipQuoted(text, i, '\'', first == 'e');
    } else if (len == 1 && first == 'u' && i + 1 < text.size() && text[i] == '&' &&
               (text[i + 1] == '\'' || text[i + 1] == '"')) {
      t.kind = text[i + 1] == '"' ? TokenKind::kQuotedIdent : TokenKind::kString;
      t.end = SkipQuoted(text, i + 1, text[i + 1], false);
    } else {
      t.kind = TokenKind::kWord;
      t.end = i;
    }
  } else if (IsDigit(c) || (c == '.' && pos + 1 < text.size() && IsDigit(text[pos + 1]))) {
    size_t i = pos + 1;
    while (i < text.size()) {
      char d = text[i];
      if (IsDigit(d) || IsIdentStart(d) || d == '.') {
        // "1..5" is not a number; stop before a second dot so ".." stays punctuation.
        if (d == '.' && i + 1 < text.size() && text[i + 1] == '.') break;
        ++i;
      } else if ((d == '+' || d == '-') && (Lower(text[i - 1]) == 'e')) {
        ++i;
      } else {
        break;
      }
    }
    t.kind = TokenKind::kNumber;
    t.end = i;
  } else {
    t.kind = TokenKind::kPunct;
    t.end = pos + 1;
  }
  return t;
}

size_t LastTokenEnd(std::string_view text, size_t begin) {
  size_t last = begin;
  size_t pos = begin;
  while (true) {
    Token t = NextToken(text, pos);
    if (t.kind == TokenKind::kEnd) break;
    last = t.end;
    pos = t.end;
  }
  return last;
}

size_t RestOfLineEnd(std::string_view text, size_t pos) {
  size_t p = pos;
  while (true) {
    while (p < text.size() && IsBlank(text[p])) ++p;
    if (p >= text.size()) return text.size();
    if (text[p] == '\n') return p + 1;
    if (StartsWith(text, p, "--")) {
      size_t nl = text.find('\n', p);
      return nl == std::string_view::npos ? text.size() : nl + 1;
    }
    if (StartsWith(text, p, "/*")) {
      size_t end = SkipBlockComment(text, p);
      if (text.substr(p, end - p).find('\n') != std::string_view::npos) return pos;
      p = end;
      continue;
    }
    return pos;
  }
}

bool IsWord(std::string_view text, const Token& t, std::string_view word) {
  if (t.kind != TokenKind::kWord || t.end - t.begin != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(text[t.begin + i]) != word[i]) return false;
  }
  return true;
}

ScanResult ScanFile(std::string_view text) {
  ScanResult result;
  // Per-statement state, reset after each top-level ';'.
  int paren_depth = 0;
  int begin_depth = 0;
  int word_count = 0;
  char head[4] = {0, 0, 0, 0};  // first letters of the leading CREATE/OR/REPLACE/FUNCTION words
  int copy_state = 0;           // 1: COPY …, 2: … FROM, 3: … FROM STDIN
  auto reset = [&] {
    paren_depth = begin_depth = word_count = copy_state = 0;
    head[0] = head[1] = head[2] = head[3] = 0;
  };

  bool at_line_start = true;
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    char c = text[pos];
    if (c == '\n') {
      at_line_start = true;
      ++pos;
      continue;
    }
    if (IsBlank(c)) {
      ++pos;
      continue;
    }
    if (at_line_start && c == '\\') {
      size_t nl = text.find('\n', pos);
      size_t end = nl == std::string_view::npos ? n : nl;
      result.meta_commands.push_back(Span{pos, end});
      pos = end;
      continue;
    }
    at_line_start = false;
    if (c == '-' && pos + 1 < n && text[pos + 1] == '-') {
      size_t nl = text.find('\n', pos);
      pos = nl == std::string_view::npos ? n : nl;
      continue;
    }
    if (c == '/' && pos + 1 < n && text[pos + 1] == '*') {
      size_t deepest = 0;
      size_t end = SkipBlockComment(text, pos, &deepest);
      if (deepest > result.deepest_comment) {
        result.deepest_comment = deepest;
        result.deepest_comment_at = pos;
      }
      pos = end;
      continue;
    }
    Token t = NextToken(text, pos);
    pos = t.end;
    if (t.kind == TokenKind::kPunct) {
      char p = text[t.begin];
      if (p == '(') {
        ++paren_depth;
      } else if (p == ')') {
        if (paren_depth > 0) --paren_depth;
      } else if (p == ';' && paren_depth == 0 && begin_depth == 0) {
        result.separators.push_back(t.begin);
        if (copy_state == 3) {
          size_t nl = text.find('\n', t.end);
          if (nl != std::string_view::npos) {
            size_t data_begin = nl + 1;
            size_t line = data_begin;
            size_t data_end = n;
            while (line < n) {
              size_t eol = text.find('\n', line);
              size_t line_end = eol == std::string_view::npos ? n : eol;
              std::string_view content = text.substr(line, line_end - line);
              if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
              if (content == "\\.") {
                data_end = line_end;
                break;
              }
              line = eol == std::string_view::npos ? n : eol + 1;
            }
            result.copy_data.push_back({t.begin, Span{data_begin, data_end}});
            pos = data_end;
          }
        }
        reset();
      }
      continue;
    }
    if (t.kind != TokenKind::kWord) continue;
    // Leading words CREATE [OR REPLACE] FUNCTION|PROCEDURE make BEGIN … END a body whose
    // semicolons do not end the statement (psql's rule, so we split as psql runs the file).
    if (word_count < 4) {
      char first = Lower(text[t.begin]);
      if (IsWord(text, t, "create") || IsWord(text, t, "or") || IsWord(text, t, "replace") ||
          IsWord(text, t, "function") || IsWord(text, t, "procedure")) {
        head[word_count] = first;
      }
    }
    if (word_count == 0 && IsWord(text, t, "copy")) copy_state = 1;
    if (copy_state == 1 && IsWord(text, t, "from"))
      copy_state = 2;
    else if (copy_state == 2)
      copy_state = IsWord(text, t, "stdin") ? 3 : 1;
    ++word_count;
    bool routine = head[0] == 'c' &&
                   (head[1] == 'f' || head[1] == 'p' ||
                    (head[1] == 'o' && head[2] == 'r' && (head[3] == 'f' || head[3] == 'p')));
    if (routine && paren_depth == 0) {
      if (IsWord(text, t, "begin")) {
        ++begin_depth;
      } else if (IsWord(text, t, "case")) {
        if (begin_depth > 0) ++begin_depth;
      } else if (IsWord(text, t, "end")) {
        if (begin_depth > 0) --begin_depth;
      }
    }
  }
  return result;
}

}  // namespace pgstate::sql::lexer
