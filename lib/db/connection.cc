#include "db/connection.h"

#include <pg_query.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <exception>

#include <pqxx/pqxx>

#include <libpq-fe.h>

namespace pgstate::db {

namespace {

// The first line of a libpq message, without "ERROR:  " and trailing whitespace.
std::string PrimaryLine(std::string text) {
  size_t newline = text.find('\n');
  if (newline != std::string::npos) text.resize(newline);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  for (const char* prefix : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (text.rfind(prefix, 0) == 0) return text.substr(std::char_traits<char>::length(prefix));
  }
  return text;
}

// In terse verbosity libpq appends the statement position as " at character N" to the primary
// message; this takes it off and returns N (0 when absent).
size_t TakePosition(std::string& message) {
  static const std::string kMarker = " at character ";
  size_t at = message.rfind(kMarker);
  if (at == std::string::npos) return 0;
  std::string digits = message.substr(at + kMarker.size());
  if (digits.empty()) return 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
  }
  message.resize(at);
  return static_cast<size_t>(std::strtoull(digits.c_str(), nullptr, 10));
}

// Byte offset of the `chars`-th character (0-based) of UTF-8 `text`; npos past the end.
size_t ByteOffsetOfChar(std::string_view text, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (seen == chars) return i;
    ++seen;
  }
  return seen == chars ? text.size() : std::string::npos;
}

SqlError FromSqlError(const pqxx::sql_error& e, std::string_view sent) {
  SqlError error;
  error.sqlstate = e.sqlstate();
  error.message = PrimaryLine(e.what());
  error.position = TakePosition(error.message);
  if (error.position > 0) error.byte_offset = ByteOffsetOfChar(sent, error.position - 1);
  // Class 08 is a connection exception; 57P0x an administrator shut the server down.
  if (error.sqlstate.rfind("08", 0) == 0 || error.sqlstate.rfind("57P", 0) == 0) {
    error.code = core::kExitEnvironment;
  }
  return error;
}

SqlError Broken(const std::string& description, const std::exception& e) {
  SqlError error;
  error.code = core::kExitEnvironment;
  error.message = "lost the connection to '" + description + "': " + PrimaryLine(e.what());
  return error;
}

SqlError Unexpected(const std::exception& e) {
  SqlError error;
  error.code = core::kExitFatal;
  error.message = std::string("database client failure: ") + PrimaryLine(e.what());
  return error;
}

bool IsUrl(std::string_view conninfo) {
  return conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
}

// Percent-encoding for a URL query value.
std::string PercentEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// One `key = value` of a key=value connection string, with the span of its value.
struct ConninfoPair {
  std::string key;
  size_t value_begin = 0;
  size_t value_end = 0;
};

std::vector<ConninfoPair> ParsePairs(std::string_view s) {
  std::vector<ConninfoPair> pairs;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  while (true) {
    skip_space();
    if (i >= s.size()) break;
    ConninfoPair pair;
    while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) {
      pair.key += s[i++];
    }
    skip_space();
    if (i >= s.size() || s[i] != '=') break;
    ++i;
    skip_space();
    pair.value_begin = i;
    if (i < s.size() && s[i] == '\'') {
      ++i;
      while (i < s.size() && s[i] != '\'') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        ++i;
      }
      if (i < s.size()) ++i;
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        ++i;
      }
    }
    pair.value_end = i;
    pairs.push_back(pair);
  }
  return pairs;
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  size_t authority = out.find("://") + 3;
  // libpq reads user info up to the first '@' before any '/'.
  size_t end = authority;
  while (end < out.size() && out[end] != '@' && out[end] != '/') ++end;
  if (end < out.size() && out[end] == '@') {
    size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < end) {
      out.replace(colon + 1, end - colon - 1, "***");
    }
  }
  size_t query = out.find('?');
  while (query != std::string::npos) {
    size_t start = query + 1;
    size_t amp = out.find('&', start);
    size_t stop = amp == std::string::npos ? out.size() : amp;
    if (out.compare(start, 9, "password=") == 0) {
      out.replace(start + 9, stop - start - 9, "***");
      stop = start + 12;
    }
    query = stop < out.size() ? stop : std::string::npos;
  }
  return out;
}

}  // namespace

size_t QueryResult::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::string::npos;
}

