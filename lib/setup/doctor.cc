#include "setup/doctor.h"

#include <git2.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "config/config.h"
#include "core/build_info.h"
#include "core/file.h"
#include "core/subprocess.h"
#include "db/binaries.h"
#include "db/ephemeral_cluster.h"
#include "git/libgit2.h"
#include "setup/commands.h"
#include "setup/init.h"

namespace pgstate::setup {

namespace fs = std::filesystem;

namespace {

// Gathers the problems of one check: each with its fix, duplicate fixes said once.
class Findings {
 public:
  void Add(std::string detail, std::string fix) {
    details_.push_back(std::move(detail));
    // One command once: "pgstate init" and "pgstate init (adds …)" are the same fix; the
    // longer one says more.
    std::string command = fix.substr(0, fix.find(" ("));
    for (std::string& known : fixes_) {
      if (known.substr(0, known.find(" (")) != command) continue;
      if (fix.size() > known.size()) known = std::move(fix);
      return;
    }
    fixes_.push_back(std::move(fix));
  }
  bool empty() const { return details_.empty(); }
  Check ToCheck(std::string name, std::string ok_detail) const {
    if (details_.empty()) return {std::move(name), true, std::move(ok_detail), ""};
    return {std::move(name), false, Join(details_), Join(fixes_)};
  }

