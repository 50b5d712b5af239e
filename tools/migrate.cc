// pgstate-migrate: apply pending migrations to a database; `status` shows where it stands.

#include <iostream>

#include "cli.h"
#include "config/config.h"
#include "git/libgit2.h"
#include "migrate/migrator.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{"Apply pending migrations to a database and record them in its migrations table",
               "pgstate-migrate"};
  tools::AddVersion(app);
  migrate::MigrateOptions opts;
  std::string env;
  CLI::App* status = app.add_subcommand("status", "list pending, applied, edited and missing");
  for (CLI::App* cmd : {&app, status}) {
    cmd->add_option("--url", opts.url, "libpq connection string or URL of the database");
    cmd->add_option("--env", env, "prod, staging or dev (dev rolls back edited migrations)")
        ->check(CLI::IsMember({"prod", "staging", "dev"}));
  }
  app.footer(
      "examples:\n  pgstate migrate --url postgresql://deploy@db/app --env prod\n"
      "  pgstate migrate status --url postgresql:///app_dev\n"
      "'status' exits 1 when a migration is pending, edited since applied, or missing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  if (opts.url.empty() || (!status->parsed() && env.empty())) {
    std::cerr << "pgstate-migrate: " << (opts.url.empty() ? "--url" : "--env")
              << " is required\nusage: see 'pgstate-migrate --help'\n";
    return core::kExitUsage;
  }
  return tools::RunGuarded("pgstate-migrate", [&] {
    git::LibGit2Guard guard;
    auto project = migrate::ProjectRoot(".");
    if (!project.ok()) return tools::ReportError("pgstate-migrate", project.error());
    std::string root = *project;
    auto config = config::LoadConfig(root);
    if (!config.ok()) return tools::ReportError("pgstate-migrate", config.error());
    auto source = migrate::LoadMigrationSource(root, *config);
    if (!source.ok()) return tools::ReportError("pgstate-migrate", source.error());
    if (status->parsed()) {
      auto report = migrate::ReadStatus(opts.url, *source);
      if (!report.ok()) return tools::ReportError("pgstate-migrate", report.error());
      std::cout << migrate::RenderStatus(*report);
      return static_cast<int>(report->UpToDate() ? core::kExitOk : core::kExitFindings);
    }
    opts.env = *migrate::ParseEnv(env);
    opts.lock_timeout = config->lock_timeout;
    auto report = migrate::RunMigrate(opts, *source, [](const migrate::MigrateEvent& event) {
      std::string line = migrate::DescribeEvent(event);
      if (!line.empty()) std::cout << line << std::endl;
    });
    if (!report.ok()) return tools::ReportError("pgstate-migrate", report.error());
    std::cout << migrate::SummarizeRun(*report) << "\n";
    if (report->failure) return tools::ReportError("pgstate-migrate", *report->failure);
    return static_cast<int>(core::kExitOk);
  });
}
