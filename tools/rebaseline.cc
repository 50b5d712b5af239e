// pgstate-rebaseline: after a deploy, fold what production has applied into db/baseline.sql.

#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "git/libgit2.h"
#include "migrate/rebaseline.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Dump production's schema into the baseline, delete the migrations it has "
      "applied, and commit",
      "pgstate-rebaseline"};
  tools::AddVersion(app);
  migrate::RebaselineOptions opts;
  bool no_commit = false;
  app.add_option("--url", opts.url, "libpq connection string or URL of production")->required();
  app.add_flag("--no-commit", no_commit, "stage the changes instead of committing them");
  app.add_option("--recreate-staging", opts.recreate_staging,
                 "back up staging, then rebuild it from the new baseline");
  app.footer("example:\n  pgstate rebaseline --url postgresql://deploy@db/app");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  opts.commit = !no_commit;
  return tools::RunGuarded("pgstate-rebaseline", [&] {
    git::LibGit2Guard guard;
    auto progress = [](const std::string& line) {
      if (::isatty(2)) std::cerr << line << "…\n";
    };
    auto result = migrate::RunRebaseline(opts, progress);
    if (!result.ok()) return tools::ReportError("pgstate-rebaseline", result.error());
    for (const std::string& path : result->folded) std::cout << "folded " << path << "\n";
    if (!result->baseline_changed && result->folded.empty()) {
      std::cout << "the baseline is already production's schema at " << result->version << "\n";
    } else if (!result->commit.empty()) {
      std::cout << "committed " << result->commit.substr(0, 12) << ": baseline at "
                << result->version << "\n";
    } else {
      std::cout << "staged the baseline at " << result->version << " (not committed)\n";
    }
    if (result->staging_backup) {
      std::cout << "staging backup written to " << *result->staging_backup << "\n"
                << "staging recreated from the baseline\n";
    }
    return static_cast<int>(core::kExitOk);
  });
}
