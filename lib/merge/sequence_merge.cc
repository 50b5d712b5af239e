#include "merge/sequence_merge.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <list>
#include <unordered_map>
#include <unordered_set>

namespace pgstate::merge {

namespace {

// Beyond this many cells a range without unique anchors is left unmatched by position (the
// leftover pass of MatchUnits still pairs equal identities in order).
constexpr size_t kMaxLcsCells = size_t{1} << 20;
constexpr int kMaxDepth = 64;

class Aligner {
 public:
  Aligner(const std::vector<int>& a, const std::vector<int>& b) : a_(a), b_(b) {}

  std::vector<std::pair<int, int>> Run() {
    Align(0, static_cast<int>(a_.size()), 0, static_cast<int>(b_.size()), 0);
    return std::move(out_);
  }

 private:
  void Align(int alo, int ahi, int blo, int bhi, int depth) {
    while (alo < ahi && blo < bhi && a_[alo] == b_[blo]) out_.emplace_back(alo++, blo++);
    std::vector<std::pair<int, int>> suffix;
    while (alo < ahi && blo < bhi && a_[ahi - 1] == b_[bhi - 1]) suffix.emplace_back(--ahi, --bhi);
    if (alo < ahi && blo < bhi) Middle(alo, ahi, blo, bhi, depth);
    out_.insert(out_.end(), suffix.rbegin(), suffix.rend());
  }

  // Patience: identities that occur once on each side anchor the alignment (their longest
  // increasing run), and the gaps between anchors are aligned the same way.
  void Middle(int alo, int ahi, int blo, int bhi, int depth) {
    struct Count {
      int in_a = 0, in_b = 0, at_a = -1, at_b = -1;
    };
    std::unordered_map<int, Count> counts;
    for (int i = alo; i < ahi; ++i) {
      Count& c = counts[a_[i]];
      ++c.in_a;
      c.at_a = i;
    }
    for (int j = blo; j < bhi; ++j) {
      auto it = counts.find(b_[j]);
      if (it == counts.end()) continue;
      ++it->second.in_b;
      it->second.at_b = j;
    }
    std::vector<std::pair<int, int>> unique;
    for (const auto& [id, c] : counts) {
      if (c.in_a == 1 && c.in_b == 1) unique.emplace_back(c.at_a, c.at_b);
    }
    if (!unique.empty() && depth < kMaxDepth) {
      std::sort(unique.begin(), unique.end());
      std::vector<std::pair<int, int>> anchors = LongestIncreasing(unique);
      int pa = alo, pb = blo;
      for (const auto& [i, j] : anchors) {
        Align(pa, i, pb, j, depth + 1);
        out_.emplace_back(i, j);
        pa = i + 1;
        pb = j + 1;
      }
      Align(pa, ahi, pb, bhi, depth + 1);
      return;
    }
    Lcs(alo, ahi, blo, bhi);
  }

  // Pairs sorted by first; the longest run increasing in second.
  static std::vector<std::pair<int, int>> LongestIncreasing(
      const std::vector<std::pair<int, int>>& pairs) {
    std::vector<int> tails;  // index into pairs of the smallest tail of each length
    std::vector<int> prev(pairs.size(), -1);
    for (size_t k = 0; k < pairs.size(); ++k) {
      int v = pairs[k].second;
      auto it = std::lower_bound(tails.begin(), tails.end(), v,
                                 [&](int idx, int value) { return pairs[idx].second < value; });
      size_t len = static_cast<size_t>(it - tails.begin());
      if (len > 0) prev[k] = tails[len - 1];
      if (it == tails.end()) {
        tails.push_back(static_cast<int>(k));
      } else {
        *it = static_cast<int>(k);
      }
    }
    std::vector<std::pair<int, int>> run;
    for (int k = tails.empty() ? -1 : tails.back(); k >= 0; k = prev[k]) run.push_back(pairs[k]);
    std::reverse(run.begin(), run.end());
    return run;
  }

