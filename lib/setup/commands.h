#pragma once
// The commands `pgstate <command>` dispatches to: each is the binary pgstate-<command>.
// The dispatcher lists them in its help; `pgstate doctor` checks that every one is installed.

namespace pgstate::setup {

struct Command {
  const char* name;     ///< "init": the binary is pgstate-init
  const char* summary;  ///< one line for `pgstate --help`
};

inline constexpr Command kCommands[] = {
    {"init", "set up a repository: hooks, merge driver, .gitattributes, .pgstate, db/"},
    {"check", "parse and lint schema files and migrations (pre-commit hook, CI)"},
    {"changes", "list schema objects changed between commits, the index or the work tree"},
    {"merge", "git merge driver: merge schema files object by object"},
    {"verify", "prove baseline + migrations equal the desired state on a scratch PostgreSQL"},
    {"plan", "write the migration that turns the current state into the desired state"},
    {"migrate", "apply pending migrations to a database; 'migrate status' lists them"},
    {"rebaseline", "after a deploy: fold production's schema into db/baseline.sql"},
    {"sandbox", "run a command against a throwaway database of an ephemeral PostgreSQL"},
    {"doctor", "check the installation and this repository's set-up"},
    {"owners", "print the owners of the modules some paths belong to (review tooling)"},
    {"graph", "draw modules and their dependencies, or one module's objects (dot, svg, json)"},
};

}  // namespace pgstate::setup
