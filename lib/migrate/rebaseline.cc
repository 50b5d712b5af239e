#include "migrate/rebaseline.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "config/config.h"
#include "core/file.h"
#include "db/connection.h"
#include "git/libgit2.h"
#include "git/repository.h"
#include "migrate/backup.h"
#include "migrate/history.h"
#include "migrate/migration_files.h"
#include "migrate/migrator.h"

namespace pgstate::migrate {

using core::Error;
using core::kExitBadInput;

namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The commit message: what was folded, and up to which version.
std::string CommitMessage(const std::string& baseline, const std::string& version,
                          const std::vector<std::string>& folded) {
  std::string message;
  if (folded.empty()) {
    message = "rebaseline: " + baseline + " from production at " + version + "\n";
  } else {
    message = "rebaseline: fold " + std::to_string(folded.size()) + " migration" +
              (folded.size() == 1 ? "" : "s") + " into " + baseline + " (production at " + version +
              ")\n\nProduction has applied every migration up to " + version +
              ". Folded into the baseline:\n";
    for (const std::string& path : folded) {
      message += "  " + path.substr(path.rfind('/') + 1) + "\n";
    }
  }
  return message;
}

// Stages the new baseline and the deletions in the repository's index.
core::Status Stage(git_repository* repo, const std::string& baseline,
                   const std::vector<std::string>& folded) {
  git_index* raw = nullptr;
  if (auto s = git::Check(git_repository_index(&raw, repo), "cannot open the index"); !s.ok()) {
    return s;
  }
  git::Index index(raw);
  if (auto s = git::Check(git_index_add_bypath(index.get(), baseline.c_str()),
                          "cannot stage '" + baseline + "'");
      !s.ok()) {
    return s;
  }
  for (const std::string& path : folded) {
    if (auto s = git::Check(git_index_remove_bypath(index.get(), path.c_str()),
                            "cannot stage the removal of '" + path + "'");
        !s.ok()) {
      return s;
    }
  }
  return git::Check(git_index_write(index.get()), "cannot write the index");
}

// Who commits, as git decides it: the environment (GIT_AUTHOR_NAME, GIT_COMMITTER_EMAIL …, as
// deploy pipelines set them) before user.name and user.email.
core::Result<git::Signature> Identity(git_repository* repo, const char* name_var,
                                      const char* email_var) {
  const char* name = std::getenv(name_var);
  const char* email = std::getenv(email_var);
  git_signature* raw = nullptr;
  if (name && *name && email && *email) {
    if (git_signature_now(&raw, name, email) == 0) return git::Signature(raw);
  }
  git_signature* fallback = nullptr;
  if (git_signature_default(&fallback, repo) < 0) {
    return Error(kExitBadInput,
                 "cannot commit: no committer identity (set user.name and user.email with git "
                 "config, or use --no-commit)");
  }
  git::Signature signature(fallback);
  if ((name && *name) || (email && *email)) {
    if (git_signature_now(&raw, name && *name ? name : fallback->name,
                          email && *email ? email : fallback->email) == 0) {
      return git::Signature(raw);
    }
  }
  return signature;
}

// Commits HEAD's tree with only these changes (anything else staged stays out of it).
core::Result<std::string> Commit(git_repository* repo, const std::string& baseline,
                                 const std::string& text, const std::vector<std::string>& folded,
                                 const std::string& message) {
  git_oid head_oid;
  git::Commit parent;
  int rc = git_reference_name_to_id(&head_oid, repo, "HEAD");
  if (rc == 0) {
    git_commit* raw = nullptr;
    if (auto s = git::Check(git_commit_lookup(&raw, repo, &head_oid), "cannot read HEAD");
        !s.ok()) {
      return s.take_error();
    }
    parent.reset(raw);
  } else if (rc != GIT_ENOTFOUND) {
    return git::Check(rc, "cannot resolve HEAD").take_error();
  }
  git_index* raw_index = nullptr;
  if (auto s = git::Check(git_index_new(&raw_index), "cannot create an index"); !s.ok()) {
    return s.take_error();
  }
  git::Index index(raw_index);
  if (parent) {
    auto tree = git::TreeOf(parent.get());
    if (!tree.ok()) return tree.take_error();
    if (auto s = git::Check(git_index_read_tree(index.get(), tree->get()), "cannot read HEAD");
        !s.ok()) {
      return s.take_error();
    }
  }
  git_oid blob;
  if (auto s = git::Check(git_blob_create_from_buffer(&blob, repo, text.data(), text.size()),
                          "cannot store '" + baseline + "'");
      !s.ok()) {
    return s.take_error();
  }
  git_index_entry entry{};
  entry.mode = GIT_FILEMODE_BLOB;
  entry.id = blob;
  entry.path = baseline.c_str();
  if (auto s = git::Check(git_index_add(index.get(), &entry), "cannot add '" + baseline + "'");
      !s.ok()) {
    return s.take_error();
  }
  for (const std::string& path : folded) (void)git_index_remove(index.get(), path.c_str(), 0);
  git_oid tree_oid;
  if (auto s = git::Check(git_index_write_tree_to(&tree_oid, index.get(), repo),
                          "cannot write the tree");
      !s.ok()) {
    return s.take_error();
  }
  git_tree* raw_tree = nullptr;
  if (auto s = git::Check(git_tree_lookup(&raw_tree, repo, &tree_oid), "cannot read the tree");
      !s.ok()) {
    return s.take_error();
  }
  git::Tree tree(raw_tree);
  auto author = Identity(repo, "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL");
  if (!author.ok()) return author.take_error();
  auto committer = Identity(repo, "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL");
  if (!committer.ok()) return committer.take_error();
  const git_commit* parents[] = {parent.get()};
  git_oid commit_oid;
  if (auto s = git::Check(git_commit_create(&commit_oid, repo, "HEAD", author->get(),
                                            committer->get(), nullptr, message.c_str(), tree.get(),
                                            parent ? 1 : 0, parent ? parents : nullptr),
                          "cannot commit");
      !s.ok()) {
    return s.take_error();
  }
  return git::OidHex(commit_oid);
}

}  // namespace

