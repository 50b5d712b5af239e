// pgstate-init: set pgstate up in a git repository (or take it out again).

#include <filesystem>

#include "cli.h"
#include "db/connection.h"
#include "git/libgit2.h"
#include "setup/init.h"

namespace {

// Installed layout (<prefix>/bin, <prefix>/share/pgstate/hooks) or a build tree.
std::string HooksSourceDir(const std::string& bin_dir) {
  std::string installed = bin_dir + "/../share/pgstate/hooks";
  if (std::filesystem::is_directory(installed)) {
    return std::filesystem::weakly_canonical(installed).string();
  }
  return std::string(pgstate::core::kSourceDir) + "/hooks";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Set up pgstate in a git repository: .pgstate, .gitattributes, merge driver, hooks, db/",
      "pgstate-init"};
  tools::AddVersion(app);
  setup::InitOptions opts;
  app.add_option("path", opts.path, "a directory inside the repository (default: the current one)");
  app.add_flag("-n,--dry-run", opts.dry_run, "print what would change and change nothing");
  app.add_flag("--uninstall", opts.uninstall, "remove exactly what 'pgstate init' added");
  auto* from_url = app.add_option(
      "--from-url", opts.from_url,
      "start from an existing database: write the baseline and the desired-state files from "
      "its schema (libpq URL or connection string)");
  app.add_flag("--split", opts.split,
               "with --from-url: one file per table, view, type or routine instead of per schema")
      ->needs(from_url);
  from_url->excludes("--uninstall");
  app.footer(
      "examples:\n  pgstate init              set up the repository you are in\n"
      "  pgstate init --dry-run    show what it would do\n"
      "  pgstate init --from-url postgres://localhost/shop --split\n"
      "                            start from the schema of an existing database\n"
      "  pgstate init --uninstall  take it out again");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-init", [&] {
    git::LibGit2Guard guard;
    opts.bin_dir = pgstate::tools::SelfDir();
    opts.hooks_source_dir = HooksSourceDir(opts.bin_dir);
    if (!opts.from_url.empty() && !opts.uninstall) {
      std::cerr << "pgstate-init: dumping the schema of '"
                << db::RedactConnectionString(opts.from_url) << "'\n";
    }
    auto report = setup::RunInit(opts);
    if (!report.ok()) return tools::ReportError("pgstate-init", report.error());
    const char* prefix = opts.dry_run ? "would " : "";
    for (const auto& a : report->actions) std::cout << prefix << a << "\n";
    if (report->actions.empty()) {
      std::cout << (opts.uninstall ? "pgstate is not set up here; nothing to remove\n"
                                   : "pgstate is already set up in " + report->repo_root + "\n");
    } else if (!opts.dry_run) {
      std::cout << (opts.uninstall ? "pgstate removed from " : "pgstate set up in ")
                << report->repo_root << "\n";
    }
    return static_cast<int>(core::kExitOk);
  });
}