struct Connection::Impl {
  std::unique_ptr<pqxx::connection> conn;
  std::string description;
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

core::Result<Connection> Connection::Open(const std::string& conninfo) {
  auto impl = std::make_unique<Impl>();
  impl->description = RedactConnectionString(conninfo);
  try {
    impl->conn = std::make_unique<pqxx::connection>(conninfo);
    // Terse errors carry the statement position as " at character N": the only way libpqxx 6
    // lets the position through for every SQLSTATE, not just syntax errors.
    impl->conn->set_verbosity(pqxx::connection_base::terse);
  } catch (const std::exception& e) {
    std::string reason = PrimaryLine(e.what());
    if (reason.rfind("connection to server", 0) == 0) {
      // libpq: 'connection to server on socket "…" failed: No such file or directory'
      size_t failed = reason.find(" failed: ");
      if (failed != std::string::npos) reason = reason.substr(failed + 9);
    }
    return core::Error(core::kExitEnvironment,
                       "cannot connect to '" + impl->description + "': " + reason);
  }
  return Connection(std::move(impl));
}

SqlStatus Connection::Execute(std::string_view sql) {
  std::string text(sql);
  try {
    pqxx::nontransaction txn(*impl_->conn);
    txn.exec(text);
    return {};
  } catch (const pqxx::sql_error& e) {
    return FromSqlError(e, sql);
  } catch (const pqxx::broken_connection& e) {
    return Broken(impl_->description, e);
  } catch (const std::exception& e) {
    return Unexpected(e);
  }
}

core::Result<QueryResult> Connection::Query(std::string_view sql,
                                            const std::vector<std::optional<std::string>>& params) {
  std::string text(sql);
  try {
    pqxx::nontransaction txn(*impl_->conn);
    pqxx::result r;
    if (params.empty()) {
      r = txn.exec(text);
    } else {
      std::vector<const char*> values;
      for (const std::optional<std::string>& p : params) values.push_back(p ? p->c_str() : nullptr);
      r = txn.exec_params(text, pqxx::prepare::make_dynamic_params(values));
    }
    QueryResult out;
    for (pqxx::row::size_type c = 0; c < r.columns(); ++c)
      out.columns.emplace_back(r.column_name(c));
    out.rows.reserve(r.size());
    for (const pqxx::row& row : r) {
      std::vector<std::optional<std::string>> values;
      values.reserve(row.size());
      for (const pqxx::field& f : row) {
        if (f.is_null()) {
          values.emplace_back(std::nullopt);
        } else {
          values.emplace_back(std::string(f.c_str(), f.size()));
        }
      }
      out.rows.push_back(std::move(values));
    }
    out.affected_rows = r.affected_rows();
    return out;
  } catch (const pqxx::sql_error& e) {
    return FromSqlError(e, sql).ToError();
  } catch (const pqxx::broken_connection& e) {
    return Broken(impl_->description, e).ToError();
  } catch (const std::exception& e) {
    return Unexpected(e).ToError();
  }
}

int Connection::server_version() const { return impl_->conn->server_version(); }

const std::string& Connection::description() const { return impl_->description; }

namespace {

struct StatementSpan {
  size_t begin = 0;
  size_t end = 0;
};

// The first byte in [begin, end) that is neither whitespace nor part of a comment.
size_t SkipBlanks(const std::string& text, size_t begin, size_t end) {
  while (begin < end) {
    if (std::isspace(static_cast<unsigned char>(text[begin]))) {
      ++begin;
    } else if (text.compare(begin, 2, "--") == 0) {
      size_t newline = text.find('\n', begin);
      begin = newline == std::string::npos ? end : newline + 1;
    } else if (text.compare(begin, 2, "/*") == 0) {
      int depth = 0;  // block comments nest in PostgreSQL
      size_t i = begin;
      while (i < end) {
        if (text.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (text.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
      begin = i;
    } else {
      break;
    }
  }
  return std::min(begin, end);
}

// Top-level statements of `script` by libpg_query's scanner (robust to syntax errors).
std::vector<StatementSpan> SplitStatements(std::string_view script) {
  std::string text(script);
  PgQuerySplitResult split = pg_query_split_with_scanner(text.c_str());
  std::vector<StatementSpan> spans;
  if (split.error == nullptr) {
    for (int i = 0; i < split.n_stmts; ++i) {
      size_t begin = static_cast<size_t>(split.stmts[i]->stmt_location);
      size_t end = begin + static_cast<size_t>(split.stmts[i]->stmt_len);
      // The scanner's span starts after the previous ';' and may begin with blanks/comments.
      begin = SkipBlanks(text, begin, end);
      if (begin < end) spans.push_back({begin, end});
    }
  }
  pg_query_free_split_result(split);
  return spans;
}

bool IsTransactionControl(std::string_view statement) {
  size_t end = 0;
  while (end < statement.size() && std::isalpha(static_cast<unsigned char>(statement[end]))) ++end;
  std::string word;
  for (size_t i = 0; i < end; ++i) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(statement[i])));
  }
  for (const char* k : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT",
                        "RELEASE", "PREPARE"}) {
    if (word == k) return true;
  }
  return false;
}

size_t CharsBefore(std::string_view text, size_t byte) {
  size_t chars = 0;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  }
  return chars;
}

