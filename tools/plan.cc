// pgstate-plan: write the migration that turns the current state into the desired state.

#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "git/libgit2.h"
#include "plan/plan_command.h"
#include "report/diagnostics_report.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Write the migration that turns baseline + pending migrations (or a live "
      "database) into the desired state",
      "pgstate-plan"};
  tools::AddVersion(app);
  plan::PlanCommandOptions opts;
  app.add_option("-m,--message", opts.slug,
                 "write db/migrations/<UTC yyyymmddHHMMSS>_<name>.sql instead of printing");
  app.add_option("--from-url", opts.from_url, "plan against this live database instead");
  app.add_flag("--allow-hazards", opts.allow_all_hazards, "write a plan whatever its hazards");
  app.add_option("--allow-hazard", opts.allowed_hazards, "allow one hazard id (repeatable)");
  app.add_flag("--strict", opts.strict, "refuse when an object kind is not covered");
  app.add_flag("--reorder-columns", opts.reorder_columns,
               "rebuild tables whose columns cannot otherwise get their desired order (copies "
               "their rows: a table rewrite)");
  app.add_option("--lock-timeout", opts.render.lock_timeout, "SET lock_timeout before locks");
  app.add_option("--statement-timeout", opts.render.statement_timeout,
                 "SET statement_timeout before statements on existing tables");
  app.add_option("--dev-url", opts.server.dev_url, "use this server for scratch databases");
  app.footer(
      "hazards: table-rewrite, access-exclusive-lock, blocks-writes, data-loss, long-validation\n"
      "examples:\n  pgstate plan                       print the plan\n"
      "  pgstate plan -m add_users_email    write it as a migration\n"
      "  pgstate plan -m reorder --reorder-columns   rebuild tables into the desired column order\n"
      "  pgstate plan --from-url postgresql://db/app --allow-hazard data-loss");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-plan", [&] {
    git::LibGit2Guard guard;
    if (::isatty(2)) opts.progress = [](const std::string& line) { std::cerr << line << "…\n"; };
    auto result = plan::RunPlanCommand(opts);
    if (!result.ok()) return tools::ReportError("pgstate-plan", result.error());
    report::RenderOptions render;
    render.color = report::ShouldColor(2);
    render.tool = "pgstate plan";
    render.summary = false;
    std::cerr << report::RenderDiagnostics(result->diagnostics, report::Format::kHuman, render);
    if (result->exit_code != 0 && (!opts.slug.empty() || result->migrations.empty())) {
      return result->exit_code;
    }
    if (result->migrations.empty()) {
      std::cerr << "nothing to do: the current state is the desired state\n";
    } else if (!result->written.empty()) {
      for (const std::string& path : result->written) std::cout << "wrote " << path << "\n";
    } else {
      for (size_t i = 0; i < result->migrations.size(); ++i) {
        if (i > 0) std::cout << "\n-- second migration\n";
        std::cout << result->migrations[i].sql;
      }
    }
    return result->exit_code;
  });
}
