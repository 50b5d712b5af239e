#include "verify/states.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/text.h"
#include "git/repository.h"
#include "merge/schema_merge.h"
#include "migrate/addition_versions.h"
#include "migrate/migration_files.h"
#include "migrate/script.h"
#include "schema/model.h"
#include "schema/parse_tree.h"
#include "sql/source_file.h"

namespace pgstate::verify {

using core::Diagnostic;
using core::Error;
using core::Result;

namespace {

std::vector<std::string> Roots(const config::Config& c) {
  return {c.schema_dir, c.baseline, c.migrations_dir};
}

Result<config::Config> ConfigOf(git_repository* repo, const git::Source& source) {
  auto text = git::ReadFile(repo, source, config::kConfigFileName);
  if (!text.ok()) return text.take_error();
  if (!text->has_value()) return config::Config{};
  std::string name = source.kind == git::SourceKind::kRevision
                         ? source.revision + ":" + config::kConfigFileName
                         : std::string(config::kConfigFileName);
  return config::LoadConfigText(**text, name);
}

// Sorts tracked files into the snapshot's roles; invalid migration names become diagnostics.
Result<Snapshot> Classify(std::string description, config::Config config,
                          std::vector<git::FileContent> files) {
  Snapshot s;
  s.description = std::move(description);
  s.config = std::move(config);
  std::map<std::string, git::FileContent> migrations_by_path;
  std::vector<std::string> migration_paths;
  for (auto& f : files) {
    if (auto bad = core::CheckSqlText(f.path, f.content); !bad.ok()) return bad.take_error();
    if (s.config.IsBaselinePath(f.path)) {
      s.baseline = std::move(f);
    } else if (s.config.IsMigrationPath(f.path)) {
      migration_paths.push_back(f.path);
      migrations_by_path.emplace(f.path, std::move(f));
    } else if (s.config.IsSchemaPath(f.path)) {
      s.schema_files.push_back(std::move(f));
    }
  }
  std::sort(s.schema_files.begin(), s.schema_files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  migrate::MigrationListing listing = migrate::ClassifyMigrationPaths(migration_paths);
  for (const auto& m : listing.migrations) {
    s.migrations.push_back(std::move(migrations_by_path.at(m.path)));
  }
  for (const auto& bad : listing.invalid) {
    Diagnostic d;
    d.rule = "migration-name";
    d.message = bad.reason;
    d.location.file = bad.path;
    s.diagnostics.push_back(std::move(d));
  }
  for (const auto& duplicate : listing.duplicates) {
    Diagnostic d;
    d.rule = "migration-duplicate-version";
    d.message = migrate::DuplicateVersionMessage(duplicate);
    d.hint = migrate::kDuplicateVersionHint;
    d.location.file = duplicate.path;
    d.related.push_back({duplicate.first_path, 0, 0});
    s.diagnostics.push_back(std::move(d));
  }
  return s;
}

using FileMap = std::map<std::string, std::string>;

Result<FileMap> FilesAt(git_repository* repo, const std::string& rev, const config::Config& c) {
  auto files = git::ReadFiles(
      repo, git::Source::Revision(rev), [&c](std::string_view p) { return c.IsTrackedPath(p); },
      Roots(c));
  if (!files.ok()) return files.take_error();
  FileMap map;
  for (auto& f : *files) map.emplace(f.path, std::move(f.content));
  return map;
}

const std::string* Find(const FileMap& m, const std::string& path) {
  auto it = m.find(path);
  return it == m.end() ? nullptr : &it->second;
}

bool Same(const std::string* a, const std::string* b) {
  if (!a || !b) return a == b;
  return *a == *b;
}

// The line `location` points into, for a caret under it.
std::string LineAt(std::string_view text, int line) {
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  return std::string(text.substr(start, end == std::string_view::npos ? end : end - start));
}

Diagnostic LoadFailure(const Error& error, std::string_view file_text) {
  Diagnostic d;
  d.rule = "load-failed";
  d.message = error.message;
  if (error.location) {
    d.location = *error.location;
    d.source_line = LineAt(file_text, d.location.line);
  }
  return d;
}

}  // namespace

Result<Snapshot> ReadSnapshot(git_repository* repo, const git::Source& source) {
  auto config = ConfigOf(repo, source);
  if (!config.ok()) return config.take_error();
  const config::Config& c = *config;
  auto files = git::ReadFiles(
      repo, source, [&c](std::string_view p) { return c.IsTrackedPath(p); }, Roots(c));
  if (!files.ok()) return files.take_error();
  return Classify(source.Describe(), std::move(*config), std::move(*files));
}

Result<Snapshot> ReadMergedSnapshot(git_repository* repo, const std::string& ours,
                                    const std::string& theirs) {
  auto ours_commit = git::ResolveCommit(repo, ours);
  if (!ours_commit.ok()) return ours_commit.take_error();
  auto theirs_commit = git::ResolveCommit(repo, theirs);
  if (!theirs_commit.ok()) return theirs_commit.take_error();
  auto base_commit = git::MergeBase(repo, ours_commit->get(), theirs_commit->get(), ours, theirs);
  if (!base_commit.ok()) return base_commit.take_error();
  std::string base = git::OidHex(*git_commit_id(base_commit->get()));

  auto config = ConfigOf(repo, git::Source::Revision(ours));
  if (!config.ok()) return config.take_error();
  auto o = FilesAt(repo, ours, *config);
  if (!o.ok()) return o.take_error();
  auto t = FilesAt(repo, theirs, *config);
  if (!t.ok()) return t.take_error();
  auto b = FilesAt(repo, base, *config);
  if (!b.ok()) return b.take_error();

  std::set<std::string> paths;
  for (const auto& [p, _] : *o) paths.insert(p);
  for (const auto& [p, _] : *t) paths.insert(p);

  // Columns both sides add at one place go in the order their migrations give (as the merge
  // driver does): read on first use.
  struct Versions {
    bool loaded = false;
    std::map<std::string, std::string> ours, theirs;
  };
  auto versions = std::make_shared<Versions>();
  auto addition_version = [&, versions](merge::MergeSide side,
                                        const std::string& key) -> std::optional<std::string> {
    if (!versions->loaded) {
      versions->loaded = true;
      auto of = [&](const FileMap& files) {
        std::vector<migrate::MigrationText> migrations;
        for (const auto& [p, text] : files) {
          if (config->IsMigrationPath(p)) migrations.push_back({p, text});
        }
        return migrate::AdditionVersions(migrations);
      };
      versions->ours = of(*o);
      versions->theirs = of(*t);
    }
    const auto& map = side == merge::MergeSide::kOurs ? versions->ours : versions->theirs;
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  };

  // What each side's schema files define, by file: an object one side moved to another file
  // is no removal for what the other side adds (as in the merge driver). Read on first use.
  struct Defined {
    bool loaded = false;
    std::map<std::string, std::set<std::string>> ours, theirs;
  };
  auto defined = std::make_shared<Defined>();
  auto defined_elsewhere = [&, defined](const std::string& path) {
    return [&, defined, path](merge::MergeSide side, const sql::ObjectKey& key) {
      if (!defined->loaded) {
        defined->loaded = true;
        auto of = [&](const FileMap& files, std::map<std::string, std::set<std::string>>& into) {
          for (const auto& [p, text] : files) {
            if (config->IsSchemaPath(p)) into[p] = merge::DefinedKeys(p, text);
          }
        };
        of(*o, defined->ours);
        of(*t, defined->theirs);
      }
      const auto& files = side == merge::MergeSide::kOurs ? defined->ours : defined->theirs;
      for (const auto& [p, keys] : files) {
        if (p != path && keys.count(key.ToString())) return true;
      }
      return false;
    };
  };

  std::vector<git::FileContent> merged;
  std::vector<Diagnostic> conflicts;
  for (const std::string& path : paths) {
    const std::string* os = Find(*o, path);
    const std::string* ts = Find(*t, path);
    const std::string* bs = Find(*b, path);
    const std::string* take = nullptr;
    if (Same(os, ts) || Same(ts, bs)) {
      take = os;
    } else if (Same(os, bs)) {
      take = ts;
    } else if (!os || !ts) {
      Diagnostic d;
      d.rule = "merge-conflict";
      d.location.file = path;
      d.message = std::string("'") + path + "' is deleted on one side and changed on the other";
      conflicts.push_back(std::move(d));
      continue;
    } else {
      merge::MergeOptions options;
      options.path = path;
      options.text.ours_label = ours;
      options.text.theirs_label = theirs;
      options.addition_version = addition_version;
      options.defined_elsewhere = defined_elsewhere(path);
      auto result = merge::MergeSchemaText(bs ? *bs : std::string(), *os, *ts, options);
      if (!result.ok()) return result.take_error();
      if (result->conflicts > 0) {
        Diagnostic d;
        d.rule = "merge-conflict";
        d.location.file = path;
        d.message = "'" + path + "' does not merge cleanly (" + std::to_string(result->conflicts) +
                    (result->conflicts == 1 ? " conflict)" : " conflicts)");
        for (const std::string& why : result->warnings) d.message += "; " + why;
        d.hint = "merge '" + ours + "' into your branch and resolve the conflict";
        conflicts.push_back(std::move(d));
        continue;
      }
      merged.push_back({path, std::move(result->text), false});
      continue;
    }
    if (take) merged.push_back({path, *take, git::IsBinaryContent(*take)});
  }
  auto snapshot = Classify("the merge of '" + theirs + "' into '" + ours + "'", std::move(*config),
                           std::move(merged));
  if (!snapshot.ok()) return snapshot;
  for (auto& d : conflicts) snapshot->diagnostics.push_back(std::move(d));
  return snapshot;
}

Result<schema::Model> DesiredModel(const Snapshot& snapshot) {
  schema::ModelOptions options;
  options.search_path = snapshot.config.search_path;
  options.modules = schema::Modules(snapshot.config.modules);
  for (const auto& text : snapshot.config.external_objects) {
    auto key = schema::ParseObjectKey(text, options.search_path);
    if (!key.ok()) {
      return Error(core::kExitBadInput, "'.pgstate': check.external: " + key.error().message);
    }
    options.external_objects.push_back(*key);
  }
  std::vector<schema::FileText> files;
  for (const auto& f : snapshot.schema_files) files.push_back({f.path, f.content});
  return schema::Model::Parse(std::move(files), std::move(options));
}

std::vector<std::string> RolesToCreate(const Snapshot& snapshot, const schema::Model& model) {
  std::set<std::string> named, created;
  auto collect = [&](const sql::SourceFile& file) {
    for (const sql::Statement& s : file.statements()) {
      if (s.node_type == "CreateRoleStmt") created.insert(s.key.name);
      for (std::string& role : schema::tree::NamedRoles(s.node)) named.insert(std::move(role));
    }
  };
  for (const auto& file : model.files()) collect(file);
  sql::ParseOptions options;
  options.search_path = snapshot.config.search_path;
  if (snapshot.baseline) {
    collect(sql::SourceFile::Parse(snapshot.baseline->path, snapshot.baseline->content, options));
  }
  for (const auto& m : snapshot.migrations) {
    std::string up(migrate::SplitMigration(m.content).up);
    collect(sql::SourceFile::Parse(m.path, std::move(up), options));
  }
  std::vector<std::string> roles;
  for (const std::string& role : named) {
    if (!created.count(role)) roles.push_back(role);
  }
  return roles;
}

Result<std::vector<Diagnostic>> LoadDesiredState(
    db::Connection& connection, const schema::Model& model,
    const std::function<Result<db::Connection>()>& retry) {
  schema::LoadScript script(model);
  db::SqlStatus status = db::ExecuteScript(connection, script.sql());
  if (status.ok()) return std::vector<Diagnostic>{};
  if (status.error().code == core::kExitEnvironment) return status.error().ToError();

  auto diagnostic_at = [&](const db::SqlError& e, std::optional<core::SourceLocation> where) {
    Diagnostic d;
    d.rule = "load-failed";
    d.message = e.message;
    if (where) {
      d.location = *where;
      for (const auto& f : model.files()) {
        if (f.path() == where->file) d.source_line = LineAt(f.text(), where->line);
      }
    }
    d.hint = "the desired state must load into an empty database";
    return std::vector<Diagnostic>{d};
  };
  if (status.error().position > 0) {
    if (auto where = script.LocatePosition(static_cast<int>(status.error().position))) {
      return diagnostic_at(status.error(), where);
    }
  }
  // PostgreSQL named no position: load piece by piece into a fresh database to find the
  // statement. Each piece is one statement and what the script puts after it.
  auto fresh = retry();
  if (!fresh.ok()) return fresh.take_error();
  const std::string& sql = script.sql();
  std::vector<size_t> cuts = {0};
  for (const auto& segment : script.segments()) cuts.push_back(segment.offset);
  cuts.push_back(sql.size());
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    if (cuts[k + 1] <= cuts[k]) continue;
    db::SqlStatus piece =
        fresh->Execute(std::string_view(sql).substr(cuts[k], cuts[k + 1] - cuts[k]));
    if (!piece.ok()) {
      std::optional<core::SourceLocation> where;
      if (k > 0) where = script.Locate(cuts[k]);
      return diagnostic_at(piece.error(), where);
    }
  }
  // The whole script failed but no piece did (a problem only the combination has).
  return diagnostic_at(status.error(), std::nullopt);
}

Result<std::vector<Diagnostic>> LoadMigratedState(db::Connection& connection,
                                                  const Snapshot& snapshot) {
  auto run = [&](const git::FileContent& file,
                 std::string_view text) -> Result<std::vector<Diagnostic>> {
    auto statements = migrate::SplitScript(file.content, 0, text.size(), file.path);
    if (!statements.ok())
      return std::vector<Diagnostic>{LoadFailure(statements.error(), file.content)};
    core::Status st = migrate::RunStatements(connection, file.content, *statements, file.path);
    if (st.ok()) return std::vector<Diagnostic>{};
    if (st.error().code == core::kExitEnvironment) return st.take_error();
    return std::vector<Diagnostic>{LoadFailure(st.error(), file.content)};
  };
  if (snapshot.baseline) {
    auto d = run(*snapshot.baseline, snapshot.baseline->content);
    if (!d.ok() || !d->empty()) return d;
  }
  for (const auto& m : snapshot.migrations) {
    migrate::MigrationContent content = migrate::SplitMigration(m.content);
    auto d = run(m, content.up);
    if (!d.ok() || !d->empty()) return d;
  }
  return std::vector<Diagnostic>{};
}

}  // namespace pgstate::verify