std::string NormalizeDump(const std::string& dump, const std::string& header) {
  std::string out = header;
  if (!out.empty() && out.back() != '\n') out += '\n';
  bool blank = false;
  bool started = false;
  size_t start = 0;
  while (start < dump.size()) {
    size_t nl = dump.find('\n', start);
    std::string line = dump.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? dump.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (StartsWith(line, "-- Dumped from database version") ||
        StartsWith(line, "-- Dumped by pg_dump version") || StartsWith(line, "\\restrict") ||
        StartsWith(line, "\\unrestrict") ||
        line == "SELECT pg_catalog.set_config('search_path', '', false);") {
      continue;
    }
    if (line.empty() || line == "--") {
      // "--" lines frame pg_dump's per-object comments; keep them, but no runs of blanks.
      if (line.empty()) {
        blank = started;
        continue;
      }
    }
    if (blank) out += '\n';
    blank = false;
    started = true;
    out += line + '\n';
  }
  return out;
}

core::Result<RebaselineResult> RunRebaseline(
    const RebaselineOptions& options, const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  auto repo = git::OpenRepository(options.repo_path);
  if (!repo.ok()) return repo.take_error();
  std::string root = git::WorkTreeRoot(repo->get());
  auto config = config::LoadConfig(root);
  if (!config.ok()) return config.take_error();
  // Nothing is written or deleted through a link that leaves the repository.
  for (const std::string& path : {config->baseline, config->migrations_dir}) {
    if (auto inside = core::CheckInside(root, path); !inside.ok()) return inside.take_error();
  }

  say("reading the migrations table of production");
  auto connection = db::Connection::Open(options.url);
  if (!connection.ok()) return connection.take_error();
  auto table = ReadMigrationsTable(*connection);
  if (!table.ok()) return table.take_error();
  if (!table->exists || table->rows.empty()) {
    return Error(kExitBadInput,
                 "production has no applied migrations to fold into the baseline "
                 "(run 'pgstate migrate --env prod' first)");
  }
  RebaselineResult result;
  result.version = table->rows.back().version;

  say("dumping the schema of production");
  auto dump =
      RunPgDump(options.url, {"--schema-only", "--no-owner", "--exclude-table=public.migrations"});
  if (!dump.ok()) return dump.take_error();
  std::string text = NormalizeDump(
      *dump, BaselineHeader(result.version) +
                 "\n-- The schema of production once it had applied every migration up to " +
                 result.version + " (pgstate rebaseline).\n");

  std::string baseline_file = root + "/" + config->baseline;
  auto old = core::ReadFile(baseline_file);
  result.baseline_changed = !old.ok() || *old != text;
  if (result.baseline_changed) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(baseline_file).parent_path(), ec);
    if (auto s = core::WriteFileAtomic(baseline_file, text); !s.ok()) return s.take_error();
  }
  auto listing = ListMigrations(root + "/" + config->migrations_dir);
  if (!listing.ok()) return listing.take_error();
  for (const MigrationFile& m : listing->migrations) {
    if (m.version > result.version) continue;
    std::string relative = config->migrations_dir + "/" + m.name;
    if (auto inside = core::CheckInside(root, relative); !inside.ok()) return inside.take_error();
    if (::unlink(m.path.c_str()) != 0) {
      return Error(core::kExitEnvironment, "cannot delete '" + m.path + "'");
    }
    result.folded.push_back(config->migrations_dir + "/" + m.name);
  }

  if (result.baseline_changed || !result.folded.empty()) {
    if (auto s = Stage(repo->get(), config->baseline, result.folded); !s.ok()) {
      return s.take_error();
    }
    if (options.commit) {
      auto commit = Commit(repo->get(), config->baseline, text, result.folded,
                           CommitMessage(config->baseline, result.version, result.folded));
      if (!commit.ok()) return commit.take_error();
      result.commit = *commit;
    }
  }

  if (!options.recreate_staging.empty()) {
    say("recreating staging from the new baseline");
    auto source = LoadMigrationSource(root, *config);
    if (!source.ok()) return source.take_error();
    auto backup =
        RecreateFromBaseline(options.recreate_staging, *source, Env::kStaging, options.backup_dir);
    if (!backup.ok()) return backup.take_error();
    result.staging_backup = *backup;
  }
  return result;
}

}  // namespace pgstate::migrate