 private:
  static std::string Join(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : "; ") + p;
    return s;
  }
  std::vector<std::string> details_;
  std::vector<std::string> fixes_;
};

std::string JoinList(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string StripSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// `path` relative to `root` when it is below it, as the user would type it from there.
std::string Rel(const std::string& root, const std::string& path) {
  if (!root.empty() && path.compare(0, root.size() + 1, root + "/") == 0) {
    return path.substr(root.size() + 1);
  }
  return path;
}

std::string FormatSize(uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

uintmax_t TreeSize(const std::string& dir) {
  uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uintmax_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

// ---- 1. pgstate binaries ------------------------------------------------------------------

Check CheckPgstateBinaries(const DoctorOptions& o) {
  Findings findings;
  std::vector<std::string> missing;
  std::vector<std::string> dirs;
  std::string fix =
      "reinstall pgstate (./install.sh in its source tree) so every pgstate-<command> "
      "is in " +
      (o.bin_dir.empty() ? std::string("one directory on PATH") : o.bin_dir);
  for (const Command& command : kCommands) {
    std::string binary = std::string("pgstate-") + command.name;
    std::optional<std::string> path;
    if (!o.bin_dir.empty()) path = core::FindExecutable(o.bin_dir + "/" + binary, "");
    if (!path) path = core::FindExecutable(binary, o.path_env);
    if (!path) {
      missing.push_back(binary);
      continue;
    }
    std::string dir = fs::path(*path).parent_path().string();
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    core::SubprocessOptions run;
    run.argv = {*path, "--version"};
    auto result = core::RunSubprocess(run);
    if (!result.ok() || !result->ok()) {
      findings.Add(
          "'" + *path + " --version' failed" + (result.ok() ? " (" + result->Describe() + ")" : ""),
          fix);
      continue;
    }
    // "pgstate-check 0.1.0"
    std::string out = result->out;
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    std::string version = out.substr(out.rfind(' ') == std::string::npos ? 0 : out.rfind(' ') + 1);
    if (version != core::kVersion) {
      findings.Add(*path + " is version " + version + ", not " + core::kVersion, fix);
    }
  }
  if (!missing.empty()) {
    findings.Add("missing " + JoinList(missing) + " (looked in " +
                     (o.bin_dir.empty() ? std::string() : "'" + o.bin_dir + "' and ") + "PATH)",
                 fix);
  }
  return findings.ToCheck("pgstate binaries", std::to_string(std::size(kCommands)) +
                                                  " commands, version " + core::kVersion + ", in " +
                                                  JoinList(dirs));
}

// ---- 2. PostgreSQL ------------------------------------------------------------------------

Check CheckPostgres(const DoctorOptions& o, int configured_major,
                    std::optional<db::PostgresBinaries>& chosen) {
  db::BinarySearch search;
  search.path = o.path_env;
  search.lib_root = o.pg_lib_root;
  std::vector<db::PostgresBinaries> found = db::ListPostgresBinaries(search);
  std::string package =
      configured_major ? "postgresql-" + std::to_string(configured_major) : "postgresql";
  if (found.empty()) {
    return {"postgresql", false,
            "no server binaries (initdb, postgres) found: looked in 'pg_config --bindir', PATH "
            "and '" +
                o.pg_lib_root + "/*/bin'",
            "apt-get install " + package};
  }
  const db::PostgresBinaries* best = nullptr;
  for (const auto& b : found) {
    if (configured_major ? b.major == configured_major : (!best || b.major > best->major)) {
      if (!best) best = &b;
    }
  }
  std::string others;
  for (const auto& b : found) {
    if (&b == best) continue;
    others += (others.empty() ? "" : ", ") + std::to_string(b.major) + " in " + b.bindir;
  }
  if (!best) {
    return {"postgresql", false,
            ".pgstate asks for PostgreSQL " + std::to_string(configured_major) +
                " (postgres.version) but only " + others + " is installed",
            "apt-get install " + package + " (or set postgres.version in .pgstate to " +
                std::to_string(found.front().major) + ")"};
  }
  chosen = *best;
  std::string detail = "PostgreSQL " + best->version + " in " + best->bindir +
                       (configured_major ? " (postgres.version in .pgstate)" : " (the newest)");
  if (!others.empty()) detail += "; also " + others;
  return {"postgresql", true, detail, ""};
}

// ---- 3. the user the server runs as -------------------------------------------------------

Check CheckServerUser(const DoctorOptions& o) {
  uid_t uid = ::geteuid();
  if (uid != 0) {
    struct passwd* pw = ::getpwuid(uid);
    std::string name = pw ? pw->pw_name : "uid " + std::to_string(uid);
    return {"server user", true,
            "not root: the ephemeral server runs as '" + name + "', the user running pgstate", ""};
  }
  if (std::optional<std::string> user = db::ExistingServerUser()) {
    return {"server user", true,
            "running as root: the ephemeral server runs as the unprivileged user '" + *user + "'",
            ""};
  }
  if (core::FindExecutable("useradd", o.path_env + ":/usr/sbin:/sbin")) {
    return {"server user", true,
            "running as root: no user 'pgstate' or 'postgres' yet; the first verify creates the "
            "system user 'pgstate' (useradd --system) to run the server as",
            ""};
  }
  return {"server user", false,
          "running as root, PostgreSQL refuses to run as root, there is no user 'pgstate' or "
          "'postgres' and no useradd to create one",
          "create an unprivileged system user 'pgstate' (e.g. adduser --system --group pgstate)"};
}

// ---- 4. template cache --------------------------------------------------------------------

Check CheckTemplateCache(const DoctorOptions& o, const std::optional<db::PostgresBinaries>& pg) {
  std::string dir = o.cache_dir.empty() ? db::DefaultCacheDir() : o.cache_dir;
  std::string elsewhere = "or point XDG_CACHE_HOME at a directory of your own";
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
      return {"template cache", false,
              dir +
                  " is not a directory owned by the user running pgstate, so pgstate will not "
                  "use it",
              "rm -rf " + dir + " (a cache; rebuilt on use) " + elsewhere};
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return {"template cache", false, dir + " is not writable", "chmod 700 " + dir};
    }
  } else {
    // Start creates it with its parents: the nearest existing ancestor must be writable.
    fs::path ancestor = fs::path(dir).parent_path();
    while (!ancestor.empty() && !Exists(ancestor.string()) && ancestor != ancestor.root_path()) {
      ancestor = ancestor.parent_path();
    }
    if (ancestor.empty() || ::access(ancestor.c_str(), W_OK | X_OK) != 0) {
      return {
          "template cache", false,
          dir + " does not exist and cannot be created (" + ancestor.string() + " is not writable)",
          "mkdir -p " + dir + " as a user who may, and chown it to yourself, " + elsewhere};
    }
  }
  if (!pg) return {"template cache", true, dir + ": no PostgreSQL found, so no template yet", ""};
  std::string tmpl = db::TemplatePath(dir, pg->major);
  if (::access((tmpl + "/PG_VERSION").c_str(), R_OK) != 0) {
    return {"template cache", true,
            dir + ": no template for PostgreSQL " + std::to_string(pg->major) +
                " yet; the first verify builds it (~3 s)",
            ""};
  }
  return {"template cache", true,
          "template for PostgreSQL " + std::to_string(pg->major) + " in " + tmpl + " (" +
              FormatSize(TreeSize(tmpl)) + ")",
          ""};
}

// ---- 6. .pgstate --------------------------------------------------------------------------

Check CheckConfig(const std::string& root, const core::Result<config::Config>& cfg) {
  std::string path = root + "/" + config::kConfigFileName;
  if (!Exists(path)) {
    return {".pgstate", false, "no .pgstate in " + root,
            "pgstate init (writes a commented .pgstate with the defaults)"};
  }
  if (!cfg.ok()) {
    core::Error error = cfg.error();
    if (error.location) error.location->file = Rel(root, error.location->file);
    for (size_t at; (at = error.message.find(path)) != std::string::npos;) {
      error.message.replace(at, path.size(), config::kConfigFileName);
    }
    std::string where = error.location && error.location->line > 0
                            ? " line " + std::to_string(error.location->line)
                            : "";
    return {".pgstate", false, error.ToString(),
            "edit .pgstate" + where + " (keys and values: 'Configuration' in the README)"};
  }
  std::string detail = "valid (schema " + cfg->schema_dir + ", baseline " + cfg->baseline +
                       ", migrations " + cfg->migrations_dir;
  if (cfg->postgres_version) detail += ", postgres " + std::to_string(cfg->postgres_version);
  return {".pgstate", true, detail + ")", ""};
}

// ---- 7. hooks -----------------------------------------------------------------------------

Check CheckHooks(const DoctorOptions& o, const std::string& root) {
  auto hooks_dir = HooksDirectory(root);
  if (!hooks_dir.ok()) return {"hooks", false, hooks_dir.error().ToString(), "pgstate init"};
  std::string rel_dir = Rel(root, *hooks_dir);
  Findings findings;
  std::vector<std::string> missing, foreign, calls, chained;
  std::string reinit = "pgstate init (points the hooks at this installation)";
  for (const char* name : kHookNames) {
    std::string path = *hooks_dir + "/" + name;
    std::string rel = Rel(root, path);
    if (!Exists(path)) {
      missing.push_back(name);
      continue;
    }
    auto text = core::ReadFile(path);
    if (!text.ok() || text->find(kHookMarker) == std::string::npos) {
      foreign.push_back(name);
      continue;
    }
    if (!IsExecutableFile(path)) {
      findings.Add(rel + " is not executable, so git does not run it", "chmod +x " + rel);
    }
    std::string chained_path = path + kChainedSuffix;
    if (Exists(chained_path)) {
      std::string chained_rel = Rel(root, chained_path);
      if (IsExecutableFile(chained_path)) {
        chained.push_back(std::string(name) + kChainedSuffix);
      } else {
        findings.Add(chained_rel +
                         " (the hook pgstate init kept) is not executable, so it "
                         "does not run",
                     "chmod +x " + chained_rel);
      }
    }
    HookWrapperInfo wrapper = ParseHookWrapper(*text);
    if (wrapper.hook_script.empty()) {
      findings.Add(rel + " does not say which hook script it runs", reinit);
      continue;
    }
    // The wrapper skips a script that is not there: that hook would silently do nothing.
    if (!IsExecutableFile(wrapper.hook_script)) {
      findings.Add(rel + " runs " + wrapper.hook_script + ", which is missing or not executable",
                   reinit);
      continue;
    }
    auto script = core::ReadFile(wrapper.hook_script);
    if (!script.ok()) continue;
    std::string search = wrapper.bin_dir.empty() ? o.path_env : wrapper.bin_dir + ":" + o.path_env;
    for (const std::string& binary : BinariesCalled(*script)) {
      if (!core::FindExecutable(binary, search)) {
        findings.Add(rel + " calls " + binary + ", which is neither in " +
                         (wrapper.bin_dir.empty() ? "" : "'" + wrapper.bin_dir + "' nor in ") +
                         "PATH",
                     reinit);
      } else if (std::find(calls.begin(), calls.end(), binary) == calls.end()) {
        calls.push_back(binary);
      }
    }
  }
  if (!missing.empty()) {
    findings.Add("not installed in " + rel_dir + ": " + JoinList(missing), "pgstate init");
  }
  if (!foreign.empty()) {
    findings.Add(JoinList(foreign) + " in " + rel_dir + " not written by pgstate",
                 "pgstate init (keeps " + std::string(foreign.size() > 1 ? "them" : "it") +
                     " and chains " + (foreign.size() > 1 ? "them" : "it") + ")");
  }
  std::vector<std::string> names(std::begin(kHookNames), std::end(kHookNames));
  std::string ok = JoinList(names) + " in " + rel_dir;
  if (!calls.empty()) ok += ", calling " + JoinList(calls);
  if (!chained.empty()) ok += "; chained: " + JoinList(chained);
  return findings.ToCheck("hooks", ok);
}

// ---- 8. merge driver ----------------------------------------------------------------------

// The value of the merge attribute git gives `path`; "" when unset.
std::string MergeAttribute(git_repository* repo, const std::string& path) {
  const char* value = nullptr;
  if (git_attr_get(&value, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path.c_str(), "merge") < 0) {
    return "";
  }
  if (git_attr_value(value) == GIT_ATTR_VALUE_STRING) return value;
  return "";
}

Check CheckMergeDriver(const DoctorOptions& o, git_repository* repo, const config::Config& cfg) {
  Findings findings;
  std::string driver;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) == 0) {
    git::Config snapshot(raw);
    const char* value = nullptr;
    if (git_config_get_string(&value, snapshot.get(), "merge.pgstate.driver") == 0 && value) {
      driver = value;
    }
  }
  std::string reinit = "pgstate init (sets the driver to this installation's pgstate-merge)";
  std::string program = FirstWord(driver);
  std::optional<std::string> resolved;
  if (program.empty()) {
    findings.Add("merge.pgstate.driver is not set in git config, so schema files merge as text",
                 "pgstate init");
  } else {
    resolved =
        core::FindExecutable(program, program.find('/') == std::string::npos ? o.path_env : "");
    if (!resolved) {
      findings.Add(
          "merge.pgstate.driver runs '" + program + "', which " +
              (program.find('/') == std::string::npos ? "is not on PATH"
                                                      : "does not exist or is not executable"),
          reinit);
    }
  }
  // git asks for the attribute of one path at a time: a file in the schema folder stands for
  // all of them.
  std::vector<std::string> unassigned;
  if (MergeAttribute(repo, cfg.schema_dir + "/x.sql") != "pgstate") {
    unassigned.push_back(cfg.schema_dir + "/**/*.sql");
  }
  if (MergeAttribute(repo, cfg.baseline) != "pgstate") unassigned.push_back(cfg.baseline);
  if (!unassigned.empty()) {
    findings.Add(".gitattributes does not give merge=pgstate to " + JoinList(unassigned),
                 "pgstate init (adds '" + cfg.schema_dir + "/**/*.sql merge=pgstate' and '" +
                     cfg.baseline + " merge=pgstate' to .gitattributes)");
  }
  return findings.ToCheck("merge driver", (resolved ? *resolved : program) + " for " +
                                              cfg.schema_dir + "/**/*.sql and " + cfg.baseline);
}

}  // namespace

