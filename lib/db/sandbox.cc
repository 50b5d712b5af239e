#include "db/sandbox.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace pgstate::db {

core::Result<int> RunSandbox(const SandboxOptions& options) {
  if (options.command.empty()) return core::Error(core::kExitUsage, "no command to run");
  auto server = OpenScratchServer(options.server);
  if (!server.ok()) return server.take_error();
  auto database = (*server)->CreateDatabase("sandbox");
  if (!database.ok()) return database.take_error();

  pid_t pid = ::fork();
  if (pid < 0) {
    return core::Error(core::kExitEnvironment, std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setenv("DATABASE_URL", database->conninfo.c_str(), 1);
    ::setenv("PGSTATE_URL", database->conninfo.c_str(), 1);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::vector<char*> argv;
    for (const auto& a : options.command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::dprintf(STDERR_FILENO, "pgstate-sandbox: cannot run '%s': %s\n", argv[0],
              std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  (void)(*server)->DropDatabase(*database);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace pgstate::db
