#pragma once
// report/owners: which modules, and so which owners, a set of paths belongs to (`pgstate
// owners`), and its renderings: one owner per line for review tooling, or JSON
// (docs/owners-json.md).
//
// Mapping is pure: the caller says which paths are folders and which desired-state files each
// folder holds, so it is testable without a file system.

#include <cstddef>
#include <string>
#include <vector>

#include "schema/modules.h"

namespace pgstate::report {

/// A path as `pgstate owners` was given it, repository-relative ("" is the repository's root).
struct OwnedPathInput {
  std::string path;
  bool directory = false;          ///< a folder of the work tree
  std::vector<std::string> files;  ///< a folder's desired-state files, repository-relative
};

/// A path and the modules it belongs to, in module order.
struct OwnedPath {
  std::string path;
  std::vector<size_t> modules;  ///< indexes in schema::Modules; never empty
};

/// The modules of one path. A file (or a path that does not exist) belongs to one module, the
/// one holding it; a folder to the modules of its files, the modules whose path is the folder or
/// inside it, and the module holding the folder.
OwnedPath MapPath(const schema::Modules& modules, const OwnedPathInput& input);

/// The distinct owners of the modules of `paths`, in module order; modules without an owner
/// (the root among them) give none.
std::vector<std::string> OwnersOf(const schema::Modules& modules,
                                  const std::vector<OwnedPath>& paths);

/// One owner per line (OwnersOf); "" when there is none.
std::string RenderOwnersHuman(const schema::Modules& modules, const std::vector<OwnedPath>& paths);

/// A JSON array with one {"path", "module", "owner"} object per path and module, in the order of
/// `paths`; "owner" is null for a module without one.
std::string RenderOwnersJson(const schema::Modules& modules, const std::vector<OwnedPath>& paths);

}  // namespace pgstate::report
