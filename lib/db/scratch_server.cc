#include "db/scratch_server.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <random>

#include "db/scratch.h"

namespace pgstate::db {

std::string UniqueDatabaseName(std::string_view purpose) {
  static std::atomic<unsigned> counter{0};
  std::string clean;
  for (char c : purpose) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_') clean += static_cast<char>(std::tolower(u));
    if (clean.size() >= 24) break;
  }
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string random;
  for (int i = 0; i < 8; ++i) random += kHex[rd() % 16];
  std::string name = "pgstate_" + (clean.empty() ? std::string("scratch") : clean) + "_" +
                     std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + random;
  if (name.size() > 63) name.resize(63);
  return name;
}

DevServer::DevServer(std::string url, Connection admin)
    : url_(std::move(url)), admin_(std::move(admin)) {}

core::Result<std::unique_ptr<DevServer>> DevServer::Connect(const std::string& url) {
  core::Result<Connection> admin = Connection::Open(url);
  if (!admin) return admin.take_error();
  std::unique_ptr<DevServer> server(new DevServer(url, std::move(*admin)));
  server->DropStaleDatabases();
  return server;
}

int DevServer::DropStaleDatabases() {
  std::string prefix = kScratchComment;
  core::Result<QueryResult> stale = admin_.Query(
      "SELECT d.datname FROM pg_database d, "
      "LATERAL (SELECT shobj_description(d.oid, 'pg_database') AS note) c "
      "WHERE d.datname LIKE 'pgstate\\_%' AND starts_with(c.note, " +
      QuoteLiteral(prefix) +
      ") AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = "
      "d.oid) AND substr(c.note, " +
      std::to_string(prefix.size() + 1) + ")::timestamptz < now() - interval " +
      QuoteLiteral(kStaleAfter) + " ORDER BY 1");
  if (!stale.ok()) return 0;
  int dropped = 0;
  for (const auto& row : stale->rows) {
    if (row[0] && DropDatabase(ScratchDatabase{*row[0], {}}).ok()) ++dropped;
  }
  return dropped;
}

DevServer::~DevServer() {
  // Best effort: what the caller did not drop itself.
  std::vector<std::string> left = created_;
  for (const std::string& name : left) {
    (void)DropDatabase(ScratchDatabase{name, {}});
  }
}

core::Result<ScratchDatabase> DevServer::CreateDatabase(std::string_view purpose,
                                                        std::string_view from_database) {
  ScratchDatabase db;
  db.name = UniqueDatabaseName(purpose);
  db.conninfo = WithDatabase(url_, db.name);
  std::string sql = "CREATE DATABASE " + QuoteIdentifier(db.name);
  if (!from_database.empty()) sql += " TEMPLATE " + QuoteIdentifier(from_database);
  SqlStatus created = admin_.Execute(sql);
  if (!created.ok()) {
    return core::Error(core::kExitEnvironment, "cannot create the scratch database '" + db.name +
                                                   "' on " + Describe() + ": " +
                                                   created.error().message);
  }
  created_.push_back(db.name);
  // When it was created, in the server's clock, for a later run to know it is stale.
  (void)admin_.Execute("DO $pgstate$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', " +
                       QuoteLiteral(db.name) + ", " + QuoteLiteral(kScratchComment) +
                       " || now()::text); END $pgstate$");
  return db;
}

core::Status DevServer::DropDatabase(const ScratchDatabase& database) {
  std::string sql = "DROP DATABASE IF EXISTS " + QuoteIdentifier(database.name);
  if (admin_.server_version() >= 130000) sql += " WITH (FORCE)";
  SqlStatus dropped = admin_.Execute(sql);
  created_.erase(std::remove(created_.begin(), created_.end(), database.name), created_.end());
  if (!dropped.ok()) {
    return core::Error(core::kExitEnvironment, "cannot drop the scratch database '" +
                                                   database.name + "' on " + Describe() + ": " +
                                                   dropped.error().message);
  }
  return {};
}

std::string DevServer::Describe() const { return "PostgreSQL at '" + admin_.description() + "'"; }

int DevServer::server_version() const { return admin_.server_version(); }

core::Result<std::unique_ptr<ScratchServer>> OpenScratchServer(
    const ScratchServerOptions& options) {
  std::string url = options.dev_url;
  if (url.empty()) {
    const char* env = std::getenv("PGSTATE_DEV_URL");
    if (env) url = env;
  }
  if (!url.empty()) {
    core::Result<std::unique_ptr<DevServer>> dev = DevServer::Connect(url);
    if (!dev) return dev.take_error();
    return std::unique_ptr<ScratchServer>(std::move(*dev));
  }
  core::Result<std::unique_ptr<EphemeralCluster>> cluster =
      EphemeralCluster::Start(options.cluster);
  if (!cluster) return cluster.take_error();
  return std::unique_ptr<ScratchServer>(std::move(*cluster));
}

}  // namespace pgstate::db
