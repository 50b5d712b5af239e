#include "migrate/migrator.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "git/repository.h"
#include "migrate/backup.h"
#include "migrate/migration_files.h"
#include "migrate/script.h"
#include "sql/line_index.h"

namespace pgstate::migrate {

using core::Error;
using core::kExitBadInput;

namespace {

using Clock = std::chrono::steady_clock;

core::Status Exec(db::Connection& connection, const std::string& sql) {
  db::SqlStatus status = connection.Execute(sql);
  if (!status.ok()) return status.error().ToError();
  return {};
}

void Emit(const MigrateProgress& progress, MigrateEvent::Kind kind, std::string subject,
          std::string detail = {}, double seconds = 0) {
  if (!progress) return;
  MigrateEvent event;
  event.kind = kind;
  event.subject = std::move(subject);
  event.detail = std::move(detail);
  event.seconds = seconds;
  progress(event);
}

// True when the database holds no user objects: nothing but the system schemas, an empty
// public schema and plpgsql.
core::Result<bool> DatabaseIsEmpty(db::Connection& connection) {
  auto rows = connection.Query(
      "SELECT (SELECT count(*) FROM pg_namespace n WHERE n.nspname NOT IN "
      "('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_toast%' "
      "AND n.nspname NOT LIKE 'pg\\_temp\\_%')"
      " + (SELECT count(*) FROM pg_class c WHERE c.relnamespace = to_regnamespace('public'))"
      " + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = to_regnamespace('public'))"
      " + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = to_regnamespace('public'))"
      " + (SELECT count(*) FROM pg_extension e WHERE e.extname <> 'plpgsql')"
      " + (SELECT count(*) FROM pg_event_trigger)");
  if (!rows.ok()) return rows.take_error();
  return rows->rows.at(0).at(0).value_or("0") == "0";
}

// Rolls back the transaction a failed statement left open; the error stays the caller's.
void Abort(db::Connection& connection) { (void)connection.Execute("ROLLBACK"); }

core::Status SetLockTimeout(db::Connection& connection, const std::string& lock_timeout,
                            bool local) {
  db::SqlStatus status = connection.Execute(std::string(local ? "SET LOCAL" : "SET") +
                                            " lock_timeout = " + db::QuoteLiteral(lock_timeout));
  if (!status.ok()) {
    return Error(kExitBadInput, "invalid lock timeout '" + lock_timeout +
                                    "' (migrate.lockTimeout): " + status.error().message);
  }
  return {};
}

// Runs bytes [begin, end) of `text` (a migration's up or down part) and records the change in
// the table (`record` SQL) in the same transaction, or after the last statement when
// `no_transaction`.
core::Status RunPart(db::Connection& connection, const std::string& path, std::string_view text,
                     size_t begin, size_t end, bool no_transaction, const std::string& record,
                     const std::string& lock_timeout) {
  auto statements = SplitScript(text, begin, end, path);
  if (!statements.ok()) return statements.take_error();
  if (!no_transaction) {
    if (const ScriptStatement* control = FindTransactionControl(text, *statements)) {
      sql::LineIndex lines(text);
      return Error(kExitBadInput,
                   "migration controls transactions itself; pgstate runs each migration in its "
                   "own transaction (start the file with '" +
                       std::string(kNoTransactionHeader) + "' to run it without one)",
                   lines.Locate(control->begin, path));
    }
  }
  if (auto s = Exec(connection, "RESET ALL"); !s.ok()) return s;
  if (no_transaction) {
    if (auto s = SetLockTimeout(connection, lock_timeout, false); !s.ok()) return s;
    if (auto s = RunStatements(connection, text, *statements, path); !s.ok()) return s;
    if (auto s = Exec(connection, record); !s.ok()) return s;
    return Exec(connection, "RESET ALL");
  }
  if (auto s = Exec(connection, "BEGIN"); !s.ok()) return s;
  if (auto s = SetLockTimeout(connection, lock_timeout, true); !s.ok()) {
    Abort(connection);
    return s;
  }
  if (auto s = RunStatements(connection, text, *statements, path); !s.ok()) {
    Abort(connection);
    return s;
  }
  if (auto s = Exec(connection, record); !s.ok()) {
    Abort(connection);
    return s;
  }
  if (auto s = Exec(connection, "COMMIT"); !s.ok()) {
    Error error = s.take_error();
    error.location = core::SourceLocation{path, 0, 0};
    return error;
  }
  return Exec(connection, "RESET ALL");
}

// Loads the baseline into an empty database, creates the table and records the baseline's
// version, all in one transaction.
core::Status LoadBaseline(db::Connection& connection, const MigrationSource& source, Env env) {
  if (auto s = Exec(connection, "BEGIN"); !s.ok()) return s;
  if (source.baseline_text) {
    const std::string& text = *source.baseline_text;
    auto statements = SplitScript(text, 0, text.size(), source.baseline_path);
    if (!statements.ok()) {
      Abort(connection);
      return statements.take_error();
    }
    // One round trip for the whole baseline (thousands of statements); a failure is located
    // by running them one at a time, in a transaction that is then rolled back.
    std::string batch;
    std::vector<std::pair<size_t, size_t>> starts;  // (offset in batch, offset in text)
    for (const ScriptStatement& st : *statements) {
      starts.push_back({batch.size(), st.begin});
      batch.append(text, st.begin, st.end - st.begin).append("\n");
    }
    db::SqlStatus status = connection.Execute(batch);
    if (!status.ok()) {
      Abort(connection);
      const db::SqlError& error = status.error();
      if (error.byte_offset != std::string::npos) {
        size_t at = 0;
        for (const auto& [in_batch, in_text] : starts) {
          if (in_batch <= error.byte_offset) at = in_text + (error.byte_offset - in_batch);
        }
        sql::LineIndex lines(text);
        return Error(error.code, error.message, lines.Locate(at, source.baseline_path));
      }
      if (auto s = Exec(connection, "BEGIN"); !s.ok()) return s;
      core::Status located = RunStatements(connection, text, *statements, source.baseline_path);
      Abort(connection);
      if (!located.ok()) return located;
      return error.ToError();
    }
  }
  std::string sql = CreateMigrationsTableSql(env);
  if (source.baseline_version) {
    sql += RecordVersionSql(*source.baseline_version, EnvHasHash(env), std::nullopt) + ";\n";
  }
  sql += "COMMIT;\nRESET ALL;\n";
  db::SqlStatus status = db::ExecuteScript(connection, sql);
  if (!status.ok()) {
    Abort(connection);
    return status.error().ToError();
  }
  return {};
}

// The newest version recorded, for the "late" note.
std::string NewestRecorded(const TableState& table) {
  return table.rows.empty() ? std::string() : table.rows.back().version;
}

const LocalMigration* FindLocal(const MigrationSource& source, const std::string& version) {
  for (const LocalMigration& m : source.migrations) {
    if (m.file.version == version) return &m;
  }
  return nullptr;
}

}  // namespace

bool StatusReport::UpToDate() const {
  for (const HistoryEntry& entry : entries) {
    if (entry.state == MigrationState::kPending || entry.state == MigrationState::kEdited ||
        entry.state == MigrationState::kMissing) {
      return false;
    }
  }
  return true;
}

core::Result<StatusReport> ReadStatus(const std::string& url, const MigrationSource& source) {
  auto connection = db::Connection::Open(url);
  if (!connection.ok()) return connection.take_error();
  auto table = ReadMigrationsTable(*connection);
  if (!table.ok()) return table.take_error();
  StatusReport report;
  report.entries = CompareHistory(source.migrations, *table, source.baseline_version);
  report.table = std::move(*table);
  return report;
}

core::Result<std::string> RecreateFromBaseline(const std::string& url,
                                               const MigrationSource& source, Env env,
                                               const std::string& backup_dir) {
  auto connection = db::Connection::Open(url);
  if (!connection.ok()) return connection.take_error();
  std::string key = std::to_string(kAdvisoryLockKey);
  if (auto s = Exec(*connection, "SELECT pg_advisory_lock(" + key + ")"); !s.ok()) {
    return s.take_error();
  }
  auto backup = BackupDatabase(url, backup_dir.empty() ? DefaultBackupDir() : backup_dir);
  if (!backup.ok()) return backup.take_error();
  if (auto s = WipeDatabase(*connection); !s.ok()) return s.take_error();
  if (auto s = LoadBaseline(*connection, source, env); !s.ok()) return s.take_error();
  (void)Exec(*connection, "SELECT pg_advisory_unlock(" + key + ")");
  return *backup;
}

core::Result<MigrateReport> RunMigrate(const MigrateOptions& options, const MigrationSource& source,
                                       const MigrateProgress& progress) {
  using Kind = MigrateEvent::Kind;
  auto opened = db::Connection::Open(options.url);
  if (!opened.ok()) return opened.take_error();
  db::Connection& connection = *opened;

  // A session lock: it holds across the transactions below and ends with the session, so a
  // killed run releases it when its server process notices.
  std::string key = std::to_string(kAdvisoryLockKey);
  auto tried = connection.Query("SELECT pg_try_advisory_lock(" + key + ")");
  if (!tried.ok()) return tried.take_error();
  if (tried->rows.at(0).at(0) != std::optional<std::string>("t")) {
    Emit(progress, Kind::kWaitingForLock, "", "another pgstate migrate is running");
    if (auto s = Exec(connection, "SELECT pg_advisory_lock(" + key + ")"); !s.ok()) {
      return s.take_error();
    }
  }

  auto table = ReadMigrationsTable(connection);
  if (!table.ok()) return table.take_error();
  if (auto s = CheckTableMatchesEnv(*table, options.env); !s.ok()) return s.take_error();

  MigrateReport report;
  if (!table->exists) {
    auto empty = DatabaseIsEmpty(connection);
    if (!empty.ok()) return empty.take_error();
    if (*empty && source.baseline_text) {
      if (auto s = LoadBaseline(connection, source, options.env); !s.ok()) return s.take_error();
      Emit(progress, Kind::kLoadedBaseline, source.baseline_path,
           source.baseline_version.value_or(""));
    } else {
      if (auto s = Exec(connection, CreateMigrationsTableSql(options.env)); !s.ok()) {
        return s.take_error();
      }
      Emit(progress, Kind::kCreatedTable, kMigrationsTable, EnvName(options.env));
    }
    table = ReadMigrationsTable(connection);
    if (!table.ok()) return table.take_error();
  }

  std::vector<HistoryEntry> history =
      CompareHistory(source.migrations, *table, source.baseline_version);

  // Edited migrations: development rolls them back, staging warns.
  auto first_edited = std::find_if(history.begin(), history.end(), [](const HistoryEntry& e) {
    return e.state == MigrationState::kEdited;
  });
  for (const HistoryEntry& entry : history) {
    if (entry.state == MigrationState::kMissing) {
      Emit(progress, Kind::kWarning, entry.version,
           "applied but no file in the repository has this version");
    }
    if (entry.state == MigrationState::kEdited && options.env != Env::kDev) {
      Emit(progress, Kind::kWarning, entry.path, "edited after it was applied to this database");
    }
  }
  if (first_edited != history.end() && options.env == Env::kDev) {
    // Every recorded migration from the first edited one on, newest first.
    std::vector<const HistoryEntry*> undo;
    bool all_have_down = true;
    for (auto it = first_edited; it != history.end(); ++it) {
      if (it->state == MigrationState::kPending) continue;
      undo.insert(undo.begin(), &*it);
      const LocalMigration* local = FindLocal(source, it->version);
      if (local == nullptr || !SplitMigration(local->text).down) all_have_down = false;
    }
    if (all_have_down) {
      for (const HistoryEntry* entry : undo) {
        const LocalMigration* local = FindLocal(source, entry->version);
        MigrationContent content = SplitMigration(local->text);
        size_t begin = static_cast<size_t>(content.down->data() - local->text.data());
        auto s =
            RunPart(connection, local->file.path, local->text, begin, begin + content.down->size(),
                    content.no_transaction, ForgetVersionSql(entry->version), options.lock_timeout);
        if (!s.ok()) {
          report.failure = s.take_error();
          return report;
        }
        ++report.rolled_back;
        Emit(progress, Kind::kRolledBack, local->file.path);
      }
    } else {
      std::string dir = options.backup_dir.empty() ? DefaultBackupDir() : options.backup_dir;
      auto backup = BackupDatabase(options.url, dir);
      if (!backup.ok()) return backup.take_error();
      report.backup_path = *backup;
      Emit(progress, Kind::kBackup, *backup);
      if (auto s = WipeDatabase(connection); !s.ok()) return s.take_error();
      if (auto s = LoadBaseline(connection, source, options.env); !s.ok()) {
        report.failure = s.take_error();
        return report;
      }
      report.rebuilt = true;
      Emit(progress, Kind::kRebuilt, source.baseline_path, source.baseline_version.value_or(""));
    }
    table = ReadMigrationsTable(connection);
    if (!table.ok()) return table.take_error();
    history = CompareHistory(source.migrations, *table, source.baseline_version);
  }

  std::string newest = NewestRecorded(*table);
  for (const HistoryEntry& entry : history) {
    if (entry.state != MigrationState::kPending) continue;
    const LocalMigration* local = FindLocal(source, entry.version);
    std::string late = entry.late ? "late: older than " + newest + ", the newest applied" : "";
    Emit(progress, Kind::kApplying, local->file.path, late);
    MigrationContent content = SplitMigration(local->text);
    std::optional<std::string> hash;
    if (table->has_hash) hash = local->hash;
    Clock::time_point start = Clock::now();
    auto s = RunPart(connection, local->file.path, local->text, 0, content.up.size(),
                     content.no_transaction, RecordVersionSql(entry.version, table->has_hash, hash),
                     options.lock_timeout);
    if (!s.ok()) {
      report.failure = s.take_error();
      return report;
    }
    ++report.applied;
    if (entry.late) ++report.late;
    Emit(progress, Kind::kApplied, local->file.path, late,
         std::chrono::duration<double>(Clock::now() - start).count());
  }
  (void)Exec(connection, "SELECT pg_advisory_unlock(" + key + ")");
  return report;
}

namespace {

std::string Seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  return buf;
}

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string DescribeEvent(const MigrateEvent& event) {
  using Kind = MigrateEvent::Kind;
  switch (event.kind) {
    case Kind::kWaitingForLock:
      return "waiting: " + event.detail;
    case Kind::kCreatedTable:
      return "created the migrations table " + event.subject + " (" + event.detail + ")";
    case Kind::kLoadedBaseline:
      return "loaded " + event.subject +
             (event.detail.empty() ? "" : " (version " + event.detail + ")");
    case Kind::kApplying:
      return {};
    case Kind::kApplied:
      return "applied " + event.subject + " (" + Seconds(event.seconds) +
             (event.detail.empty() ? "" : ", " + event.detail) + ")";
    case Kind::kRolledBack:
      return "rolled back " + event.subject + " (its down section)";
    case Kind::kBackup:
      return "backup written to " + event.subject;
    case Kind::kRebuilt:
      return "rebuilt the database from " + event.subject +
             (event.detail.empty() ? "" : " (version " + event.detail + ")");
    case Kind::kWarning:
      return "warning: " + event.subject + ": " + event.detail;
  }
  return {};
}

std::string SummarizeRun(const MigrateReport& report) {
  if (report.applied == 0 && !report.failure) return "database is up to date";
  std::string s = Plural(report.applied, "migration", "migrations") + " applied";
  if (report.late > 0) s += " (" + std::to_string(report.late) + " late)";
  if (report.failure) s += " before the failure";
  return s;
}

std::string RenderStatus(const StatusReport& report) {
  std::string out;
  int pending = 0, edited = 0, missing = 0;
  for (const HistoryEntry& entry : report.entries) {
    std::string state = StateName(entry.state);
    state.resize(12, ' ');
    out += state + (entry.path.empty() ? entry.version : entry.path);
    if (entry.late) out += "  (late)";
    if (!entry.applied_at.empty()) out += "  applied " + entry.applied_at;
    out += "\n";
    pending += entry.state == MigrationState::kPending;
    edited += entry.state == MigrationState::kEdited;
    missing += entry.state == MigrationState::kMissing;
  }
  if (!report.table.exists) out += "no migrations table in this database\n";
  if (report.UpToDate()) {
    out += "database is up to date\n";
  } else {
    out += Plural(pending, "pending", "pending") + ", " + Plural(edited, "edited", "edited") +
           ", " + Plural(missing, "missing", "missing") + "\n";
  }
  return out;
}

core::Result<std::string> ProjectRoot(const std::string& start) {
  auto repo = git::OpenRepository(start);
  if (repo.ok()) {
    std::string root = git::WorkTreeRoot(repo->get());
    if (!root.empty()) return root;
  }
  if (::access((start + "/" + config::kConfigFileName).c_str(), F_OK) == 0) return start;
  return Error(core::kExitBadInput,
               "'" + start + "' is neither in a git work tree nor a directory with a " +
                   config::kConfigFileName +
                   ": run pgstate migrate from your repository (or from an exported copy "
                   "of it with its " +
                   config::kConfigFileName + ")");
}

}  // namespace pgstate::migrate
