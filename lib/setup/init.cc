#include "setup/init.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "config/config.h"
#include "core/file.h"
#include "git/libgit2.h"
#include "migrate/migration_files.h"
#include "setup/import.h"

namespace pgstate::setup {

namespace fs = std::filesystem;
using core::Error;
using core::Result;
using core::Status;

namespace {

// One planned change: what it does, in words, and how.
struct Action {
  std::string description;
  std::function<Status()> apply;
  std::string record;  // line appended to init-state when applied ("" = none)
};

struct RepoInfo {
  git::Repository repo;
  std::string root;        // work tree root, no trailing slash
  std::string common_dir;  // <git-common-dir>, no trailing slash
  std::string hooks_dir;
};

std::string StripSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

Result<std::string> ReadIfExists(const std::string& path) {
  if (!Exists(path)) return std::string();
  return core::ReadFile(path);
}

std::string StatePath(const RepoInfo& info) { return info.common_dir + "/pgstate/init-state"; }

std::vector<std::string> ReadState(const RepoInfo& info) {
  std::vector<std::string> lines;
  auto text = ReadIfExists(StatePath(info));
  if (!text.ok()) return lines;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

Status WriteState(const RepoInfo& info, const std::vector<std::string>& lines) {
  std::error_code ec;
  fs::create_directories(info.common_dir + "/pgstate", ec);
  if (lines.empty()) {
    fs::remove(StatePath(info), ec);
    fs::remove(info.common_dir + "/pgstate", ec);
    return {};
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return core::WriteFileAtomic(StatePath(info), text);
}

Result<RepoInfo> OpenRepo(const std::string& path) {
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (rc < 0) {
    return Error(core::kExitBadInput, "not a git repository: '" + path + "'");
  }
  RepoInfo info;
  info.repo.reset(raw);
  const char* workdir = git_repository_workdir(raw);
  if (!workdir) return Error(core::kExitBadInput, "'" + path + "' is a bare repository");
  info.root = StripSlash(workdir);
  info.common_dir = StripSlash(git_repository_commondir(raw));
  auto hooks = HooksDirectory(info.root);
  if (!hooks.ok()) return hooks.take_error();
  info.hooks_dir = *hooks;
  return info;
}

Result<std::string> GetLocalConfig(git_repository* repo, const std::string& key) {
  git_config* raw = nullptr;
  if (auto st =
          git::Check(git_repository_config(&raw, repo), "cannot read the repository's config");
      !st.ok()) {
    return st.take_error();
  }
  git::Config cfg(raw);
  git_config* local_raw = nullptr;
  if (git_config_open_level(&local_raw, cfg.get(), GIT_CONFIG_LEVEL_LOCAL) < 0)
    return std::string();
  git::Config local(local_raw);
  git_buf buf = GIT_BUF_INIT;
  if (git_config_get_string_buf(&buf, local.get(), key.c_str()) < 0) return std::string();
  std::string value(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return value;
}

Status SetLocalConfig(git_repository* repo, const std::string& key, const std::string* value) {
  git_config* raw = nullptr;
  if (auto st =
          git::Check(git_repository_config(&raw, repo), "cannot read the repository's config");
      !st.ok()) {
    return st;
  }
  git::Config cfg(raw);
  git_config* local_raw = nullptr;
  if (auto st = git::Check(git_config_open_level(&local_raw, cfg.get(), GIT_CONFIG_LEVEL_LOCAL),
                           "cannot open the repository's config");
      !st.ok()) {
    return st;
  }
  git::Config local(local_raw);
  if (value) {
    return git::Check(git_config_set_string(local.get(), key.c_str(), value->c_str()),
                      "cannot set '" + key + "'");
  }
  int rc = git_config_delete_entry(local.get(), key.c_str());
  if (rc == GIT_ENOTFOUND) return {};
  return git::Check(rc, "cannot unset '" + key + "'");
}

std::string HookWrapper(const std::string& name, const InitOptions& o) {
  std::string hook = o.hooks_source_dir + "/" + name;
  std::string s;
  s += "#!/bin/sh\n";
  s += std::string(kHookMarker) + "\n";
  s += "# Runs pgstate's " + name + " hook, then the hook that was here before pgstate (" + name +
       kChainedSuffix + "), if any.\n";
  s += "# Remove with 'pgstate init --uninstall'.\n";
  s += "PATH=\"" + o.bin_dir + ":$PATH\"; export PATH\n";
  s += "hook=\"" + hook + "\"\n";
  s += "chained=\"$(dirname \"$0\")/" + name + kChainedSuffix + "\"\n";
  if (name == "pre-commit" || name == "pre-push") {
    // Fail closed: a hook that cannot run does not let the commit or push through.
    s += "if [ ! -x \"$hook\" ]; then\n";
    s += "  echo \"pgstate: $hook is missing, so this " + name +
         " cannot be checked: refused\" >&2\n";
    s += "  echo \"pgstate: reinstall pgstate and run 'pgstate init', or bypass deliberately "
         "with --no-verify\" >&2\n";
    s += "  exit 1\n";
    s += "fi\n";
  }
  if (name == "pre-push") {
    // git feeds the pushed refs on stdin; both hooks need them.
    s += "input=$(cat)\n";
    s += "if [ -x \"$hook\" ]; then printf '%s\\n' \"$input\" | \"$hook\" \"$@\" || exit $?; fi\n";
    s += "if [ -x \"$chained\" ]; then printf '%s\\n' \"$input\" | \"$chained\" \"$@\"; exit $?; "
         "fi\n";
  } else {
    s += "if [ -x \"$hook\" ]; then \"$hook\" \"$@\" || exit $?; fi\n";
    s += "if [ -x \"$chained\" ]; then exec \"$chained\" \"$@\"; fi\n";
  }
  s += "exit 0\n";
  return s;
}

// "created-dir a\ncreated-dir a/b" for each component of `dir` that does not exist yet.
std::string CreatedDirsRecord(const std::string& root, const std::string& dir) {
  std::string record, prefix;
  for (const auto& part : fs::path(dir)) {
    prefix += (prefix.empty() ? "" : "/") + part.string();
    if (Exists(root + "/" + prefix)) continue;
    record += (record.empty() ? "" : "\n") + std::string("created-dir ") + prefix;
  }
  return record;
}

bool IsOurHook(const std::string& path) {
  auto text = ReadIfExists(path);
  return text.ok() && text->find(kHookMarker) != std::string::npos;
}

Status WriteExecutable(const std::string& path, const std::string& content) {
  if (auto st = core::WriteFileAtomic(path, content); !st.ok()) return st;
  if (::chmod(path.c_str(), 0755) != 0) {
    return Error(core::kExitEnvironment, "cannot make '" + path + "' executable");
  }
  return {};
}

std::vector<std::string> AttributeLines(const config::Config& c) {
  return {c.schema_dir + "/**/*.sql merge=pgstate", c.baseline + " merge=pgstate"};
}

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

std::string Rel(const RepoInfo& info, const std::string& path) {
  if (path.compare(0, info.root.size() + 1, info.root + "/") == 0) {
    return path.substr(info.root.size() + 1);
  }
  return path;
}

Result<std::vector<Action>> PlanInstall(RepoInfo& info, const InitOptions& o) {
  std::vector<Action> actions;
  std::string config_path = info.root + "/" + config::kConfigFileName;
  if (!Exists(config_path)) {
    actions.push_back(
        {"create .pgstate (commented defaults)",
         [config_path] { return core::WriteFileAtomic(config_path, config::DefaultConfigText()); },
         "created-file .pgstate"});
  }
  auto cfg = config::LoadConfig(info.root);
  if (!cfg.ok()) return cfg.take_error();

  // .gitattributes: keep what is there, add our lines.
  std::string attr_path = info.root + "/.gitattributes";
  auto attrs = ReadIfExists(attr_path);
  if (!attrs.ok()) return attrs.take_error();
  bool attr_file_exists = Exists(attr_path);
  std::vector<std::string> missing;
  for (const auto& line : AttributeLines(*cfg)) {
    if (!HasLine(*attrs, line)) missing.push_back(line);
  }
  if (!missing.empty()) {
    std::string text = *attrs;
    if (!text.empty() && text.back() != '\n') text += "\n";
    std::string desc = "add to .gitattributes:";
    for (const auto& l : missing) {
      text += l + "\n";
      desc += " '" + l + "'";
    }
    std::string record;
    for (const auto& l : missing)
      record += (record.empty() ? "" : "\n") + std::string("attribute ") + l;
    if (!attr_file_exists) record += "\ncreated-file .gitattributes";
    actions.push_back(
        {desc, [attr_path, text] { return core::WriteFileAtomic(attr_path, text); }, record});
  }

  // Merge driver in the repository's config.
  struct Key {
    std::string name, value;
  };
  std::vector<Key> keys = {
      {"merge.pgstate.name", "pgstate: merge SQL schema files object by object"},
      {"merge.pgstate.driver", MergeDriverCommand(o.bin_dir)}};
  for (const auto& k : keys) {
    auto current = GetLocalConfig(info.repo.get(), k.name);
    if (!current.ok()) return current.take_error();
    if (*current == k.value) continue;
    git_repository* repo = info.repo.get();
    actions.push_back({"set git config " + k.name + " = " + k.value,
                       [repo, k] { return SetLocalConfig(repo, k.name, &k.value); },
                       current->empty() ? "config " + k.name : ""});
  }

  // Hooks.
  for (const char* name : kHookNames) {
    std::string path = info.hooks_dir + "/" + name;
    std::string wrapper = HookWrapper(name, o);
    std::string rel = Rel(info, path);
    if (!Exists(path)) {
      std::string dir = info.hooks_dir;
      actions.push_back({"install hook " + rel,
                         [dir, path, wrapper] {
                           std::error_code ec;
                           fs::create_directories(dir, ec);
                           return WriteExecutable(path, wrapper);
                         },
                         std::string("hook ") + name});
    } else if (IsOurHook(path)) {
      auto current = core::ReadFile(path);
      if (current.ok() && *current == wrapper) continue;
      actions.push_back(
          {"update hook " + rel, [path, wrapper] { return WriteExecutable(path, wrapper); }, ""});
    } else {
      std::string chained = path + kChainedSuffix;
      if (Exists(chained)) {
        return Error(core::kExitBadInput, "cannot install hook '" + rel + "': both it and '" +
                                              Rel(info, chained) +
                                              "' exist and pgstate wrote neither");
      }
      actions.push_back({"install hook " + rel + " (the existing hook is kept as " +
                             Rel(info, chained) + " and still runs)",
                         [path, chained, wrapper]() -> Status {
                           std::error_code ec;
                           fs::rename(path, chained, ec);
                           if (ec)
                             return Error(core::kExitEnvironment,
                                          "cannot rename '" + path + "': " + ec.message());
                           return WriteExecutable(path, wrapper);
                         },
                         std::string("hook ") + name + "\nchained " + name});
    }
  }

  // The db/ layout.
  for (const std::string& dir : {cfg->schema_dir, cfg->migrations_dir}) {
    std::string full = info.root + "/" + dir;
    if (!Exists(full)) {
      actions.push_back({"create " + dir + "/",
                         [full]() -> Status {
                           std::error_code ec;
                           fs::create_directories(full, ec);
                           if (ec)
                             return Error(core::kExitEnvironment,
                                          "cannot create '" + full + "': " + ec.message());
                           return {};
                         },
                         CreatedDirsRecord(info.root, dir)});
    }
  }
  std::vector<ImportedFile> imported;
  if (!o.from_url.empty()) {
    auto dump = DumpSchema(o.from_url);
    if (!dump.ok()) return dump.take_error();
    SplitDumpOptions split;
    split.schema_dir = cfg->schema_dir;
    split.search_path = cfg->search_path;
    split.split = o.split;
    auto files = SplitDump(*dump, split);
    if (!files.ok()) return files.take_error();
    // Desired-state files already there would define everything a second time.
    std::set<std::string> ours;
    for (const auto& f : *files) ours.insert(f.path);
    std::error_code ec;
    std::string schema_root = info.root + "/" + cfg->schema_dir;
    for (auto it = fs::recursive_directory_iterator(schema_root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string rel = Rel(info, it->path().string());
      if (it->is_regular_file() && cfg->IsSchemaPath(rel) && !ours.count(rel)) {
        return Error(core::kExitBadInput,
                     "'" + rel +
                         "' is already desired state; --from-url starts a project "
                         "from a database (move " +
                         cfg->schema_dir + "/ away first)");
      }
    }
    imported.push_back({cfg->baseline, std::move(*dump)});
    for (auto& f : *files) imported.push_back(std::move(f));
  } else {
    imported.push_back({cfg->baseline, ""});
  }
  for (const ImportedFile& file : imported) {
    std::string full = info.root + "/" + file.path;
    auto current = ReadIfExists(full);
    if (!current.ok()) return current.take_error();
    bool exists = Exists(full);
    if (exists && (*current == file.text || o.from_url.empty())) continue;
    if (exists && !current->empty()) {
      return Error(core::kExitBadInput,
                   "'" + file.path +
                       "' already holds something else; --from-url starts a "
                       "project from a database and never overwrites (move it away first)");
    }
    std::string parent = fs::path(file.path).parent_path().string();
    std::string record = parent.empty() ? "" : CreatedDirsRecord(info.root, parent);
    if (!record.empty()) record += "\n";
    std::string description;
    if (file.text.empty()) {
      record += "created-file " + file.path;
      description = "create " + file.path + " (empty)";
    } else {
      // Removed by --uninstall only while it still holds what was written.
      record += std::string(exists ? "imported-into " : "imported-file ") +
                migrate::Sha256Hex(file.text) + " " + file.path;
      description = (exists ? "write " : "create ") + file.path + " (from the database)";
    }
    actions.push_back({description,
                       [full, text = file.text]() -> Status {
                         std::error_code ec;
                         fs::create_directories(fs::path(full).parent_path(), ec);
                         return core::WriteFileAtomic(full, text);
                       },
                       record});
  }
  return actions;
}

Result<std::vector<Action>> PlanUninstall(RepoInfo& info) {
  std::vector<Action> actions;
  std::vector<std::string> state = ReadState(info);
  std::set<std::string> records(state.begin(), state.end());

  // Hooks first: restore what pgstate chained.
  for (const char* name : kHookNames) {
    std::string path = info.hooks_dir + "/" + name;
    if (!records.count(std::string("hook ") + name) || !IsOurHook(path)) continue;
    std::string chained = path + kChainedSuffix;
    bool restore = records.count(std::string("chained ") + name) && Exists(chained);
    actions.push_back({restore ? "restore hook " + Rel(info, path) + " from " + Rel(info, chained)
                               : "remove hook " + Rel(info, path),
                       [path, chained, restore]() -> Status {
                         std::error_code ec;
                         if (restore) {
                           fs::rename(chained, path, ec);
                         } else {
                           fs::remove(path, ec);
                         }
                         if (ec)
                           return Error(core::kExitEnvironment,
                                        "cannot restore '" + path + "': " + ec.message());
                         return {};
                       },
                       ""});
  }
  for (const std::string& key :
       {std::string("merge.pgstate.name"), std::string("merge.pgstate.driver")}) {
    if (!records.count("config " + key)) continue;
    git_repository* repo = info.repo.get();
    actions.push_back({"unset git config " + key,
                       [repo, key] { return SetLocalConfig(repo, key, nullptr); }, ""});
  }
  std::vector<std::string> attr_lines;
  for (const auto& r : state) {
    if (r.compare(0, 10, "attribute ") == 0) attr_lines.push_back(r.substr(10));
  }
  std::string attr_path = info.root + "/.gitattributes";
  if (!attr_lines.empty() && Exists(attr_path)) {
    auto text = core::ReadFile(attr_path);
    if (!text.ok()) return text.take_error();
    std::string kept;
    std::istringstream in(*text);
    for (std::string l; std::getline(in, l);) {
      if (std::find(attr_lines.begin(), attr_lines.end(), l) == attr_lines.end()) kept += l + "\n";
    }
    bool remove_file = kept.empty() && records.count("created-file .gitattributes");
    actions.push_back({remove_file ? std::string("remove .gitattributes")
                                   : "remove pgstate's lines from .gitattributes",
                       [attr_path, kept, remove_file]() -> Status {
                         if (remove_file) {
                           std::error_code ec;
                           fs::remove(attr_path, ec);
                           return {};
                         }
                         return core::WriteFileAtomic(attr_path, kept);
                       },
                       ""});
  }
  // Files and folders init created, only while they are as init left them.
  std::string config_path = info.root + "/" + config::kConfigFileName;
  if (records.count("created-file .pgstate") && Exists(config_path)) {
    auto text = core::ReadFile(config_path);
    if (text.ok() && *text == config::DefaultConfigText()) {
      actions.push_back({"remove .pgstate",
                         [config_path]() -> Status {
                           std::error_code ec;
                           fs::remove(config_path, ec);
                           return {};
                         },
                         ""});
    }
  }
  // Deepest first, so a folder is empty by the time its turn comes.
  std::set<std::string> removed;
  for (auto it = state.rbegin(); it != state.rend(); ++it) {
    const std::string& r = *it;
    bool is_file = r.compare(0, 13, "created-file ") == 0;
    bool is_dir = r.compare(0, 12, "created-dir ") == 0;
    bool imported = r.compare(0, 14, "imported-file ") == 0;
    bool imported_into = r.compare(0, 14, "imported-into ") == 0;
    if (imported || imported_into) {
      // "imported-file <sha256> <path>": remove it (or, imported-into, empty it again) while it
      // still holds what init wrote.
      std::string hash = r.substr(14, 64);
      std::string rel = r.size() > 79 ? r.substr(79) : "";
      std::string full = info.root + "/" + rel;
      auto text = ReadIfExists(full);
      if (rel.empty() || !Exists(full) || !text.ok() || migrate::Sha256Hex(*text) != hash) {
        continue;
      }
      if (imported) removed.insert(full);
      actions.push_back(
          {(imported ? "remove " : "empty ") + rel + " (as written from the database)",
           [full, imported]() -> Status {
             if (!imported) return core::WriteFileAtomic(full, "");
             std::error_code ec;
             fs::remove(full, ec);
             return {};
           },
           ""});
      continue;
    }
    if (!is_file && !is_dir) continue;
    std::string rel = r.substr(is_file ? 13 : 12);
    if (rel == ".pgstate" || rel == ".gitattributes") continue;
    std::string full = info.root + "/" + rel;
    std::error_code ec;
    if (!Exists(full)) continue;
    bool empty = true;
    if (is_file) {
      empty = fs::file_size(full, ec) == 0;
    } else {
      // Empty once the removals planned before it (deeper paths) have run.
      for (const auto& entry : fs::directory_iterator(full, ec)) {
        if (!removed.count(entry.path().string())) empty = false;
      }
    }
    if (!empty || ec) continue;
    removed.insert(full);
    actions.push_back({"remove " + rel + (is_dir ? "/" : "") + " (empty)",
                       [full]() -> Status {
                         std::error_code ec2;
                         fs::remove(full, ec2);
                         return {};
                       },
                       ""});
  }
  return actions;
}

}  // namespace

std::string MergeDriverCommand(const std::string& bin_dir) {
  std::string exe = bin_dir.empty() ? std::string("pgstate-merge") : bin_dir + "/pgstate-merge";
  return exe +
         " --marker-size %L --ancestor-label %S --ours-label %X --theirs-label %Y %O %A %B %P";
}

Result<std::string> HooksDirectory(const std::string& repo_path) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, repo_path.c_str(), 0, nullptr) < 0) {
    return Error(core::kExitBadInput, "not a git repository: '" + repo_path + "'");
  }
  git::Repository repo(raw);
  std::string common = StripSlash(git_repository_commondir(raw));
  const char* workdir = git_repository_workdir(raw);
  git_config* cfg_raw = nullptr;
  if (git_repository_config_snapshot(&cfg_raw, raw) == 0) {
    git::Config cfg(cfg_raw);
    const char* value = nullptr;
    if (git_config_get_string(&value, cfg.get(), "core.hooksPath") == 0 && value && *value) {
      std::string hooks = value;
      if (hooks[0] == '~' && std::getenv("HOME")) hooks = std::getenv("HOME") + hooks.substr(1);
      if (hooks[0] != '/') hooks = StripSlash(workdir ? workdir : common) + "/" + hooks;
      return StripSlash(hooks);
    }
  }
  return common + "/hooks";
}

Result<InitReport> RunInit(const InitOptions& options) {
  auto info = OpenRepo(options.path);
  if (!info.ok()) return info.take_error();
  auto actions = options.uninstall ? PlanUninstall(*info) : PlanInstall(*info, options);
  if (!actions.ok()) return actions.take_error();
  InitReport report;
  report.repo_root = info->root;
  std::vector<std::string> state = ReadState(*info);
  for (const Action& a : *actions) {
    report.actions.push_back(a.description);
    if (options.dry_run) continue;
    if (auto st = a.apply(); !st.ok()) {
      (void)WriteState(*info, state);  // keep the record of what did happen
      return st.take_error();
    }
    if (!a.record.empty()) {
      std::istringstream in(a.record);
      for (std::string l; std::getline(in, l);) {
        if (std::find(state.begin(), state.end(), l) == state.end()) state.push_back(l);
      }
    }
  }
  if (!options.dry_run) {
    if (options.uninstall) state.clear();
    if (auto st = WriteState(*info, state); !st.ok()) return st.take_error();
  }
  return report;
}

}  // namespace pgstate::setup
