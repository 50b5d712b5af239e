#pragma once
// A private PostgreSQL server for one run: started in a fresh directory, gone when we are.
//
// The first start for a major version initdb's a template cluster into the cache directory
// ($XDG_CACHE_HOME/pgstate, else ~/.cache/pgstate; /var/cache/pgstate for root), atomically and
// under a lock, so concurrent first runs wait for one initdb. Every start copies the template
// into a new 0700 directory under the runs root (DefaultRunsRoot()) and starts
// `postgres` there: no TCP (listen_addresses=''), a Unix socket inside that directory, fsync,
// full_page_writes and synchronous_commit off, no inherited PG* environment variables.
//
// Started as root, the server runs as an unprivileged system user ("pgstate" if it exists, else
// "postgres", else "pgstate" created with useradd --system), because PostgreSQL refuses root.
//
// Cleanup happens on every exit path: the destructor (normal return, error, exception), the
// SIGINT/SIGTERM/SIGHUP handlers and exit() (run_cleanup.h). A run killed with SIGKILL leaves
// its directory and owner file behind; the next Start removes it and stops its server.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/subprocess.h"
#include "db/binaries.h"
#include "db/scratch_server.h"

namespace pgstate::db {

struct ClusterOptions {
  BinarySearch binaries;    ///< which PostgreSQL (binaries.major: .pgstate postgres.version)
  std::string cache_dir;    ///< empty: DefaultCacheDir()
  std::string runs_root;    ///< empty: DefaultRunsRoot()
  std::string server_user;  ///< as root: the user to run the server as; empty picks one
  int start_timeout_ms = 60000;
};

/// How long the steps of Start took, in milliseconds.
struct StartTimings {
  double binaries_ms = 0;  ///< finding the binaries
  double template_ms = 0;  ///< initdb of the template; 0 when it was cached (a warm start)
  double copy_ms = 0;      ///< copying the template into the run directory
  double start_ms = 0;     ///< from spawning postgres until it accepts connections
  bool cold = false;       ///< the template had to be created
};

class EphemeralCluster final : public ScratchServer {
 public:
  /// Finds the binaries, makes sure the template exists, copies it and starts the server.
  /// Errors are kExitEnvironment and say which step failed (with the server log's last lines
  /// when postgres itself failed). On failure nothing is left behind.
  static core::Result<std::unique_ptr<EphemeralCluster>> Start(const ClusterOptions& options = {});

  EphemeralCluster(const EphemeralCluster&) = delete;
  EphemeralCluster& operator=(const EphemeralCluster&) = delete;
  /// Stops the server and removes the run directory.
  ~EphemeralCluster() override;

  /// Stops the server (immediate shutdown) and removes the run directory. Idempotent.
  void Stop();

  /// libpq connection string for `dbname` on this server ("host=<socket dir> port=5432
  /// user=postgres dbname=…"), independent of any PG* variable in our environment.
  std::string ConnectionString(const std::string& dbname = "postgres") const;

  core::Result<ScratchDatabase> CreateDatabase(std::string_view purpose,
                                               std::string_view from_database = {}) override;
  core::Status DropDatabase(const ScratchDatabase& database) override;
  std::string Describe() const override;
  int server_version() const override { return server_version_; }
  bool ephemeral() const override { return true; }

  const std::string& run_dir() const { return run_dir_; }
  const std::string& socket_dir() const { return socket_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  pid_t server_pid() const { return server_.pid(); }
  const PostgresBinaries& binaries() const { return binaries_; }
  const StartTimings& timings() const { return timings_; }

 private:
  EphemeralCluster() = default;
  PostgresBinaries binaries_;
  std::string run_dir_;
  std::string data_dir_;
  std::string socket_dir_;
  int cleanup_handle_ = -1;
  core::Subprocess server_;
  std::optional<Connection> admin_;
  int server_version_ = 0;
  StartTimings timings_;
};

/// $XDG_CACHE_HOME/pgstate, else $HOME/.cache/pgstate; for root without XDG_CACHE_HOME,
/// /var/cache/pgstate.
std::string DefaultCacheDir();
/// Where Start keeps the template cluster of `major` under `cache_dir`
/// ("<cache_dir>/template-15-v2"); it holds PG_VERSION once the template is complete.
std::string TemplatePath(const std::string& cache_dir, int major);
/// Started as root, the existing unprivileged user the server would run as: "pgstate", else
/// "postgres". nullopt when neither exists (Start then creates "pgstate" with useradd --system).
std::optional<std::string> ExistingServerUser();
/// <base>/pgstate-runs-<uid>, where <base> is $TMPDIR when set, else /dev/shm when it is a tmpfs
/// with at least 1 GiB free, else /tmp (and /tmp when the path would be too long for a Unix
/// socket).
std::string DefaultRunsRoot();

}  // namespace pgstate::db
