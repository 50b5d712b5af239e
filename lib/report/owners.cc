#include "report/owners.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace pgstate::report {

using schema::Modules;
using json = nlohmann::ordered_json;

OwnedPath MapPath(const Modules& modules, const OwnedPathInput& input) {
  std::set<size_t> found;
  if (!input.directory) {
    found.insert(modules.ModuleOf(input.path));
  } else {
    std::string prefix = input.path.empty() ? "" : input.path + "/";
    // The module holding the folder: a file added there would be its own. The root only counts
    // through files, or every folder outside the modules would name it.
    size_t holder = prefix.empty() ? Modules::kRoot : modules.ModuleOf(prefix);
    if (holder != Modules::kRoot) found.insert(holder);
    for (size_t m = 1; m < modules.size(); ++m) {
      if (modules[m].path.compare(0, prefix.size(), prefix) == 0) found.insert(m);
    }
    for (const std::string& file : input.files) found.insert(modules.ModuleOf(file));
    if (found.empty()) found.insert(holder);
  }
  return {input.path.empty() ? "." : input.path, {found.begin(), found.end()}};
}

std::vector<std::string> OwnersOf(const Modules& modules, const std::vector<OwnedPath>& paths) {
  std::set<size_t> all;
  for (const OwnedPath& p : paths) all.insert(p.modules.begin(), p.modules.end());
  std::vector<std::string> owners;
  for (size_t m : all) {
    const std::string& owner = modules[m].owner;
    if (!owner.empty() && std::find(owners.begin(), owners.end(), owner) == owners.end()) {
      owners.push_back(owner);
    }
  }
  return owners;
}

std::string RenderOwnersHuman(const Modules& modules, const std::vector<OwnedPath>& paths) {
  std::string out;
  for (const std::string& owner : OwnersOf(modules, paths)) out += owner + "\n";
  return out;
}

std::string RenderOwnersJson(const Modules& modules, const std::vector<OwnedPath>& paths) {
  json doc = json::array();
  for (const OwnedPath& p : paths) {
    for (size_t m : p.modules) {
      const std::string& owner = modules[m].owner;
      doc.push_back({{"path", p.path},
                     {"module", modules[m].name},
                     {"owner", owner.empty() ? json(nullptr) : json(owner)}});
    }
  }
  return doc.dump(2) + "\n";
}

}  // namespace pgstate::report