// Replays `script` statement by statement in a transaction that is rolled back, to find the
// statement that fails the way the whole script did; adjusts the error's position accordingly.
void Locate(Connection& connection, std::string_view script, SqlError& error) {
  std::vector<StatementSpan> spans = SplitStatements(script);
  if (spans.empty()) return;
  for (const StatementSpan& s : spans) {
    if (IsTransactionControl(script.substr(s.begin, s.end - s.begin))) return;
  }
  if (!connection.Execute("BEGIN").ok()) return;
  for (const StatementSpan& s : spans) {
    std::string_view statement = script.substr(s.begin, s.end - s.begin);
    SqlStatus replay = connection.Execute(statement);
    if (replay.ok()) continue;
    if (replay.error().sqlstate == error.sqlstate && replay.error().message == error.message) {
      error.statement_offset = s.begin;
      // A position in the statement itself is the same counted from the script's start and from
      // the statement's; one PostgreSQL counted in an inner query is not.
      size_t before = CharsBefore(script, s.begin);
      bool consistent = error.position > 0 && replay.error().position > 0 &&
                        before + replay.error().position == error.position;
      if (!consistent) {
        // No position, or one PostgreSQL counted in an inner query: point at the statement.
        error.byte_offset = s.begin;
        error.position = before + 1;
      }
    }
    break;
  }
  (void)connection.Execute("ROLLBACK");
}

}  // namespace

SqlStatus ExecuteScript(Connection& connection, std::string_view script) {
  SqlStatus status = connection.Execute(script);
  if (status.ok() || status.error().code == core::kExitEnvironment) return status;
  // A script that opened a transaction block leaves it aborted; end it so the connection stays
  // usable. Outside a block this is only a warning, which is not shown.
  (void)connection.Execute("ROLLBACK");
  SqlError error = status.error();
  Locate(connection, script, error);
  return error;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteLiteral(std::string_view value) {
  // standard_conforming_strings is on (the default since PostgreSQL 9.1): only quotes double.
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string RedactConnectionString(std::string_view conninfo) {
  if (IsUrl(conninfo)) return RedactUrl(conninfo);
  std::string out(conninfo);
  std::vector<ConninfoPair> pairs = ParsePairs(conninfo);
  for (auto it = pairs.rbegin(); it != pairs.rend(); ++it) {
    if (it->key == "password") out.replace(it->value_begin, it->value_end - it->value_begin, "***");
  }
  return out;
}

core::Result<SeparatedPassword> SeparatePassword(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) {
    return core::Error(core::kExitBadInput,
                       "'" + RedactConnectionString(conninfo) +
                           "' is not a valid connection string (key=value pairs or a "
                           "postgresql:// URL)");
  }
  SeparatedPassword out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string key = o->keyword;
    if (key == "password") {
      out.password = o->val;
      continue;
    }
    std::string quoted = "'";
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\') quoted += '\\';
      quoted += *c;
    }
    out.conninfo += (out.conninfo.empty() ? "" : " ") + key + "=" + quoted + "'";
  }
  PQconninfoFree(options);
  return out;
}

std::string WithDatabase(std::string_view conninfo, std::string_view dbname) {
  std::string out(conninfo);
  if (IsUrl(conninfo)) {
    out += out.find('?') == std::string::npos ? '?' : '&';
    return out + "dbname=" + PercentEncode(dbname);
  }
  std::string quoted = "'";
  for (char c : dbname) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += "'";
  return out + (out.empty() ? "" : " ") + "dbname=" + quoted;
}

}  // namespace pgstate::db
