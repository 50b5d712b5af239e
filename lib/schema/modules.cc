#include "schema/modules.h"

#include <algorithm>
#include <functional>

namespace pgstate::schema {

Modules::Modules(const std::vector<config::Module>& modules) {
  modules_.push_back(Info{"(root)", "", "", {}, 0});
  for (const config::Module& m : modules)
    modules_.push_back(Info{m.name, m.path, m.owner, {}, m.line});
  for (size_t i = 0; i < modules.size(); ++i) {
    for (const std::string& r : modules[i].required) {
      size_t to = Find(r);
      if (to < modules_.size() && to != i + 1) modules_[i + 1].required.push_back(to);
    }
  }
  size_t n = modules_.size();

  // What each module may use: itself, the root, and everything its requirements reach.
  reach_.assign(n, std::vector<bool>(n, false));
  for (size_t from = 0; from < n; ++from) {
    std::vector<size_t> pending = {from};
    reach_[from][from] = true;
    reach_[from][kRoot] = true;
    while (!pending.empty()) {
      size_t m = pending.back();
      pending.pop_back();
      for (size_t r : modules_[m].required) {
        if (!reach_[from][r]) {
          reach_[from][r] = true;
          pending.push_back(r);
        }
      }
    }
  }

  // Cycles: a depth-first search reports the path from where it re-enters a module on the
  // stack; a cycle is reported once, from its first member in configuration order.
  std::vector<int> state(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<size_t> stack;
  std::function<void(size_t)> visit = [&](size_t m) {
    state[m] = 1;
    stack.push_back(m);
    for (size_t r : modules_[m].required) {
      if (state[r] == 1) {
        std::vector<size_t> cycle(std::find(stack.begin(), stack.end(), r), stack.end());
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        if (std::find(cycles_.begin(), cycles_.end(), cycle) == cycles_.end()) {
          cycles_.push_back(std::move(cycle));
        }
      } else if (state[r] == 0) {
        visit(r);
      }
    }
    stack.pop_back();
    state[m] = 2;
  };
  for (size_t m = 1; m < n; ++m) {
    if (state[m] == 0) visit(m);
  }
  std::sort(cycles_.begin(), cycles_.end());

  // Load ranks: a module ranks after everything it requires (longest requirement chain);
  // modules in a cycle share what the chain gives them.
  rank_.assign(n, 0);
  for (size_t round = 0; round < n; ++round) {
    bool changed = false;
    for (size_t m = 1; m < n; ++m) {
      for (size_t r : modules_[m].required) {
        if (reach_[r][m]) continue;  // a cycle: no order between its members
        if (rank_[m] < rank_[r] + 1) {
          rank_[m] = rank_[r] + 1;
          changed = true;
        }
      }
      if (rank_[m] == 0) {
        rank_[m] = 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

std::vector<std::string> OwnersOf(const std::vector<ModuleTouch>& touched) {
  std::vector<std::string> owners;
  for (const ModuleTouch& m : touched) {
    if (!m.owner.empty() && std::find(owners.begin(), owners.end(), m.owner) == owners.end()) {
      owners.push_back(m.owner);
    }
  }
  return owners;
}

std::vector<ModuleTouch> Modules::Touches(const std::vector<size_t>& counts,
                                          const std::vector<bool>& also) const {
  std::vector<ModuleTouch> touched;
  for (size_t m = 0; m < modules_.size(); ++m) {
    size_t count = m < counts.size() ? counts[m] : 0;
    if (count > 0 || (m < also.size() && also[m])) {
      touched.push_back({modules_[m].name, modules_[m].owner, count});
    }
  }
  return touched;
}

size_t Modules::Find(std::string_view name) const {
  for (size_t i = 1; i < modules_.size(); ++i) {
    if (modules_[i].name == name) return i;
  }
  return modules_.size();
}

size_t Modules::ModuleOf(std::string_view path) const {
  size_t best = kRoot;
  size_t best_length = 0;
  for (size_t i = 1; i < modules_.size(); ++i) {
    const std::string& dir = modules_[i].path;
    bool inside = path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                  path[dir.size()] == '/';
    if (inside && dir.size() > best_length) {
      best = i;
      best_length = dir.size();
    }
  }
  return best;
}

}  // namespace pgstate::schema
