#pragma once
// `pgstate sandbox`: a command run against a throwaway database.
//
// Starts the scratch server verify and plan use (an ephemeral PostgreSQL, or --dev-url),
// creates one empty database, runs a command with DATABASE_URL and PGSTATE_URL pointing at it,
// and removes everything when the command ends, however it ends. Handy for trying migrations
// ("pgstate sandbox -- pgstate migrate --url \"$DATABASE_URL\" --env dev") and for tests.

#include <string>
#include <vector>

#include "core/error.h"
#include "db/scratch.h"

namespace pgstate::db {

struct SandboxOptions {
  ScratchServerOptions server;
  std::vector<std::string> command;  ///< argv; argv[0] is looked up in $PATH
};

/// Runs the command and returns its exit status (128 + signal when a signal killed it).
/// Errors: no PostgreSQL, cannot start or connect (kExitEnvironment), the command cannot be run.
core::Result<int> RunSandbox(const SandboxOptions& options);

}  // namespace pgstate::db
