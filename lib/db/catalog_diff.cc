#include "db/catalog_diff.h"

#include <algorithm>
#include <map>
#include <set>

namespace pgstate::db {

namespace {

std::vector<CatalogObject> Relevant(const Catalog& c, const CompareOptions& options) {
  std::vector<CatalogObject> objects = c.Objects();
  if (!options.owners) {
    std::vector<CatalogObject> kept;
    for (CatalogObject& o : objects) {
      if (o.kind != "owner") kept.push_back(std::move(o));
    }
    objects = std::move(kept);
  }
  return objects;
}

// For each column present on both sides: its index among the columns of its table that both
// sides have. Comparing these ignores shifts caused by columns only one side has.
std::map<std::string, int> SharedOrdinals(const std::vector<CatalogObject>& mine,
                                          const std::set<std::string>& shared) {
  std::map<std::string, std::vector<const CatalogObject*>> by_table;
  for (const CatalogObject& o : mine) {
    if (o.kind == "column" && shared.count(o.key)) by_table[o.parent].push_back(&o);
  }
  std::map<std::string, int> ordinal;
  for (auto& [table, columns] : by_table) {
    std::stable_sort(
        columns.begin(), columns.end(),
        [](const CatalogObject* x, const CatalogObject* y) { return x->position < y->position; });
    for (size_t i = 0; i < columns.size(); ++i) ordinal[columns[i]->key] = static_cast<int>(i);
  }
  return ordinal;
}

}  // namespace

const char* DifferenceKindName(Difference::Kind kind) {
  switch (kind) {
    case Difference::Kind::kOnlyInA:
      return "only in a";
    case Difference::Kind::kOnlyInB:
      return "only in b";
    default:
      return "different";
  }
}

std::vector<Difference> Compare(const Catalog& a, const Catalog& b, const CompareOptions& options) {
  std::vector<CatalogObject> left = Relevant(a, options);
  std::vector<CatalogObject> right = Relevant(b, options);
  bool strict = options.column_order == CompareOptions::ColumnOrder::kStrict;

  std::map<std::string, int> left_ordinal, right_ordinal;
  if (strict) {
    std::set<std::string> left_columns, shared;
    for (const CatalogObject& o : left) {
      if (o.kind == "column") left_columns.insert(o.key);
    }
    for (const CatalogObject& o : right) {
      if (o.kind == "column" && left_columns.count(o.key)) shared.insert(o.key);
    }
    left_ordinal = SharedOrdinals(left, shared);
    right_ordinal = SharedOrdinals(right, shared);
  }

  std::vector<Difference> out;
  size_t i = 0, j = 0;
  while (i < left.size() || j < right.size()) {
    if (j == right.size() || (i < left.size() && left[i].key < right[j].key)) {
      out.push_back(
          {left[i].key, left[i].kind, Difference::Kind::kOnlyInA, left[i].definition, ""});
      ++i;
    } else if (i == left.size() || right[j].key < left[i].key) {
      out.push_back(
          {right[j].key, right[j].kind, Difference::Kind::kOnlyInB, "", right[j].definition});
      ++j;
    } else {
      const CatalogObject& x = left[i];
      const CatalogObject& y = right[j];
      bool moved = strict && x.kind == "column" && left_ordinal[x.key] != right_ordinal[y.key];
      if (moved || x.definition != y.definition) {
        Difference d{x.key, x.kind, Difference::Kind::kDifferent, x.definition, y.definition};
        if (moved) {
          d.a_definition += " (position " + std::to_string(x.position) + ")";
          d.b_definition += " (position " + std::to_string(y.position) + ")";
        }
        out.push_back(std::move(d));
      }
      ++i;
      ++j;
    }
  }
  return out;
}

}  // namespace pgstate::db
