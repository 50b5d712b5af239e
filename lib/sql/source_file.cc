#include "sql/source_file.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/text.h"
#include "sql/canonical.h"
#include "sql/keyer.h"
#include "sql/large_stack.h"
#include "sql/lexer.h"
#include "sql/parse_tree.h"
#include "sql/pg_query_owner.h"

namespace pgstate::sql {

struct SourceFile::Trees {
  // Each parsed string's tree lives in its own arena; Statement::node points into them.
  std::vector<std::unique_ptr<Arena>> arenas;
};

namespace {

// One statement before its chunk and key are known.
struct Pending {
  Span text;
  const PgQuery__Node* node = nullptr;
  size_t base = 0;  // offset of the parsed string the node's locations are relative to
  StatementClass cls = StatementClass::kOther;  // kMetaCommand/kInvalid for those
};

// The text span of a RawStmt: its first token through its ';' (and COPY data), given the
// parser's span [loc, loc + len) which starts right after the previous ';'.
Span StatementSpan(std::string_view text, size_t loc, size_t end, const lexer::ScanResult& scan) {
  size_t begin = lexer::SkipTrivia(text.substr(0, end), loc);
  size_t after = lexer::SkipTrivia(text, end);
  if (after < text.size() && text[after] == ';') {
    size_t stmt_end = after + 1;
    auto copy = std::lower_bound(
        scan.copy_data.begin(), scan.copy_data.end(), after,
        [](const lexer::ScanResult::CopyData& c, size_t pos) { return c.semicolon < pos; });
    if (copy != scan.copy_data.end() && copy->semicolon == after) stmt_end = copy->data.end;
    return Span{begin, stmt_end};
  }
  return Span{begin, std::max(begin, lexer::LastTokenEnd(text.substr(0, end), begin))};
}

// The schema new and unqualified objects go to for a search_path.
std::string CreationSchema(const std::vector<std::string>& path,
                           const std::vector<std::string>& fallback) {
  for (const std::string& s : path) {
    if (s.empty() || s == "$user" || s == "pg_catalog" || s == "pg_temp") continue;
    return s;
  }
  if (&path != &fallback) return CreationSchema(fallback, fallback);
  return "public";
}

}  // namespace

bool IsDocumentedUnkeyedReason(std::string_view reason) {
  for (const char* r : kUnkeyedReasons) {
    if (reason == r) return true;
  }
  return false;
}

SourceFile::SourceFile() = default;
SourceFile::~SourceFile() = default;

SourceFile::SourceFile(SourceFile&& other) noexcept
    : path_(std::move(other.path_)),
      text_(std::move(other.text_)),
      lines_(std::move(other.lines_)),
      statements_(std::move(other.statements_)),
      tail_(other.tail_),
      errors_(std::move(other.errors_)),
      trees_(std::move(other.trees_)) {
  // A short string lives inside the object: re-point the index at our copy.
  lines_.Rebind(text_);
}

SourceFile& SourceFile::operator=(SourceFile&& other) noexcept {
  if (this != &other) {
    path_ = std::move(other.path_);
    text_ = std::move(other.text_);
    lines_ = std::move(other.lines_);
    lines_.Rebind(text_);
    statements_ = std::move(other.statements_);
    tail_ = other.tail_;
    errors_ = std::move(other.errors_);
    trees_ = std::move(other.trees_);
  }
  return *this;
}

SourceFile SourceFile::Parse(std::string path, std::string text, const ParseOptions& options) {
  SourceFile file;
  RunWithLargeStack([&] { file.ParseInto(std::move(path), std::move(text), options); });
  return file;
}

void SourceFile::ParseInto(std::string path, std::string text, const ParseOptions& options) {
  SourceFile& file = *this;
  file.path_ = std::move(path);
  file.text_ = std::move(text);
  file.lines_ = LineIndex(file.text_);
  file.trees_ = std::make_unique<Trees>();
  const std::string& src = file.text_;

  lexer::ScanResult scan = lexer::ScanFile(src);

  // What the parser sees: meta-command lines and COPY data blanked to spaces (newlines kept,
  // so byte offsets stay), NUL bytes too (libpg_query reads a C string).
  std::string blanked = src;
  auto blank = [&](Span s) {
    for (size_t i = s.begin; i < s.end; ++i) {
      if (blanked[i] != '\n') blanked[i] = ' ';
    }
  };
  for (const Span& m : scan.meta_commands) blank(m);
  for (const auto& c : scan.copy_data) blank(c.data);
  for (size_t nul = blanked.find('\0'); nul != std::string::npos;
       nul = blanked.find('\0', nul + 1)) {
    blanked[nul] = ' ';
  }
  // A NUL or invalid UTF-8 makes the file unusable as SQL (see core/text.h): one error, at the
  // first such byte.
  if (std::optional<core::TextProblem> problem = core::FindTextProblem(src)) {
    core::Diagnostic d;
    d.rule = "syntax";
    d.message = problem->message;
    d.hint = "SQL files must be UTF-8 text; remove the byte or convert the file (iconv)";
    d.location = file.lines_.Locate(problem->offset, file.path_);
    file.errors_.push_back(std::move(d));
  }

  std::vector<Pending> pending;
  // Adds the statements of a tree parsed from blanked[base, piece_end).
  auto add_tree = [&](ParsedTree&& parsed, size_t base, size_t piece_end) {
    const PgQuery__ParseResult* tree = parsed.tree;
    size_t next_inexact = 0;
    for (size_t i = 0; i < tree->n_stmts; ++i) {
      const PgQuery__RawStmt* raw = tree->stmts[i];
      if (!raw || !raw->stmt) continue;
      size_t loc = base + static_cast<size_t>(std::max(0, raw->stmt_location));
      size_t end = raw->stmt_len == 0 ? piece_end : loc + static_cast<size_t>(raw->stmt_len);
      end = std::min(end, piece_end);
      Pending p;
      p.text = StatementSpan(blanked, loc, end, scan);
      p.node = raw->stmt;
      p.base = base;
      while (next_inexact < parsed.inexact.size() && parsed.inexact[next_inexact] < i) {
        ++next_inexact;
      }
      if (next_inexact < parsed.inexact.size() && parsed.inexact[next_inexact] == i) {
        // The raw route could not copy this statement's tree: parse it alone the slow way.
        std::string alone = blanked.substr(loc, end - loc);
        ParsedTree exact = ParseWithProtobuf(alone.c_str(), alone.size());
        if (exact.ok && exact.tree->n_stmts == 1 && exact.tree->stmts[0]->stmt) {
          p.node = exact.tree->stmts[0]->stmt;
          p.base = loc;
          file.trees_->arenas.push_back(std::move(exact.arena));
        }
      }
      pending.push_back(p);
    }
    file.trees_->arenas.push_back(std::move(parsed.arena));
  };

  if (scan.deepest_comment > lexer::kMaxCommentNesting) {
    core::Diagnostic d;
    d.rule = "syntax";
    d.message = "a comment nested " + std::to_string(scan.deepest_comment) +
                " levels deep (more than " + std::to_string(lexer::kMaxCommentNesting) +
                "): the file is not parsed";
    d.hint = "remove the nested /* */ comments";
    d.location = file.lines_.Locate(scan.deepest_comment_at, file.path_);
    file.errors_.push_back(std::move(d));
    return;
  }
  ParsedTree whole = ParseWithRawTree(blanked.c_str(), blanked.size());
  if (whole.ok) {
    add_tree(std::move(whole), 0, blanked.size());
  } else {
    // Parse each statement alone so every syntax error is reported and good statements kept.
    size_t errors_before = file.errors_.size();
    size_t piece_begin = 0;
    auto parse_piece = [&](size_t begin, size_t end) {
      std::string_view piece = std::string_view(blanked).substr(begin, end - begin);
      if (lexer::SkipTrivia(piece, 0) >= piece.size()) return;
      std::string copy(piece);
      ParsedTree attempt = ParseWithRawTree(copy.c_str(), copy.size());
      if (attempt.ok) {
        add_tree(std::move(attempt), begin, end);
        return;
      }
      // cursorpos counts characters (1-based) in the string we parsed: the piece.
      size_t at = attempt.cursorpos > 0
                      ? AdvanceChars(blanked, begin, static_cast<size_t>(attempt.cursorpos - 1))
                      : lexer::SkipTrivia(blanked.substr(0, end), begin);
      core::Diagnostic d;
      d.rule = "syntax";
      d.message = attempt.message;
      d.location = file.lines_.Locate(at, file.path_);
      d.source_line = std::string(file.lines_.LineAt(at));
      file.errors_.push_back(std::move(d));
      Pending p;
      size_t first = lexer::SkipTrivia(blanked.substr(0, end), begin);
      size_t last = (end > begin && blanked[end - 1] == ';')
                        ? end
                        : std::max(first, lexer::LastTokenEnd(blanked.substr(0, end), first));
      p.text = Span{first, last};
      p.base = begin;
      p.cls = StatementClass::kInvalid;
      pending.push_back(p);
    };
    for (size_t sep : scan.separators) {
      size_t end = sep + 1;
      auto copy = std::find_if(scan.copy_data.begin(), scan.copy_data.end(),
                               [&](const auto& c) { return c.semicolon == sep; });
      parse_piece(piece_begin, end);
      if (copy != scan.copy_data.end() && !pending.empty() && pending.back().text.end == end) {
        pending.back().text.end = copy->data.end;
      }
      piece_begin = copy != scan.copy_data.end() ? copy->data.end : end;
    }
    parse_piece(piece_begin, blanked.size());
    if (file.errors_.size() == errors_before) {
      // The pieces parse alone but the whole does not: report the whole file's error.
      size_t at = whole.cursorpos > 0
                      ? AdvanceChars(blanked, 0, static_cast<size_t>(whole.cursorpos - 1))
                      : 0;
      core::Diagnostic d;
      d.rule = "syntax";
      d.message = whole.message;
      d.location = file.lines_.Locate(at, file.path_);
      d.source_line = std::string(file.lines_.LineAt(at));
      file.errors_.push_back(std::move(d));
    }
  }

  // Meta-commands are statements of their own unless psql would have read them in the
  // middle of a statement (then they stay part of that statement's text).
  std::sort(pending.begin(), pending.end(),
            [](const Pending& a, const Pending& b) { return a.text.begin < b.text.begin; });
  {
    std::vector<Pending> merged;
    merged.reserve(pending.size() + scan.meta_commands.size());
    size_t pi = 0;
    for (const Span& m : scan.meta_commands) {
      while (pi < pending.size() && pending[pi].text.begin < m.begin) {
        merged.push_back(pending[pi++]);
      }
      if (!merged.empty() && merged.back().text.end > m.begin) continue;
      Pending p;
      p.text = m;
      p.cls = StatementClass::kMetaCommand;
      merged.push_back(p);
    }
    while (pi < pending.size()) merged.push_back(pending[pi++]);
    pending.swap(merged);
  }

  std::vector<std::string> search_path = options.search_path;
  std::string schema = CreationSchema(search_path, options.search_path);
  file.statements_.reserve(pending.size());
  size_t pos = 0;
  for (size_t i = 0; i < pending.size(); ++i) {
    const Pending& p = pending[i];
    Statement st;
    st.text = p.text;
    st.location = file.lines_.Locate(p.text.begin, file.path_);
    if (p.cls == StatementClass::kMetaCommand) {
      st.cls = StatementClass::kMetaCommand;
      st.unkeyed_reason = "psql meta-command";
    } else if (p.cls == StatementClass::kInvalid) {
      st.cls = StatementClass::kInvalid;
      st.unkeyed_reason = "syntax error";
    } else {
      KeyContext ctx;
      ctx.text = blanked;
      ctx.base = p.base;
      ctx.schema = schema;
      ctx.canonical_hashes = options.canonical_hashes;
      st.node = p.node;
      DescribeStatement(p.node, ctx, st);
      if (auto set = SearchPathSetBy(p.node)) {
        search_path = set->has_value() ? **set : options.search_path;
        schema = CreationSchema(search_path, options.search_path);
      }
    }
    size_t next_begin = i + 1 < pending.size() ? pending[i + 1].text.begin : src.size();
    size_t end = std::max(p.text.end, std::min(lexer::RestOfLineEnd(src, p.text.end), next_begin));
    st.chunk = Span{pos, end};
    pos = end;
    file.statements_.push_back(std::move(st));
  }
  file.tail_ = Span{pos, src.size()};
}

std::string CanonicalText(const Statement& statement) {
  if (!statement.node) return {};
  std::string text;
  RunWithLargeStack([&] { text = DeparseNode(statement.node); });
  return text;
}

}  // namespace pgstate::sql
