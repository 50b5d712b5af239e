// pgstate-owners: the owners of the modules some paths belong to, for review tooling.

#include <unistd.h>

#include <climits>
#include <iostream>

#include "cli.h"
#include "git/libgit2.h"
#include "report/owners.h"
#include "setup/work_tree.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{"Print the owners of the modules the given paths belong to, one per line",
               "pgstate-owners"};
  tools::AddVersion(app);
  std::vector<std::string> paths;
  std::string format = "human";
  app.add_option("paths", paths,
                 "files or folders, relative to the current directory or the repository's "
                 "root; they need not exist (a deleted file has owners too)")
      ->required();
  app.add_option("--format", format, "human (default) or json")
      ->check(CLI::IsMember({"human", "json"}));
  app.footer(
      "A file belongs to the module with the longest [module] path holding it; a folder to the\n"
      "modules of its desired-state files and the modules inside it. Owners are printed once,\n"
      "in the order of the modules in .pgstate; the root module and modules without an owner\n"
      "print nothing (json: owner null).\n"
      "exit status: 0 done (even with no owner), 2 not in a repository or invalid .pgstate,\n"
      "129 usage.\n\n"
      "examples:\n"
      "  pgstate owners db/schema/billing/invoices.sql\n"
      "  git diff --name-only main... | xargs pgstate owners\n"
      "  pgstate owners --format json db/schema");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-owners", [&]() -> int {
    git::LibGit2Guard guard;
    char cwd[PATH_MAX];
    auto owners = setup::FindOwners(::getcwd(cwd, sizeof cwd) ? cwd : ".", paths);
    if (!owners.ok()) return tools::ReportError("pgstate-owners", owners.error());
    std::cout << (format == "json" ? report::RenderOwnersJson(owners->modules, owners->paths)
                                   : report::RenderOwnersHuman(owners->modules, owners->paths));
    return core::kExitOk;
  });
}
