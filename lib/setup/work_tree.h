#pragma once
// setup/work_tree: what `pgstate owners` and `pgstate graph` read from the repository around a
// directory: its .pgstate modules, the paths given on the command line as repository paths,
// and the source model of the work tree's desired-state files.

#include <string>
#include <vector>

#include "core/error.h"
#include "report/owners.h"
#include "schema/model.h"
#include "schema/modules.h"

namespace pgstate::setup {

struct Owners {
  schema::Modules modules;               ///< from the repository's .pgstate
  std::vector<report::OwnedPath> paths;  ///< one per path given, in that order
};

/// Maps `paths` (relative to `cwd` or to the repository's root, absolute paths inside the
/// repository) to their modules. A path is taken relative to `cwd` when that exists, else
/// relative to the root when that exists, else relative to `cwd` unless that falls outside the
/// repository: a deleted file still has a module. Errors (kExitBadInput): not in a repository,
/// a bare repository, an invalid .pgstate (with its location), an absolute path outside the
/// repository.
core::Result<Owners> FindOwners(const std::string& cwd, const std::vector<std::string>& paths);

/// The source model of the desired-state files in the work tree of the repository holding
/// `cwd`, with its modules. Errors (kExitBadInput): not in a repository, an invalid .pgstate,
/// an unreadable file. Syntax errors are not errors here: the files' errors() hold them.
core::Result<schema::Model> WorkTreeModel(const std::string& cwd);

}  // namespace pgstate::setup
