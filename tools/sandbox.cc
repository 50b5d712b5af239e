// pgstate-sandbox: run a command against a throwaway PostgreSQL database.

#include "db/sandbox.h"
#include "cli.h"

int main(int argc, char** argv) {
  using namespace pgstate;
  CLI::App app{
      "Run a command with DATABASE_URL pointing at a throwaway database of an ephemeral "
      "PostgreSQL, removed when the command ends",
      "pgstate-sandbox"};
  tools::AddVersion(app);
  db::SandboxOptions opts;
  app.add_option("--dev-url", opts.server.dev_url,
                 "create the database on this server instead (default: $PGSTATE_DEV_URL)");
  app.add_option("command", opts.command, "the command and its arguments (after --)")->required();
  app.footer(
      "examples:\n  pgstate sandbox -- pgstate migrate --url '$DATABASE_URL' --env dev\n"
      "  pgstate sandbox -- sh -c 'psql \"$DATABASE_URL\" -f seed.sql && make test'\n\n"
      "exit status: the command's; 3 when no PostgreSQL could be started");
  app.prefix_command(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return tools::ExitForParseError(app, e);
  }
  return tools::RunGuarded("pgstate-sandbox", [&]() -> int {
    auto status = db::RunSandbox(opts);
    if (!status.ok()) return tools::ReportError("pgstate-sandbox", status.error());
    return *status;
  });
}
