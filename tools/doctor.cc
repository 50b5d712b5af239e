// pgstate-doctor: is this machine and this repository ready for pgstate, and what to fix if not.

#include <cstdlib>

#include "cli.h"
#include "git/libgit2.h"
#include "report/diagnostics_report.h"
#include "setup/doctor.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Check the pgstate installation and this repository's set-up, with a fix for each "
      "problem",
      "pgstate-doctor"};
  tools::AddVersion(app);
  setup::DoctorOptions opts;
  std::string format = "human";
  app.add_option("path", opts.path, "a directory inside the repository (default: the current one)");
  app.add_option("--format", format, "human (default) or json")
      ->check(CLI::IsMember({"human", "json"}));
  app.footer(
      "checks, in order: pgstate binaries (all present, one version), postgresql (server\n"
      "binaries of the configured major), server user (as root), template cache, repository,\n"
      ".pgstate, hooks, merge driver. Outside a git work tree only the first four run.\n"
      "exit status: 0 no problem, 1 a problem, 2 the path is not a directory, 129 usage.\n\n"
      "examples:\n  pgstate doctor                 check the installation and this repository\n"
      "  pgstate doctor ../other-repo   check another repository\n"
      "  pgstate doctor --format json   one object per check, for scripts");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-doctor", [&] {
    git::LibGit2Guard guard;
    opts.bin_dir = pgstate::tools::SelfDir();
    const char* path = std::getenv("PATH");
    opts.path_env = path ? path : "";
    auto checks = setup::RunDoctor(opts);
    if (!checks.ok()) return tools::ReportError("pgstate-doctor", checks.error());
    std::cout << (format == "json" ? setup::RenderDoctorJson(*checks)
                                   : setup::RenderDoctorHuman(*checks, report::ShouldColor(1)));
    return static_cast<int>(setup::CountProblems(*checks) ? core::kExitFindings : core::kExitOk);
  });
}
