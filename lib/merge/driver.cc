#include "merge/driver.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "config/config.h"
#include "core/exit_code.h"
#include "core/file.h"
#include "git/libgit2.h"
#include "git/repository.h"
#include "git/snapshot.h"
#include "merge/schema_merge.h"
#include "migrate/addition_versions.h"

extern char** environ;

namespace pgstate::merge {

git::ConflictStyle ConfiguredConflictStyle(const std::string& dir) {
  git::InitLibGit2Once();
  git_config* raw = nullptr;
  git_repository* repo_raw = nullptr;
  if (git_repository_open_ext(&repo_raw, dir.c_str(), GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) == 0) {
    git::Repository repo(repo_raw);
    if (git_repository_config_snapshot(&raw, repo_raw) != 0) raw = nullptr;
  } else {
    git_config* all = nullptr;
    if (git_config_open_default(&all) == 0) {
      git::Config owner(all);
      if (git_config_snapshot(&raw, all) != 0) raw = nullptr;
    }
  }
  if (raw == nullptr) return git::ConflictStyle::kMerge;
  git::Config config(raw);
  const char* value = nullptr;
  if (git_config_get_string(&value, raw, "merge.conflictStyle") != 0 || value == nullptr) {
    return git::ConflictStyle::kMerge;
  }
  return git::ParseConflictStyle(value).value_or(git::ConflictStyle::kMerge);
}

std::string ResolveLabel(const std::optional<std::string>& given, const std::string& file,
                         const std::string& guess) {
  if (!given) return file;
  const std::string& v = *given;
  if (v.empty() || v == "%S" || v == "%X" || v == "%Y") return guess;
  return v;
}

std::string GuessTheirsLabel() {
  std::string found;
  int count = 0;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "GITHEAD_", 8) != 0) continue;
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr || eq[1] == '\0') continue;
    found = eq + 1;
    ++count;
  }
  return count == 1 ? found : "theirs";
}

MergedCommits FindMergedCommits(git_repository* repo) {
  MergedCommits commits;
  if (!git::IsHeadUnborn(repo)) commits.ours = "HEAD";
  std::string theirs;
  int heads = 0;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "GITHEAD_", 8) != 0) continue;
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    theirs.assign(*e + 8, static_cast<size_t>(eq - (*e + 8)));
    ++heads;
  }
  if (heads == 1) {
    commits.theirs = theirs;
    return commits;
  }
  std::string git_dir = git_repository_path(repo);
  if (auto done = core::ReadFile(git_dir + "rebase-merge/done"); done.ok()) {
    // "pick 1a2b3c4 subject": the last line is the commit being picked.
    std::string_view text = *done;
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    std::string_view line =
        text.substr(text.rfind('\n') == std::string_view::npos ? 0 : text.rfind('\n') + 1);
    size_t word = line.find(' ');
    if (word != std::string_view::npos) {
      std::string_view rest = line.substr(word + 1);
      commits.theirs = std::string(rest.substr(0, rest.find(' ')));
    }
    return commits;
  }
  if (auto head = core::ReadFile(git_dir + "REBASE_HEAD"); head.ok()) {
    std::string_view id = *head;
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.remove_suffix(1);
    commits.theirs = std::string(id);
  }
  return commits;
}

namespace {

// What the merge needs to know of the two commits beyond the file it merges, read on first use
// (most merges never need it): the versions of the migrations that add columns and labels on
// each side, and what each side's other schema files define.
class MergedSides {
 public:
  explicit MergedSides(std::string path) : path_(std::move(path)) {}

  std::optional<std::string> AdditionVersion(MergeSide side, const std::string& key) {
    const auto& versions = Of(side).versions;
    auto it = versions.find(key);
    if (it == versions.end()) return std::nullopt;
    return it->second;
  }
  bool DefinedElsewhere(MergeSide side, const sql::ObjectKey& key) {
    return Of(side).defined_elsewhere.count(key.ToString()) > 0;
  }