  void Lcs(int alo, int ahi, int blo, int bhi) {
    size_t n = static_cast<size_t>(ahi - alo), m = static_cast<size_t>(bhi - blo);
    if (n * m > kMaxLcsCells) return;
    std::vector<int> len((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> int& { return len[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        at(i, j) = a_[alo + i] == b_[blo + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    size_t i = 0, j = 0;
    while (i < n && j < m) {
      if (a_[alo + i] == b_[blo + j]) {
        out_.emplace_back(alo + static_cast<int>(i), blo + static_cast<int>(j));
        ++i;
        ++j;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        ++i;
      } else {
        ++j;
      }
    }
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  std::vector<std::pair<int, int>> out_;
};

}  // namespace

std::vector<std::pair<int, int>> AlignIds(const std::vector<int>& a, const std::vector<int>& b) {
  return Aligner(a, b).Run();
}

std::vector<int> MatchUnits(const std::vector<Unit>& a, const std::vector<Unit>& b,
                            const std::vector<std::pair<int, int>>& fixed) {
  std::unordered_map<std::string, int> intern;
  auto id_of = [&](const Unit& u) {
    auto [it, inserted] = intern.emplace(u.id, static_cast<int>(intern.size()));
    return it->second;
  };
  std::vector<int> a_ids, b_ids;
  a_ids.reserve(a.size());
  b_ids.reserve(b.size());
  for (const Unit& u : a) a_ids.push_back(id_of(u));
  for (const Unit& u : b) b_ids.push_back(id_of(u));

  std::vector<int> match(a.size(), -1);
  std::vector<bool> b_taken(b.size(), false);
  // Align the stretches between fixed pairs, each on its own.
  int pa = 0, pb = 0;
  auto align_segment = [&](int ahi, int bhi) {
    std::vector<int> sa(a_ids.begin() + pa, a_ids.begin() + ahi);
    std::vector<int> sb(b_ids.begin() + pb, b_ids.begin() + bhi);
    for (const auto& [i, j] : AlignIds(sa, sb)) {
      match[static_cast<size_t>(pa + i)] = pb + j;
      b_taken[static_cast<size_t>(pb + j)] = true;
    }
  };
  for (const auto& [i, j] : fixed) {
    align_segment(i, j);
    match[static_cast<size_t>(i)] = j;
    b_taken[static_cast<size_t>(j)] = true;
    pa = i + 1;
    pb = j + 1;
  }
  align_segment(static_cast<int>(a.size()), static_cast<int>(b.size()));

  // Leftovers with the same identity pair up in order: an item that moved.
  std::unordered_map<int, std::deque<int>> free_b;
  for (size_t j = 0; j < b.size(); ++j) {
    if (!b_taken[j]) free_b[b_ids[j]].push_back(static_cast<int>(j));
  }
  if (!free_b.empty()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (match[i] >= 0) continue;
      auto it = free_b.find(a_ids[i]);
      if (it == free_b.end() || it->second.empty()) continue;
      match[i] = it->second.front();
      it->second.pop_front();
    }
  }
  return match;
}

namespace {

std::vector<int> Invert(const std::vector<int>& map, size_t size) {
  std::vector<int> inverse(size, -1);
  for (size_t i = 0; i < map.size(); ++i) {
    if (map[i] >= 0) inverse[static_cast<size_t>(map[i])] = static_cast<int>(i);
  }
  return inverse;
}

struct Slot {
  Entry entry;
  bool ours_addition = false;  // added by ours alone: theirs' additions go after these
};

// Base index of the nearest item before `pos` in a side that came from base; -1 if none.
int BaseBefore(const std::vector<int>& side_to_base, int pos) {
  for (int k = pos - 1; k >= 0; --k) {
    if (side_to_base[static_cast<size_t>(k)] >= 0) return side_to_base[static_cast<size_t>(k)];
  }
  return -1;
}

}  // namespace

SequenceMergeResult MergeSequences(const std::vector<Unit>& base, const std::vector<Unit>& ours,
                                   const std::vector<Unit>& theirs,
                                   const std::vector<int>& base_to_ours,
                                   const std::vector<int>& base_to_theirs,
                                   const SequenceMergeOptions& options) {
  SequenceMergeResult result;
  std::vector<int> ours_to_base = Invert(base_to_ours, ours.size());
  std::vector<int> theirs_to_base = Invert(base_to_theirs, theirs.size());

  // Items both sides added with the same identity pair up in order: the same object added
  // twice. An identity that may repeat (a `SET default_tablespace = ''`) pairs only when both
  // sides added it at the same place; elsewhere each side's copy stays with its neighbours.
  std::vector<int> ours_added_pair(ours.size(), -1), theirs_added_pair(theirs.size(), -1);
  {
    std::unordered_set<std::string> in_base;
    for (const Unit& u : base) in_base.insert(u.id);
    auto key = [&](const Unit& u, const std::vector<int>& side_to_base, size_t pos) {
      bool anywhere = !u.repeatable && in_base.count(u.id) == 0;
      return anywhere
                 ? u.id
                 : u.id + '\0' + std::to_string(BaseBefore(side_to_base, static_cast<int>(pos)));
    };
    std::unordered_map<std::string, std::deque<int>> added_theirs;
    for (size_t t = 0; t < theirs.size(); ++t) {
      if (theirs_to_base[t] < 0) {
        added_theirs[key(theirs[t], theirs_to_base, t)].push_back(static_cast<int>(t));
      }
    }
    for (size_t o = 0; o < ours.size(); ++o) {
      if (ours_to_base[o] >= 0) continue;
      auto it = added_theirs.find(key(ours[o], ours_to_base, o));
      if (it == added_theirs.end() || it->second.empty()) continue;
      ours_added_pair[o] = it->second.front();
      theirs_added_pair[static_cast<size_t>(it->second.front())] = static_cast<int>(o);
      it->second.pop_front();
    }
  }

  // Decide every base item. -1 outcome index means "gone from the result".
  struct Decision {
    bool keep = false;
    Outcome outcome = Outcome::kOurs;
  };
  std::vector<Decision> decision(base.size());
  for (size_t b = 0; b < base.size(); ++b) {
    int o = base_to_ours[b], t = base_to_theirs[b];
    Decision& d = decision[b];
    if (o < 0 && t < 0) continue;  // deleted on both sides
    if (o < 0 || t < 0) {
      const Unit& kept = o < 0 ? theirs[static_cast<size_t>(t)] : ours[static_cast<size_t>(o)];
      if (kept.meaning == base[b].meaning || kept.ours_wins) continue;  // deleted on one side
      d.keep = true;
      d.outcome = Outcome::kDeleteChange;
      continue;
    }
    const Unit& uo = ours[static_cast<size_t>(o)];
    const Unit& ut = theirs[static_cast<size_t>(t)];
    bool ours_same = uo.meaning == base[b].meaning, theirs_same = ut.meaning == base[b].meaning;
    d.keep = true;
    if (ours_same && theirs_same) {
      // Only comments or layout changed: take the side that changed them, ours if both did.
      bool theirs_only = uo.bytes == base[b].bytes && ut.bytes != base[b].bytes;
      d.outcome = theirs_only ? Outcome::kTheirs : Outcome::kOurs;
    } else if (ours_same) {
      d.outcome = Outcome::kTheirs;
    } else if (theirs_same || uo.meaning == ut.meaning || uo.ours_wins) {
      d.outcome = Outcome::kOurs;
    } else {
      d.outcome = Outcome::kBothChanged;
    }
  }

  // Ours' order first.
  std::list<Slot> slots;
  std::vector<std::list<Slot>::iterator> theirs_slot(theirs.size(), slots.end());
  for (size_t o = 0; o < ours.size(); ++o) {
    Slot s;
    int b = ours_to_base[o];
    if (b >= 0) {
      if (!decision[static_cast<size_t>(b)].keep) continue;
      s.entry = {decision[static_cast<size_t>(b)].outcome, b, static_cast<int>(o),
                 base_to_theirs[static_cast<size_t>(b)]};
    } else if (ours_added_pair[o] >= 0) {
      int t = ours_added_pair[o];
      bool same = ours[o].meaning == theirs[static_cast<size_t>(t)].meaning || ours[o].ours_wins;
      s.entry = {same ? Outcome::kOurs : Outcome::kBothAdded, -1, static_cast<int>(o), t};
    } else {
      s.entry = {Outcome::kOurs, -1, static_cast<int>(o), -1};
      s.ours_addition = true;
    }
    auto it = slots.insert(slots.end(), s);
    if (s.entry.theirs >= 0) theirs_slot[static_cast<size_t>(s.entry.theirs)] = it;
  }

  // Then what only theirs has: its additions, and what it changed where ours deleted it.
  for (size_t t = 0; t < theirs.size(); ++t) {
    Slot s;
    int b = theirs_to_base[t];
    if (b >= 0) {
      if (base_to_ours[static_cast<size_t>(b)] >= 0 || !decision[static_cast<size_t>(b)].keep) {
        continue;
      }
      s.entry = {Outcome::kDeleteChange, b, -1, static_cast<int>(t)};
    } else if (theirs_added_pair[t] >= 0) {
      continue;
    } else {
      s.entry = {Outcome::kTheirs, -1, -1, static_cast<int>(t)};
    }
    auto where = slots.end();
    bool placed = false;
    for (size_t k = t; k-- > 0;) {
      if (theirs_slot[k] != slots.end()) {
        where = std::next(theirs_slot[k]);
        while (where != slots.end() && where->ours_addition) ++where;
        placed = true;
        break;
      }
    }
    if (!placed) {
      for (size_t k = t + 1; k < theirs.size(); ++k) {
        if (theirs_slot[k] != slots.end()) {
          where = theirs_slot[k];
          break;
        }
      }
    }
    theirs_slot[t] = slots.insert(where, s);
  }

  if (options.replacement_conflicts) {
    // A base item deleted on both sides, with additions of each side in its place.
    for (size_t b = 0; b < base.size() && result.replaced_differently < 0; ++b) {
      if (base_to_ours[b] >= 0 || base_to_theirs[b] >= 0) continue;
      auto has_addition_at = [&](const std::vector<int>& side_to_base,
                                 const std::vector<int>& base_to_side,
                                 const std::vector<int>& added_pair) {
        int before = -1;  // nearest earlier base item this side kept
        for (size_t k = b; k-- > 0;) {
          if (base_to_side[k] >= 0) {
            before = static_cast<int>(k);
            break;
          }
        }
        for (size_t p = 0; p < side_to_base.size(); ++p) {
          if (side_to_base[p] >= 0 || added_pair[p] >= 0) continue;
          if (BaseBefore(side_to_base, static_cast<int>(p)) == before) return true;
        }
        return false;
      };
      if (has_addition_at(ours_to_base, base_to_ours, ours_added_pair) &&
          has_addition_at(theirs_to_base, base_to_theirs, theirs_added_pair)) {
        result.replaced_differently = static_cast<int>(b);
      }
    }
  }

  result.entries.reserve(slots.size());
  for (const Slot& s : slots) result.entries.push_back(s.entry);
  return result;
}

bool OrderConcurrentAdditions(std::vector<Entry>& entries,
                              const std::function<std::optional<std::string>(const Entry&)>& rank) {
  auto added = [](const Entry& e) {
    return e.base < 0 && (e.outcome == Outcome::kOurs || e.outcome == Outcome::kTheirs);
  };
  bool moved = false;
  for (size_t i = 0; i < entries.size();) {
    if (!added(entries[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool from_ours = false, from_theirs = false;
    for (; j < entries.size() && added(entries[j]); ++j) {
      from_ours |= entries[j].ours >= 0;
      from_theirs |= entries[j].theirs >= 0;
    }
    if (from_ours && from_theirs) {
      std::vector<size_t> places;
      std::vector<std::pair<std::string, Entry>> ranked;
      for (size_t k = i; k < j; ++k) {
        std::optional<std::string> r = rank(entries[k]);
        if (!r) continue;
        places.push_back(k);
        ranked.emplace_back(std::move(*r), entries[k]);
      }
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = 0; k < places.size(); ++k) {
        Entry& at = entries[places[k]];
        const Entry& e = ranked[k].second;
        moved |= at.ours != e.ours || at.theirs != e.theirs;
        at = e;
      }
    }
    i = j;
  }
  return moved;
}

}  // namespace pgstate::merge