core::Result<std::vector<Check>> RunDoctor(const DoctorOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.path, ec)) {
    return core::Error(core::kExitBadInput, "not a directory: '" + options.path + "'");
  }
  // The repository first, quietly: its .pgstate chooses the PostgreSQL version.
  git::Repository repo;
  std::string root;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, options.path.c_str(), 0, nullptr) == 0) {
    repo.reset(raw);
    if (const char* workdir = git_repository_workdir(raw)) root = StripSlash(workdir);
  }
  core::Result<config::Config> cfg = config::Config{};
  if (!root.empty()) cfg = config::LoadConfig(root);
  int configured_major = cfg.ok() ? cfg->postgres_version : 0;

  std::vector<Check> checks;
  checks.push_back(CheckPgstateBinaries(options));
  std::optional<db::PostgresBinaries> pg;
  checks.push_back(CheckPostgres(options, configured_major, pg));
  checks.push_back(CheckServerUser(options));
  checks.push_back(CheckTemplateCache(options, pg));
  if (!repo) {
    std::string where = fs::absolute(options.path, ec).lexically_normal().string();
    checks.push_back({"repository", true,
                      "'" + StripSlash(where) + "' is not inside a git work tree; repository " +
                          "checks skipped",
                      ""});
    return checks;
  }
  if (root.empty()) {
    checks.push_back({"repository", true, "a bare repository; repository checks skipped", ""});
    return checks;
  }
  checks.push_back({"repository", true, root, ""});
  checks.push_back(CheckConfig(root, cfg));
  checks.push_back(CheckHooks(options, root));
  checks.push_back(CheckMergeDriver(options, repo.get(), cfg.ok() ? *cfg : config::Config{}));
  return checks;
}

