// pgstate: runs `pgstate-<cmd>` (next to this binary, else on PATH) with the remaining arguments.

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "core/build_info.h"
#include "core/exit_code.h"
#include "setup/commands.h"

namespace {

void PrintHelp() {
  std::cout << "usage: pgstate <command> [<args>]\n"
               "       pgstate --help | --version\n\n"
               "PostgreSQL schema as desired state in git.\n\ncommands:\n";
  for (const pgstate::setup::Command& c : pgstate::setup::kCommands) {
    std::printf("  %-11s %s\n", c.name, c.summary);
  }
  std::cout << "\n'pgstate <command> --help' describes one command.\n";
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

  std::string beside = pgstate::tools::SelfDir() + "/" + binary;
  if (::access(beside.c_str(), X_OK) == 0) ::execv(beside.c_str(), args.data());
  ::execvp(binary.c_str(), args.data());
  std::cerr << "pgstate: '" << argv[1] << "' is not a pgstate command (no '" << binary
            << "' next to pgstate or on PATH)\nusage: see 'pgstate --help'\n";
  return pgstate::core::kExitUsage;
}
