#pragma once
// A database connection (libpqxx underneath) whose failures are values.
//
// Every libpqxx exception is caught here and becomes a core::Error or an SqlError that keeps
// what the server said: SQLSTATE, primary message and error position. A connection that cannot
// be opened, or that breaks, is an environment failure (kExitEnvironment); an SQL error in what
// the caller sent is bad input (kExitBadInput). Connection strings in messages are redacted.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pgstate::db {

/// What PostgreSQL (or libpq) reported about a failed command.
struct SqlError {
  core::ExitCode code = core::kExitBadInput;  ///< kExitEnvironment when the connection failed
  std::string sqlstate;  ///< five characters ("42P01"); empty when not from the server
  std::string message;   ///< the server's primary message: `relation "users" does not exist`
  /// 1-based position in characters into the text that was sent (PostgreSQL's own count), 0
  /// when unknown. ExecuteScript falls back to the start of the failing statement when the
  /// server gave no position of its own.
  size_t position = 0;
  /// The same position as a 0-based byte offset into that text; npos when unknown.
  size_t byte_offset = std::string::npos;
  /// ExecuteScript: byte offset of the statement that failed; npos when unknown.
  size_t statement_offset = std::string::npos;

  /// code + message (the SQLSTATE is not repeated in the message).
  core::Error ToError() const { return core::Error(code, message); }
};

/// Success, or the SqlError that stopped it.
class [[nodiscard]] SqlStatus {
 public:
  SqlStatus() = default;
  SqlStatus(SqlError error) : error_(std::move(error)) {}  // NOLINT: implicit
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const SqlError& error() const { return *error_; }

 private:
  std::optional<SqlError> error_;
};

/// Rows of a query, as text (PostgreSQL's output format); a NULL is nullopt.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  size_t affected_rows = 0;  ///< for INSERT/UPDATE/DELETE

  /// Index of the column `name`; npos if there is none.
  size_t Column(std::string_view name) const;
};

class Connection {
 public:
  /// Connects with a libpq connection string (key=value or postgresql:// URL). Failure:
  /// kExitEnvironment, "cannot connect to '<redacted conninfo>': <libpq's reason>".
  static core::Result<Connection> Open(const std::string& conninfo);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// Sends `sql` (one or several statements) as one simple query, outside any transaction the
  /// caller did not write itself: BEGIN/COMMIT in `sql` are the caller's to use.
  SqlStatus Execute(std::string_view sql);

  /// Runs one statement with $1, $2, … bound to `params` (nullopt is NULL) and returns its rows.
  core::Result<QueryResult> Query(std::string_view sql,
                                  const std::vector<std::optional<std::string>>& params = {});

  /// The server's version number, e.g. 150018.
  int server_version() const;
  /// The connection string with any password replaced by "***".
  const std::string& description() const;

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Runs a whole script (many statements, as a file holds them) in one round trip. PostgreSQL runs
/// a multi-statement query as one implicit transaction unless the script controls transactions
/// itself, so on failure nothing of it stays. The error's position points into `script`:
/// callers map byte_offset to file:line.
///
/// On failure the script is replayed statement by statement inside a transaction that is rolled
/// back (unless it has transaction control statements of its own), to learn which statement
/// failed: that fills statement_offset, and replaces a position PostgreSQL gave for an inner
/// query (a DO block's PERFORM, a function body run at load time) or no position at all with
/// the start of the failing statement.
SqlStatus ExecuteScript(Connection& connection, std::string_view script);

/// `name` as an SQL identifier, double-quoted when needed ("My Table" -> "\"My Table\"").
std::string QuoteIdentifier(std::string_view name);
/// `value` as an SQL string literal ('it''s').
std::string QuoteLiteral(std::string_view value);

/// A libpq connection string with every password removed: the password of a URL's user info,
/// `password=` in a URL's query or in key=value form. Used in every message that shows one.
std::string RedactConnectionString(std::string_view conninfo);

/// A connection string split for handing to another program (pg_dump): the rest as key=value
/// (for its command line, which `ps` shows to everyone) and the password alone (for PGPASSWORD
/// in its environment). Parsed by libpq itself, every form it accepts included.
struct SeparatedPassword {
  std::string conninfo;
  std::optional<std::string> password;
};
/// Error (kExitBadInput): the redacted string is not a connection string libpq accepts; libpq's
/// own message is not shown (it may quote the password).
core::Result<SeparatedPassword> SeparatePassword(const std::string& conninfo);

/// `conninfo` pointing at database `dbname` instead (both key=value and URL forms).
std::string WithDatabase(std::string_view conninfo, std::string_view dbname);

}  // namespace pgstate::db
