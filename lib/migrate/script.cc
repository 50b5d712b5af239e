#include "migrate/script.h"

#include "sql/lexer.h"
#include "sql/line_index.h"

namespace pgstate::migrate {

namespace lexer = sql::lexer;

core::Result<std::vector<ScriptStatement>> SplitScript(std::string_view text, size_t begin,
                                                       size_t end, const std::string& path) {
  std::string_view range = text.substr(begin, end - begin);
  lexer::ScanResult scan = lexer::ScanFile(range);
  if (!scan.copy_data.empty()) {
    sql::LineIndex lines(text);
    size_t at = begin + scan.copy_data.front().semicolon;
    return core::Error(core::kExitBadInput,
                       "COPY … FROM stdin is not supported in migrations and baselines",
                       lines.Locate(at, path));
  }
  std::vector<ScriptStatement> statements;
  size_t cursor = 0;
  auto emit = [&](size_t stop) {
    size_t first = lexer::SkipTrivia(range, cursor);
    if (first < stop) statements.push_back({begin + first, begin + stop});
  };
  size_t meta = 0;
  for (size_t separator : scan.separators) {
    while (meta < scan.meta_commands.size() && scan.meta_commands[meta].begin < separator) {
      emit(scan.meta_commands[meta].begin);
      cursor = scan.meta_commands[meta].end;
      ++meta;
    }
    emit(separator + 1);
    cursor = separator + 1;
  }
  for (; meta < scan.meta_commands.size(); ++meta) {
    emit(scan.meta_commands[meta].begin);
    cursor = scan.meta_commands[meta].end;
  }
  emit(range.size());
  return statements;
}

const ScriptStatement* FindTransactionControl(std::string_view text,
                                              const std::vector<ScriptStatement>& statements) {
  static const char* const kWords[] = {"begin",    "start", "commit",    "end",
                                       "rollback", "abort", "savepoint", "release"};
  for (const ScriptStatement& statement : statements) {
    std::string_view s = text.substr(0, statement.end);
    lexer::Token first = lexer::NextToken(s, statement.begin);
    for (const char* word : kWords) {
      if (lexer::IsWord(s, first, word)) return &statement;
    }
    if (lexer::IsWord(s, first, "prepare")) {
      lexer::Token second = lexer::NextToken(s, first.end);
      if (lexer::IsWord(s, second, "transaction")) return &statement;
    }
  }
  return nullptr;
}

core::Status RunStatements(db::Connection& connection, std::string_view text,
                           const std::vector<ScriptStatement>& statements,
                           const std::string& path) {
  for (const ScriptStatement& statement : statements) {
    std::string_view sql = text.substr(statement.begin, statement.end - statement.begin);
    db::SqlStatus status = connection.Execute(sql);
    if (status.ok()) continue;
    const db::SqlError& error = status.error();
    size_t at = statement.begin;
    if (error.byte_offset != std::string::npos && error.byte_offset <= sql.size()) {
      at += error.byte_offset;
    }
    sql::LineIndex lines(text);
    return core::Error(error.code, error.message, lines.Locate(at, path));
  }
  return {};
}

}  // namespace pgstate::migrate