size_t CountProblems(const std::vector<Check>& checks) {
  return static_cast<size_t>(
      std::count_if(checks.begin(), checks.end(), [](const Check& c) { return !c.ok; }));
}

std::string DoctorSummary(const std::vector<Check>& checks) {
  size_t problems = CountProblems(checks);
  std::string s = "pgstate doctor: " + std::to_string(checks.size()) +
                  (checks.size() == 1 ? " check, " : " checks, ");
  if (problems == 0) return s + "no problems";
  return s + std::to_string(problems) + (problems == 1 ? " problem" : " problems");
}

std::string RenderDoctorHuman(const std::vector<Check>& checks, bool color) {
  std::string out;
  for (const Check& c : checks) {
    const char* word = c.ok ? "ok" : "problem";
    std::string padding(9 - std::string_view(word).size(), ' ');
    if (color) {
      out += std::string(c.ok ? "\033[32m" : "\033[1;31m") + word + "\033[0m";
    } else {
      out += word;
    }
    out += padding + c.name + ": " + c.detail + "\n";
    if (!c.ok && !c.fix.empty()) out += "         fix: " + c.fix + "\n";
  }
  return out + DoctorSummary(checks) + "\n";
}

std::string RenderDoctorJson(const std::vector<Check>& checks) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Check& c : checks) {
    nlohmann::ordered_json item;
    item["name"] = c.name;
    item["ok"] = c.ok;
    item["detail"] = c.detail;
    item["fix"] = c.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.fix);
    array.push_back(std::move(item));
  }
  return array.dump(2) + "\n";
}

