// pgstate-verify: prove that baseline + pending migrations produce the desired state.

#include <unistd.h>

#include <iostream>
#include <iterator>

#include "cli.h"
#include "git/libgit2.h"
#include "git/repository.h"
#include "report/diagnostics_report.h"
#include "verify/pre_push.h"
#include "verify/verify.h"

namespace {

using namespace pgstate;

struct Options {
  verify::VerifyOptions verify;
  std::string format = "human";
  bool pre_push = false;
  std::vector<std::string> hook_args;
};

// Verifies one revision (or the work tree) and prints the result; returns the exit code.
int VerifyOne(const verify::VerifyOptions& o, report::Format format) {
  auto result = verify::RunVerify(o);
  if (!result.ok()) return tools::ReportError("pgstate-verify", result.error());
  report::RenderOptions render;
  render.color = report::ShouldColor(STDOUT_FILENO);
  render.tool = "pgstate verify";
  for (const std::string& path : result->rewritten) {
    std::cerr << "rewrote " << path << ": columns in the order baseline + migrations give\n";
  }
  std::cout << report::RenderDiagnostics(result->diagnostics, format, render);
  if (format == report::Format::kHuman && result->ok()) {
    std::cout << "verified " << result->description << ": the desired state ("
              << result->desired_statements << " statement"
              << (result->desired_statements == 1 ? "" : "s") << ") and baseline + "
              << result->migrations << " pending migration" << (result->migrations == 1 ? "" : "s")
              << " give the same catalog\n";
  }
  return result->ok() ? core::kExitOk : core::kExitFindings;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Prove that baseline + pending migrations produce exactly the desired state, on a "
      "scratch PostgreSQL",
      "pgstate-verify"};
  tools::AddVersion(app);
  Options opts;
  app.add_option("-C", opts.verify.repo_path, "run as if started in this directory");
  app.add_option("--rev", opts.verify.rev, "verify this commit instead of the work tree");
  app.add_option("--merge-with", opts.verify.merge_with,
                 "verify the merge of --rev (default HEAD) into this revision, built in memory");
  app.add_option("--dev-url", opts.verify.server.dev_url,
                 "use scratch databases on this server instead of an ephemeral PostgreSQL "
                 "(default: $PGSTATE_DEV_URL)");
  app.add_flag("--fix-column-order", opts.verify.fix_column_order,
               "where a table's columns are in another order than baseline + migrations give, "
               "rewrite its CREATE TABLE in that order (the work tree), then verify again");
  app.add_option("--format", opts.format, "human, json, github or sarif")
      ->check(CLI::IsMember({"human", "json", "github", "sarif"}));
  app.add_flag("--pre-push", opts.pre_push,
               "read git's pre-push input on stdin and verify each pushed commit that changes "
               "schema or migration files");
  app.add_option("hook-args", opts.hook_args, "with --pre-push: the remote's name and URL");
  app.footer(
      "examples:\n  pgstate verify                      the work tree\n"
      "  pgstate verify --rev HEAD           the last commit, as pushed\n"
      "  pgstate verify --merge-with main    the merge of HEAD into main (CI)\n"
      "  pgstate verify --fix-column-order   keep the database's column order in the files\n"
      "  pgstate verify --dev-url postgresql://postgres@localhost/postgres\n\n"
      "exit status: 0 same catalog, 1 differences or load errors, 2 bad input,\n"
      "3 no PostgreSQL or cannot connect, 129 usage");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-verify", [&]() -> int {
    git::LibGit2Guard guard;
    auto format = *report::ParseFormat(opts.format);
    if (::isatty(STDERR_FILENO) == 1) {
      opts.verify.progress = [](const std::string& line) {
        std::cerr << "pgstate: " << line << "…\n";
      };
    }
    if (!opts.pre_push) return VerifyOne(opts.verify, format);

    std::string input(std::istreambuf_iterator<char>(std::cin), {});
    auto repo = git::OpenRepository(opts.verify.repo_path);
    if (!repo.ok()) return tools::ReportError("pgstate-verify", repo.error());
    std::string remote = opts.hook_args.empty() ? "origin" : opts.hook_args[0];
    auto targets = verify::PushTargets(repo->get(), input, remote);
    if (!targets.ok()) return tools::ReportError("pgstate-verify", targets.error());
    if (targets->empty()) {
      std::cerr << "pgstate: nothing to verify (no schema or migration changes pushed)\n";
      return static_cast<int>(core::kExitOk);
    }
    int worst = core::kExitOk;
    for (const auto& t : *targets) {
      verify::VerifyOptions o = opts.verify;
      o.rev = t.commit;
      std::cerr << "pgstate: verifying " << t.remote_ref << " (" << t.commit.substr(0, 12) << ")\n";
      int rc = VerifyOne(o, format);
      if (rc != core::kExitOk && (worst == core::kExitOk || rc > worst)) worst = rc;
    }
    return worst;
  });
}
