// pgstate: runs `pgstate-<cmd>` (next to this binary, else on PATH) with the remaining arguments.

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "core/build_info.h"
#include "core/exit_code.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
};

constexpr Command kCommands[] = {
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
};

void PrintHelp() {
  std::cout << "usage: pgstate <command> [<args>]\n"
               "       pgstate --help | --version\n\n"
               "PostgreSQL schema as desired state in git.\n\ncommands:\n";
  for (const Command& c : kCommands) {
    std::printf("  %-11s %s\n", c.name, c.summary);
  }
  std::cout << "\n'pgstate <command> --help' describes one command.\n";
}

std::string SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    if (argc >= 3 && std::strcmp(argv[1], "help") == 0) {
      std::string target = std::string("pgstate-") + argv[2];
      execlp(target.c_str(), target.c_str(), "--help", static_cast<char*>(nullptr));
    }
    PrintHelp();
    return argc < 2 ? pgstate::core::kExitUsage : pgstate::core::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::cout << "pgstate " << pgstate::core::kVersion << "\n";
    return pgstate::core::kExitOk;
  }
  if (argv[1][0] == '-') {
    std::cerr << "pgstate: unknown option '" << argv[1] << "'\nusage: see 'pgstate --help'\n";
    return pgstate::core::kExitUsage;
  }
  std::string binary = std::string("pgstate-") + argv[1];
  std::vector<char*> args;
  args.push_back(binary.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);

  std::string beside = SelfDir() + "/" + binary;
  if (::access(beside.c_str(), X_OK) == 0) ::execv(beside.c_str(), args.data());
  ::execvp(binary.c_str(), args.data());
  std::cerr << "pgstate: '" << argv[1] << "' is not a pgstate command (no '" << binary
            << "' next to pgstate or on PATH)\nusage: see 'pgstate --help'\n";
  return pgstate::core::kExitUsage;
}