HookWrapperInfo ParseHookWrapper(std::string_view text) {
  HookWrapperInfo info;
  // The lines HookWrapper writes: PATH="<bin_dir>:$PATH"; export PATH / hook="<script>".
  auto quoted_after = [&](std::string_view prefix) -> std::optional<std::string> {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      if (line.substr(0, prefix.size()) != prefix) continue;
      size_t close = line.find('"', prefix.size());
      if (close == std::string_view::npos) continue;
      return std::string(line.substr(prefix.size(), close - prefix.size()));
    }
    return std::nullopt;
  };
  if (auto path = quoted_after("PATH=\"")) {
    const std::string suffix = ":$PATH";
    if (path->size() >= suffix.size() &&
        path->compare(path->size() - suffix.size(), suffix.size(), suffix) == 0) {
      info.bin_dir = path->substr(0, path->size() - suffix.size());
    }
  }
  if (auto hook = quoted_after("hook=\"")) info.hook_script = *hook;
  return info;
}

std::vector<std::string> BinariesCalled(std::string_view script) {
  std::vector<std::string> found;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    std::string_view line = script.substr(start, end - start);
    start = end + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    for (size_t at = line.find("pgstate-"); at != std::string_view::npos;
         at = line.find("pgstate-", at + 1)) {
      // A word of its own: not the tail of a longer name or path segment such as /x-pgstate-a.
      if (at > 0 && (std::isalnum(static_cast<unsigned char>(line[at - 1])) ||
                     line[at - 1] == '-' || line[at - 1] == '_')) {
        continue;
      }
      size_t stop = at + 8;
      while (stop < line.size() &&
             (std::islower(static_cast<unsigned char>(line[stop])) || line[stop] == '-')) {
        ++stop;
      }
      std::string name(line.substr(at, stop - at));
      while (!name.empty() && name.back() == '-') name.pop_back();
      if (name.size() > 8 && std::find(found.begin(), found.end(), name) == found.end()) {
        found.push_back(name);
      }
    }
  }
  return found;
}

std::string FirstWord(std::string_view command) {
  size_t start = command.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "";
  char quote = command[start];
  if (quote == '"' || quote == '\'') {
    size_t close = command.find(quote, start + 1);
    if (close == std::string_view::npos) return std::string(command.substr(start + 1));
    return std::string(command.substr(start + 1, close - start - 1));
  }
  size_t end = command.find_first_of(" \t", start);
  return std::string(command.substr(start, end == std::string_view::npos ? end : end - start));
}

}  // namespace pgstate::setup
