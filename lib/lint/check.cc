#include "lint/check.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <functional>

#include "config/config.h"
#include "core/file.h"
#include "git/repository.h"
#include "git/snapshot.h"
#include "lint/lint.h"
#include "schema/model.h"
#include "schema/modules.h"

namespace pgstate::lint {

namespace {

using core::Error;
using core::kExitBadInput;

std::string CurrentDirectory() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) != nullptr ? std::string(buf) : std::string(".");
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

// Removes "." and resolves ".." lexically; keeps a leading "/" and never climbs above it.
std::string Normalize(const std::string& path) {
  bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += "/";
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool EndsWithSql(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".sql") == 0;
}

// Every *.sql file below `dir`, sorted.
core::Status WalkSql(const std::string& dir, std::vector<std::string>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Error(kExitBadInput, "cannot read directory '" + dir + "'");
  std::vector<std::string> entries;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    entries.push_back(dir == "." ? name : dir + "/" + name);
  }
  ::closedir(d);
  std::sort(entries.begin(), entries.end());
  for (const std::string& path : entries) {
    if (IsDirectory(path)) {
      if (auto s = WalkSql(path, out); !s.ok()) return s;
    } else if (EndsWithSql(path)) {
      out.push_back(path);
    }
  }
  return {};
}

bool UnderPath(std::string_view path, std::string_view scope) {
  if (scope.empty() || scope == ".") return true;
  return path == scope || (path.size() > scope.size() &&
                           path.compare(0, scope.size(), scope) == 0 && path[scope.size()] == '/');
}

std::string LastComponent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ParentName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {};
  return LastComponent(path.substr(0, slash));
}

core::Result<LintOptions> OptionsFor(const config::Config& config) {
  if (auto s = ValidateDisabledRules(config.disabled_rules); !s.ok()) return s.take_error();
  LintOptions options;
  options.search_path = config.search_path;
  options.disabled_rules = config.disabled_rules;
  options.modules = schema::Modules(config.modules);
  for (const std::string& text : config.external_objects) {
    auto key = schema::ParseObjectKey(text, config.search_path);
    if (!key.ok())
      return Error(kExitBadInput, "'.pgstate': check.external: " + key.error().message);
    options.external_objects.push_back(*key);
  }
  return options;
}

// True when the index differs from HEAD in any of `paths` (git pathspecs) whose path also
// satisfies `wanted`. Compares object ids only: no content is read.
// The wanted paths (either side of a rename) that the index changes compared with HEAD.
core::Result<std::vector<std::string>> StagedChanges(
    git_repository* repo, const std::vector<std::string>& paths,
    const std::function<bool(std::string_view)>& wanted) {
  git::Tree head;
  if (!git::IsHeadUnborn(repo)) {
    auto tree = git::ResolveTree(repo, "HEAD");
    if (!tree.ok()) return tree.take_error();
    head = std::move(*tree);
  }
  git_index* raw_index = nullptr;
  if (auto st = git::Check(git_repository_index(&raw_index, repo), "cannot read the index");
      !st.ok()) {
    return st.take_error();
  }
  git::Index index(raw_index);
  std::vector<char*> specs;
  for (const std::string& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.pathspec.strings = specs.data();
  options.pathspec.count = specs.size();
  git_diff* raw_diff = nullptr;
  if (auto st =
          git::Check(git_diff_tree_to_index(&raw_diff, repo, head.get(), index.get(), &options),
                     "cannot compare the index with HEAD");
      !st.ok()) {
    return st.take_error();
  }
  git::Diff diff(raw_diff);
  std::vector<std::string> changed;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    for (const char* path : {d->old_file.path, d->new_file.path}) {
      if (path != nullptr && wanted(path) &&
          std::find(changed.begin(), changed.end(), path) == changed.end()) {
        changed.emplace_back(path);
      }
    }
  }
  return changed;
}

// The modules holding `paths` (desired-state files), with how many of them each holds.
std::vector<schema::ModuleTouch> ModulesOf(const config::Config& config,
                                           const schema::Modules& modules,
                                           const std::vector<std::string>& paths) {
  if (!modules.configured()) return {};
  std::vector<size_t> counts(modules.size(), 0);
  for (const std::string& path : paths) {
    if (config.IsSchemaPath(path)) ++counts[modules.ModuleOf(path)];
  }
  return modules.Touches(counts);
}

// Outside a repository: the named files, as they are on disk.
core::Result<CheckResult> CheckPlainFiles(const std::string& cwd,
                                          const std::vector<std::string>& paths) {
  auto config = config::LoadConfig(cwd);
  if (!config.ok()) return config.take_error();
  auto options = OptionsFor(*config);
  if (!options.ok()) return options.take_error();
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::string path = Normalize(p);
    std::string on_disk = path[0] == '/' ? path : cwd + "/" + path;
    if (IsDirectory(on_disk)) {
      std::vector<std::string> found;
      if (auto s = WalkSql(on_disk, found); !s.ok()) return s.take_error();
      for (std::string& f : found) {
        files.push_back(path[0] == '/' ? f : Normalize(path + f.substr(on_disk.size())));
      }
    } else if (Exists(on_disk)) {
      files.push_back(path);
    } else {
      return Error(kExitBadInput, "cannot read '" + p + "': no such file or directory");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  LintInput input;
  std::string migrations_name = LastComponent(config->migrations_dir);
  for (const std::string& path : files) {
    auto text = core::ReadFile(path[0] == '/' ? path : cwd + "/" + path);
    if (!text.ok()) return text.take_error();
    schema::FileText file{path, std::move(*text)};
    if (config->IsMigrationPath(path) ||
        (EndsWithSql(path) && ParentName(path) == migrations_name)) {
      input.migrations.push_back(std::move(file));
    } else if (config->IsBaselinePath(path) && !input.baseline) {
      input.baseline = std::move(file);
    } else {
      input.schema_files.push_back(std::move(file));
    }
  }
  CheckResult result;
  result.files_checked = files.size();
  result.diagnostics = Lint(std::move(input), *options);
  return result;
}

}  // namespace

