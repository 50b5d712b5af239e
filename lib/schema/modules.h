#pragma once
// schema/: modules — which desired-state files belong to whom, and which modules each may use.
//
// A module is a folder of desired-state files with an owner and the modules it requires
// (.pgstate `[module "name"]`). A file belongs to the module with the longest path that
// contains it; files outside every module belong to the root module (index kRoot), which every
// module may use and which uses no module. Module X may reference an object of module Y when
// X is Y, Y is the root, or X requires Y directly or through a chain of requirements.
//
// Modules also order a load: root first, then every module after the modules it requires
// (configuration order among equals); inside a module, objects load in dependency order.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace pgstate::schema {

/// A module a change touches, and who owns it: what `changes` and `check` report so a change
/// reaches the right reviewers.
struct ModuleTouch {
  std::string name;   ///< "(root)" for files outside every module
  std::string owner;  ///< "" when none is configured
  size_t count = 0;   ///< what the caller counts in it: object changes, files
};

/// The distinct owners of `touched`, in order, leaving out modules without one.
std::vector<std::string> OwnersOf(const std::vector<ModuleTouch>& touched);

class Modules {
 public:
  static constexpr size_t kRoot = 0;

  struct Info {
    std::string name;              ///< "(root)" for the root module
    std::string path;              ///< "" for the root module
    std::string owner;             ///< "" when none is configured
    std::vector<size_t> required;  ///< direct requirements (indexes)
    int line = 0;                  ///< .pgstate line of `[module "…"]`; 0 for the root
  };

  /// No module configured: everything is the root module.
  Modules() : Modules(std::vector<config::Module>{}) {}
  /// `modules` must be valid (config::LoadConfig checks names and paths).
  explicit Modules(const std::vector<config::Module>& modules);

  /// False when no module is configured (everything is the root module).
  bool configured() const { return modules_.size() > 1; }
  size_t size() const { return modules_.size(); }
  const Info& operator[](size_t index) const { return modules_[index]; }
  const std::vector<Info>& all() const { return modules_; }
  /// The index of the module named `name`, or size() when there is none.
  size_t Find(std::string_view name) const;

  /// The module a repository-relative path belongs to.
  size_t ModuleOf(std::string_view path) const;
  /// True when an object of module `from` may reference one of module `to`.
  bool MayUse(size_t from, size_t to) const { return reach_[from][to]; }

  /// Requirement cycles, each as its members in order (each requires the next, the last the
  /// first), starting from the member that comes first in the configuration; one per cycle.
  const std::vector<std::vector<size_t>>& cycles() const { return cycles_; }
  /// The rank of each module in load order (root 0): required modules rank lower.
  size_t Rank(size_t module) const { return rank_[module]; }

  /// The modules with a non-zero `counts[m]` (indexed like the modules), or listed in `also`,
  /// in module order.
  std::vector<ModuleTouch> Touches(const std::vector<size_t>& counts,
                                   const std::vector<bool>& also = {}) const;

 private:
  std::vector<Info> modules_;
  std::vector<std::vector<bool>> reach_;
  std::vector<std::vector<size_t>> cycles_;
  std::vector<size_t> rank_;
};

}  // namespace pgstate::schema
