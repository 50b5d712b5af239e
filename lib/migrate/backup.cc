#include "migrate/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "core/subprocess.h"
#include "db/binaries.h"

namespace pgstate::migrate {

using core::Error;
using core::kExitEnvironment;

namespace {

// The last `n` lines of `text`, joined by "; ".
std::string LastLines(const std::string& text, int n) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::string out;
  for (size_t i = lines.size() > static_cast<size_t>(n) ? lines.size() - n : 0; i < lines.size();
       ++i) {
    if (!out.empty()) out += "; ";
    out += lines[i];
  }
  return out;
}

core::Result<std::string> PgDumpPath() {
  auto binaries = db::FindPostgresBinaries();
  if (!binaries.ok()) return binaries.take_error();
  return binaries->Tool("pg_dump");
}

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

// The database name a connection string names, for the backup's file name.
std::string DatabaseName(const std::string& conninfo) {
  auto connection = db::Connection::Open(conninfo);
  if (!connection.ok()) return "database";
  auto rows = connection->Query("SELECT current_database()");
  if (!rows.ok() || rows->rows.empty() || !rows->rows[0][0]) return "database";
  std::string name;
  for (char c : *rows->rows[0][0]) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    name += keep ? c : '_';
  }
  return name;
}

}  // namespace

std::string DefaultBackupDir() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state == '/') return std::string(state) + "/pgstate/backups";
  const char* home = std::getenv("HOME");
  std::string base = home && *home ? home : "/tmp";
  return base + "/.local/state/pgstate/backups";
}

core::Result<std::string> RunPgDump(const std::string& conninfo,
                                    const std::vector<std::string>& extra_args) {
  auto pg_dump = PgDumpPath();
  if (!pg_dump.ok()) return pg_dump.take_error();
  // The password goes through the environment: a command line is visible to every user (ps).
  auto separated = db::SeparatePassword(conninfo);
  if (!separated.ok()) return separated.take_error();
  core::SubprocessOptions options;
  options.argv = {*pg_dump, "--no-password"};
  options.argv.insert(options.argv.end(), extra_args.begin(), extra_args.end());
  options.argv.push_back("--dbname=" + separated->conninfo);
  options.env =
      core::FilteredEnvironment([](const std::string& name) { return name == "PGPASSWORD"; });
  if (separated->password) options.env->push_back("PGPASSWORD=" + *separated->password);
  auto result = core::RunSubprocess(options);
  if (!result.ok()) return result.take_error();
  if (!result->ok()) {
    return Error(kExitEnvironment, "pg_dump of '" + db::RedactConnectionString(conninfo) +
                                       "' failed (" + result->Describe() +
                                       "): " + LastLines(result->err, 3));
  }
  return std::move(result->out);
}

core::Result<std::string> BackupDatabase(const std::string& conninfo, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Error(kExitEnvironment, "cannot create backup directory '" + dir + "': " + ec.message());
  }
  std::string base = dir + "/" + DatabaseName(conninfo) + "-" + UtcStamp();
  std::string path = base + ".sql";
  int fd = -1;
  for (int n = 2; (fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0; ++n) {
    if (errno != EEXIST || n > 100) {
      return Error(kExitEnvironment,
                   "cannot create backup file '" + path + "': " + std::strerror(errno));
    }
    path = base + "-" + std::to_string(n) + ".sql";
  }
  ::close(fd);
  auto dump = RunPgDump(conninfo, {"--format=plain", "--file=" + path});
  if (!dump.ok()) {
    ::unlink(path.c_str());
    return dump.take_error();
  }
  return path;
}

core::Status WipeDatabase(db::Connection& connection) {
  std::string public_acl = connection.server_version() >= 150000
                               ? "ALTER SCHEMA public OWNER TO pg_database_owner;\n"
                                 "GRANT USAGE ON SCHEMA public TO PUBLIC;\n"
                               : "GRANT ALL ON SCHEMA public TO PUBLIC;\n";
  std::string sql =
      "BEGIN;\n"
      "DO $pgstate$\n"
      "DECLARE r record;\n"
      "BEGIN\n"
      "  FOR r IN SELECT evtname FROM pg_event_trigger LOOP\n"
      "    EXECUTE format('DROP EVENT TRIGGER %I', r.evtname);\n"
      "  END LOOP;\n"
      "  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP\n"
      "    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);\n"
      "  END LOOP;\n"
      "  FOR r IN SELECT nspname FROM pg_namespace\n"
      "           WHERE nspname NOT IN ('pg_catalog', 'information_schema')\n"
      "             AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'\n"
      "  LOOP\n"
      "    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);\n"
      "  END LOOP;\n"
      "END\n"
      "$pgstate$;\n"
      "CREATE SCHEMA public;\n" +
      public_acl +
      "COMMENT ON SCHEMA public IS 'standard public schema';\n"
      "COMMIT;\n";
  db::SqlStatus status = db::ExecuteScript(connection, sql);
  if (!status.ok()) {
    (void)connection.Execute("ROLLBACK");
    return core::Error(status.error().code, "cannot empty the database: " + status.error().message);
  }
  return {};
}

}  // namespace pgstate::migrate