core::Result<CheckResult> RunCheck(const CheckOptions& options) {
  std::string cwd = options.cwd.empty() ? CurrentDirectory() : options.cwd;
  auto repo = git::OpenRepository(cwd);
  if (!repo.ok()) {
    if (options.staged) return Error(kExitBadInput, "--staged: " + repo.error().message);
    if (options.paths.empty()) {
      return Error(kExitBadInput, repo.error().message +
                                      " (outside a repository, name the files "
                                      "to check)");
    }
    return CheckPlainFiles(cwd, options.paths);
  }
  git_repository* r = repo->get();
  std::string root = git::WorkTreeRoot(r);
  if (root.empty()) return Error(kExitBadInput, "cannot check a bare repository");
  std::string real_root = RealPath(root);

  // With --staged, the configuration that will be committed (the index's .pgstate), if any.
  auto config = config::LoadConfig(root);
  if (options.staged) {
    auto staged = git::ReadFile(r, git::Source::IndexOnly(), config::kConfigFileName);
    if (!staged.ok()) return staged.take_error();
    if (staged->has_value()) {
      config = config::LoadConfigText(**staged, std::string(":") + config::kConfigFileName);
    }
  }
  if (!config.ok()) return config.take_error();
  auto lint_options = OptionsFor(*config);
  if (!lint_options.ok()) return lint_options.take_error();

  // The paths given, repository-relative.
  std::vector<std::string> scopes;
  std::string base = RealPath(cwd);
  for (const std::string& p : options.paths) {
    std::string absolute = Normalize(p[0] == '/' ? p : base + "/" + p);
    if (Exists(absolute)) absolute = RealPath(absolute);
    if (!UnderPath(absolute, real_root)) {
      return Error(kExitBadInput, "path '" + p + "' is outside the repository at '" + root + "'");
    }
    scopes.push_back(absolute.size() == real_root.size() ? ""
                                                         : absolute.substr(real_root.size() + 1));
  }

  auto tracked = [&](std::string_view path) { return config->IsTrackedPath(path); };
  CheckResult result;
  if (options.staged) {
    // Nothing to do when no schema, baseline, migration or .pgstate file is staged (in scope).
    auto changed = StagedChanges(
        r, {config->schema_dir, config->baseline, config->migrations_dir, config::kConfigFileName},
        [&](std::string_view path) {
          bool relevant = tracked(path) || path == config::kConfigFileName;
          bool scoped = scopes.empty() || path == config::kConfigFileName;
          for (const std::string& s : scopes) scoped = scoped || UnderPath(path, s);
          return relevant && scoped;
        });
    if (!changed.ok()) return changed.take_error();
    if (changed->empty()) {
      result.nothing_staged = true;
      return result;
    }
    result.modules = ModulesOf(*config, lint_options->modules, *changed);
  }

  git::Source source = options.staged ? git::Source::IndexOnly() : git::Source::WorkTree();
  auto files = git::ReadFiles(r, source, tracked,
                              {config->schema_dir, config->baseline, config->migrations_dir});
  if (!files.ok()) return files.take_error();

  LintInput input;
  std::vector<bool> scope_matched(scopes.size(), false);
  auto note_scope = [&](const std::string& path) {
    for (size_t i = 0; i < scopes.size(); ++i) {
      if (UnderPath(path, scopes[i])) scope_matched[i] = true;
    }
  };
  for (git::FileContent& f : *files) {
    note_scope(f.path);  // a binary file is checked too: its NUL byte is an error
    schema::FileText file{f.path, std::move(f.content)};
    if (config->IsSchemaPath(file.path)) {
      input.schema_files.push_back(std::move(file));
    } else if (config->IsBaselinePath(file.path)) {
      input.baseline = std::move(file);
    } else {
      input.migrations.push_back(std::move(file));
    }
  }
  result.files_checked = files->size();
  // A named file outside the configured folders is checked for syntax.
  for (size_t i = 0; i < scopes.size(); ++i) {
    if (scope_matched[i]) continue;
    const std::string& rel = scopes[i];
    if (!rel.empty() && IsDirectory(root + "/" + rel)) continue;
    auto content = rel.empty() ? core::Result<std::optional<std::string>>(std::nullopt)
                               : git::ReadFile(r, source, rel);
    if (!content.ok()) return content.take_error();
    if (!content->has_value()) {
      return Error(kExitBadInput, "pathspec '" + options.paths[i] + "' did not match any file");
    }
    input.other_files.push_back({rel, std::move(**content)});
    ++result.files_checked;
  }

  if (!scopes.empty()) {
    if (!options.staged) {
      std::vector<std::string> in_scope;
      for (const auto& f : input.schema_files) {
        for (const std::string& scope : scopes) {
          if (UnderPath(f.path, scope)) {
            in_scope.push_back(f.path);
            break;
          }
        }
      }
      result.modules = ModulesOf(*config, lint_options->modules, in_scope);
    }
    lint_options->in_scope = [scopes](std::string_view path) {
      for (const std::string& s : scopes) {
        if (UnderPath(path, s)) return true;
      }
      return false;
    };
  }
  result.diagnostics = Lint(std::move(input), *lint_options);
  return result;
}

}  // namespace pgstate::lint
