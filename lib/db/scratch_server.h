#pragma once
// A PostgreSQL server that hands out throwaway databases: what verify and plan build their
// catalogs in.
//
// Two implementations: EphemeralCluster (a private server this process starts and deletes,
// ephemeral_cluster.h) and DevServer, a server someone else runs, reached through --dev-url or
// PGSTATE_DEV_URL (CI service containers). Both create uniquely named databases and drop them;
// neither ever shows a password in a message. OpenScratchServer (scratch.h) picks one.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "db/connection.h"

namespace pgstate::db {

/// One scratch database: its name and a libpq connection string for it.
struct ScratchDatabase {
  std::string name;      ///< "pgstate_desired_1f3a…"
  std::string conninfo;  ///< may hold a password: show only RedactConnectionString(conninfo)
};

class ScratchServer {
 public:
  virtual ~ScratchServer() = default;

  /// Creates an empty database whose name starts with "pgstate_" + `purpose` (letters, digits
  /// and '_' are kept; the rest of the name makes it unique among concurrent runs). With
  /// `from_database`, the new database is a copy of that one (CREATE DATABASE … TEMPLATE; nobody
  /// may be connected to it). Failure: kExitEnvironment, naming the server (redacted).
  virtual core::Result<ScratchDatabase> CreateDatabase(std::string_view purpose,
                                                       std::string_view from_database = {}) = 0;
  /// Drops a database this server created, disconnecting whoever still uses it.
  virtual core::Status DropDatabase(const ScratchDatabase& database) = 0;
  /// "ephemeral PostgreSQL 15.18 in '/tmp/…'" or "PostgreSQL at 'postgresql://u:***@h/db'".
  virtual std::string Describe() const = 0;
  /// The server's version number (150018).
  virtual int server_version() const = 0;
  /// True when every database goes away with this object (an ephemeral cluster, whose directory
  /// is removed): dropping scratch databases at the end is then wasted work, and on PostgreSQL
  /// 15 the first DROP DATABASE after a load checkpoints every dirty buffer.
  virtual bool ephemeral() const { return false; }
};

/// A server reached through a URL. Scratch databases it created and that are still there are
/// dropped by the destructor. Each carries a comment with its creation time
/// (kScratchComment + timestamp), so the databases of a run that was killed before it could drop
/// them are dropped by a later Connect: those older than kStaleAfter with no session in them.
class DevServer final : public ScratchServer {
 public:
  /// Connects to `url` (the database in it is used to create and drop the others). Failure:
  /// kExitEnvironment with the redacted URL.
  static core::Result<std::unique_ptr<DevServer>> Connect(const std::string& url);
  ~DevServer() override;

  core::Result<ScratchDatabase> CreateDatabase(std::string_view purpose,
                                               std::string_view from_database = {}) override;
  core::Status DropDatabase(const ScratchDatabase& database) override;
  std::string Describe() const override;
  int server_version() const override;

  /// Drops the scratch databases left behind by runs that were killed (see above); best
  /// effort, returns how many were dropped. Connect calls it.
  int DropStaleDatabases();

 private:
  DevServer(std::string url, Connection admin);
  std::string url_;
  Connection admin_;
  std::vector<std::string> created_;
};

/// The start of the comment every scratch database of a dev server carries.
inline constexpr const char kScratchComment[] = "pgstate scratch database, created ";
/// A scratch database nobody uses is stale after this long (PostgreSQL interval syntax): a run
/// keeps a session open in each of its databases while it uses them.
inline constexpr const char kStaleAfter[] = "15 minutes";

/// A database name that no concurrent run will pick: "pgstate_<purpose>_<pid>_<n>_<random>",
/// at most 63 bytes (PostgreSQL's limit).
std::string UniqueDatabaseName(std::string_view purpose);

}  // namespace pgstate::db
