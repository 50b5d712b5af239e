// pgstate-check: parse and lint schema files and migrations (pre-commit hook, CI).

#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "git/libgit2.h"
#include "lint/check.h"
#include "lint/rules.h"
#include "report/diagnostics_report.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Parse and lint schema files, the baseline and migrations: syntax errors at "
      "file:line:col, desired-state rules, migration hazards",
      "pgstate-check"};
  lint::CheckOptions options;
  std::string format_name = "human";
  app.add_option("paths", options.paths,
                 "report only on these files or directories (default: every schema file, the "
                 "baseline and the migrations)");
  app.add_flag("--staged", options.staged, "check what is staged in the git index");
  app.add_option("--format", format_name, "human, json, github or sarif")
      ->check(CLI::IsMember({"human", "json", "github", "sarif"}));
  app.footer(lint::RulesHelp());
  tools::AddVersion(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-check", [&]() -> int {
    git::LibGit2Guard libgit2;
    auto result = lint::RunCheck(options);
    if (!result.ok()) return tools::ReportError("pgstate-check", result.error());
    report::RenderOptions render;
    report::Format format = *report::ParseFormat(format_name);
    render.color = format == report::Format::kHuman && report::ShouldColor(STDOUT_FILENO);
    render.tool = "pgstate check";
    render.modules = result->modules;
    std::cout << report::RenderDiagnostics(result->diagnostics, format, render);
    return core::HasErrors(result->diagnostics) ? core::kExitFindings : core::kExitOk;
  });
}
