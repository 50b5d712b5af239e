// pgstate-changes: which schema objects changed between two commits, the index or the work tree.

#include <unistd.h>

#include <iostream>

#include "cli.h"
#include "git/libgit2.h"
#include "report/changes_report.h"
#include "report/diagnostics_report.h"
#include "schema/changes.h"

namespace {

struct Options {
  std::vector<std::string> revs;
  bool staged = false;
  bool worktree = false;
  std::string format = "human";
  bool exit_code = false;
  bool all = false;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "List schema objects changed between commits, the index or the work tree\n"
      "Forms as in git diff: (none) index vs work tree, A (A vs work tree), A B, A..B, "
      "A...B (from their merge base), --staged [A], --worktree [A]"};
  app.name("pgstate-changes");
  tools::AddVersion(app);
  Options opts;
  app.add_option("revisions", opts.revs, "revisions or a range: A, A B, A..B, A...B");
  app.add_flag("--staged,--cached", opts.staged, "compare HEAD (or A) with the index");
  app.add_flag("--worktree", opts.worktree,
               "compare HEAD (or A) with the work tree, new files included");
  app.add_option("--format", opts.format, "human, json, markdown, github or summary")
      ->check(CLI::IsMember({"human", "json", "markdown", "github", "summary"}));
  app.add_flag("--exit-code", opts.exit_code, "exit 1 when there are changes");
  app.add_flag("--all", opts.all, "also list whitespace- and comment-only edits");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-changes", [&]() -> int {
    git::LibGit2Guard guard;
    auto changes = schema::CollectChanges(".", opts.revs, opts.staged, opts.worktree, opts.all);
    if (!changes.ok()) return tools::ReportError("pgstate-changes", changes.error());
    report::ChangesRenderOptions render;
    render.color = report::ShouldColor(STDOUT_FILENO);
    std::cout << report::RenderChanges(*changes, *report::ParseChangesFormat(opts.format), render);
    return opts.exit_code && !changes->empty() ? core::kExitFindings : core::kExitOk;
  });
}
