#pragma once
// Running SQL files (a baseline, a migration, a plan) statement by statement, so that a failure
// points at the user's file:line:col whether or not PostgreSQL gave a position.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::migrate {

/// One statement: byte offsets [begin, end) into the file's text, from its first token through
/// its ';' (or the end of the range for a last statement without one).
struct ScriptStatement {
  size_t begin = 0;
  size_t end = 0;
};

/// Splits bytes [begin, end) of `text` into statements, the way psql would. psql meta-command
/// lines (`\set ON_ERROR_STOP 1`, pg_dump's `\restrict`) are left out. `COPY … FROM stdin` is an
/// error (kExitBadInput) at its location in `path`.
core::Result<std::vector<ScriptStatement>> SplitScript(std::string_view text, size_t begin,
                                                       size_t end, const std::string& path);

/// The first statement that controls transactions (BEGIN, START TRANSACTION, COMMIT, END,
/// ROLLBACK, ABORT, SAVEPOINT …, PREPARE TRANSACTION), or nullptr.
const ScriptStatement* FindTransactionControl(std::string_view text,
                                              const std::vector<ScriptStatement>& statements);

/// Sends each statement in turn. On the first failure returns an Error whose location is the
/// point in `path` PostgreSQL named (or the statement's start when it named none) and whose
/// message is PostgreSQL's; the code is the SqlError's (kExitBadInput, or kExitEnvironment when
/// the connection broke).
core::Status RunStatements(db::Connection& connection, std::string_view text,
                           const std::vector<ScriptStatement>& statements, const std::string& path);

}  // namespace pgstate::migrate
