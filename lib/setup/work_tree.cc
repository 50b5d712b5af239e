#include "setup/work_tree.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "config/config.h"
#include "git/repository.h"
#include "git/snapshot.h"
#include "verify/states.h"

namespace pgstate::setup {

namespace fs = std::filesystem;
using core::Error;
using core::kExitBadInput;

namespace {

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

bool IsDirectory(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// `path` relative to `root` when it is inside it ("" for the root itself), else nullopt. Both
// are absolute and lexically normal.
std::optional<std::string> Inside(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  std::string text = relative.generic_string();
  if (relative.empty() || text == ".." || text.rfind("../", 0) == 0) return std::nullopt;
  if (text == ".") return std::string();
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

// The desired-state files under `folder` (absolute) as repository paths, sorted; .git skipped.
std::vector<std::string> SchemaFilesUnder(const fs::path& folder, const fs::path& root,
                                          const config::Config& config) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::optional<std::string> path = Inside(it->path().lexically_normal(), root);
    if (path && config.IsSchemaPath(*path)) files.push_back(*path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

core::Result<Owners> FindOwners(const std::string& cwd, const std::vector<std::string>& paths) {
  auto repo = git::OpenRepository(cwd);
  if (!repo.ok()) return repo.take_error();
  std::string root_text = git::WorkTreeRoot(repo->get());
  if (root_text.empty()) return Error(kExitBadInput, "a bare repository has no work tree");
  auto config = config::LoadConfig(root_text);
  if (!config.ok()) return config.take_error();

  // Symbolic links (/tmp -> /private/tmp) must not make a path look outside the repository.
  std::error_code ec;
  fs::path root = fs::weakly_canonical(root_text, ec);
  if (ec) root = fs::path(root_text);
  fs::path base = fs::weakly_canonical(fs::absolute(cwd, ec), ec);

  Owners owners{schema::Modules(config->modules), {}};
  for (const std::string& given : paths) {
    fs::path from_cwd = fs::weakly_canonical(base / given, ec).lexically_normal();
    fs::path from_root = (root / given).lexically_normal();
    fs::path chosen = from_cwd;
    bool absolute = fs::path(given).is_absolute();
    if (!absolute && !Exists(from_cwd) && (Exists(from_root) || !Inside(from_cwd, root))) {
      chosen = from_root;
    }
    std::optional<std::string> relative = Inside(chosen, root);
    if (!relative) {
      return Error(kExitBadInput,
                   "path '" + given + "' is outside the repository at '" + root_text + "'");
    }
    report::OwnedPathInput input;
    input.path = *relative;
    input.directory = IsDirectory(chosen);
    if (input.directory) input.files = SchemaFilesUnder(chosen, root, *config);
    owners.paths.push_back(report::MapPath(owners.modules, input));
  }
  return owners;
}

core::Result<schema::Model> WorkTreeModel(const std::string& cwd) {
  auto repo = git::OpenRepository(cwd);
  if (!repo.ok()) return repo.take_error();
  if (git::WorkTreeRoot(repo->get()).empty()) {
    return Error(kExitBadInput, "a bare repository has no work tree");
  }
  auto snapshot = verify::ReadSnapshot(repo->get(), git::Source::WorkTree());
  if (!snapshot.ok()) return snapshot.take_error();
  return verify::DesiredModel(*snapshot);
}

}  // namespace pgstate::setup