 private:
  struct Side {
    std::map<std::string, std::string> versions;
    std::set<std::string> defined_elsewhere;
  };
  const Side& Of(MergeSide side) {
    if (!loaded_) Load();
    return side == MergeSide::kOurs ? ours_ : theirs_;
  }
  void Load() {
    loaded_ = true;
    git::InitLibGit2Once();
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, ".", GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) != 0) return;
    git::Repository repo(raw);
    MergedCommits commits = FindMergedCommits(raw);
    Read(raw, commits.ours, ours_);
    Read(raw, commits.theirs, theirs_);
  }
  // A side whose commit cannot be read knows nothing: no versions, nothing defined elsewhere.
  void Read(git_repository* repo, const std::string& rev, Side& into) {
    if (rev.empty()) return;
    git::Source source = git::Source::Revision(rev);
    auto text = git::ReadFile(repo, source, config::kConfigFileName);
    if (!text.ok()) return;
    config::Config c;
    if (text->has_value()) {
      auto loaded = config::LoadConfigText(**text, rev + ":" + config::kConfigFileName);
      if (!loaded.ok()) return;
      c = std::move(*loaded);
    }
    auto files = git::ReadFiles(
        repo, source,
        [&c](std::string_view p) { return c.IsMigrationPath(p) || c.IsSchemaPath(p); },
        {c.schema_dir, c.migrations_dir});
    if (!files.ok()) return;
    std::vector<migrate::MigrationText> migrations;
    for (auto& f : *files) {
      if (c.IsMigrationPath(f.path)) {
        migrations.push_back({std::move(f.path), std::move(f.content)});
      } else if (f.path != path_) {
        std::set<std::string> keys = DefinedKeys(f.path, f.content);
        into.defined_elsewhere.insert(keys.begin(), keys.end());
      }
    }
    into.versions = migrate::AdditionVersions(migrations);
  }

  std::string path_;
  bool loaded_ = false;
  Side ours_, theirs_;
};

}  // namespace

DriverOutcome RunMergeDriver(const MergeDriverOptions& options) {
  DriverOutcome outcome;
  auto fail = [&](core::Error e) {
    outcome.exit_code = core::kMergeExitCannotMerge;
    outcome.error = std::move(e);
    return outcome;
  };
  core::Result<std::string> base = core::ReadFile(options.base_file);
  if (!base.ok()) return fail(base.take_error());
  core::Result<std::string> ours = core::ReadFile(options.ours_file);
  if (!ours.ok()) return fail(ours.take_error());
  core::Result<std::string> theirs = core::ReadFile(options.theirs_file);
  if (!theirs.ok()) return fail(theirs.take_error());

  // As git does for binary files: keep ours, and call it a conflict.
  for (const auto& [side, text] : {std::pair<const char*, const std::string*>{"base", &*base},
                                   {"ours", &*ours},
                                   {"theirs", &*theirs}}) {
    if (text->find('\0') == std::string::npos) continue;
    std::string path = options.path.empty() ? options.ours_file : options.path;
    outcome.warnings.push_back("Cannot merge binary files: " + path + " (" + side +
                               " holds a NUL byte); ours is kept");
    if (options.to_stdout) outcome.stdout_text = *ours;
    outcome.exit_code = 1;
    return outcome;
  }

  MergeOptions merge;
  merge.path = options.path.empty() ? options.ours_file : options.path;
  merge.text.marker_size = options.marker_size > 0 ? options.marker_size : 7;
  merge.text.ancestor_label = ResolveLabel(options.ancestor_label, options.base_file, "base");
  merge.text.ours_label = ResolveLabel(options.ours_label, options.ours_file, "HEAD");
  merge.text.theirs_label =
      ResolveLabel(options.theirs_label, options.theirs_file, GuessTheirsLabel());
  const char* mode = std::getenv("PGSTATE_MERGE");
  merge.text_only = mode != nullptr && std::strcmp(mode, "text") == 0;
  auto sides = std::make_shared<MergedSides>(merge.path);
  merge.addition_version = [sides](MergeSide side, const std::string& key) {
    return sides->AdditionVersion(side, key);
  };
  merge.defined_elsewhere = [sides](MergeSide side, const sql::ObjectKey& key) {
    return sides->DefinedElsewhere(side, key);
  };

  // The style only matters for conflicts: read the configuration only when there are some.
  merge.text.style = options.style.value_or(git::ConflictStyle::kMerge);
  core::Result<MergeResult> result = MergeSchemaText(*base, *ours, *theirs, merge);
  if (!result.ok()) return fail(result.take_error());
  if (!options.style && result->conflicts > 0) {
    git::ConflictStyle configured = ConfiguredConflictStyle(".");
    if (configured != merge.text.style) {
      merge.text.style = configured;
      result = MergeSchemaText(*base, *ours, *theirs, merge);
      if (!result.ok()) return fail(result.take_error());
    }
  }
  outcome.warnings = result->warnings;
  if (options.to_stdout) {
    outcome.stdout_text = std::move(result->text);
  } else {
    core::Status written = core::WriteFileAtomic(options.ours_file, result->text);
    if (!written.ok()) return fail(written.take_error());
  }
  outcome.exit_code = result->conflicts > core::kMergeMaxConflictExit ? core::kMergeMaxConflictExit
                                                                      : result->conflicts;
  return outcome;
}

}  // namespace pgstate::merge
