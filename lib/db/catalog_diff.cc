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

// The columns of each table that `shared` holds, in position order: their names.
std::map<std::string, std::vector<const CatalogObject*>> SharedColumns(
    const std::vector<CatalogObject>& mine, const std::set<std::string>& shared) {
  std::map<std::string, std::vector<const CatalogObject*>> by_table;
  for (const CatalogObject& o : mine) {
    if (o.kind == "column" && shared.count(o.key)) by_table[o.parent].push_back(&o);
  }
  for (auto& [table, columns] : by_table) {
    std::stable_sort(
        columns.begin(), columns.end(),
        [](const CatalogObject* x, const CatalogObject* y) { return x->position < y->position; });
  }
  return by_table;
}

// "column public.users.email" of table "table public.users" -> "email".
std::string ColumnName(const CatalogObject& column) {
  const std::string& parent = column.parent;  // "table s.t" or "foreign table s.t"
  size_t kind = parent.rfind("foreign table ", 0) == 0 ? 14 : parent.find(' ') + 1;
  return column.key.substr(std::string("column ").size() + parent.size() - kind + 1);
}

}  // namespace

const char* DifferenceKindName(Difference::Kind kind) {
  switch (kind) {
    case Difference::Kind::kOnlyInA:
      return "only in a";
    case Difference::Kind::kOnlyInB:
      return "only in b";
    case Difference::Kind::kColumnOrder:
      return "column order";
    default:
      return "different";
  }
}

std::vector<Difference> Compare(const Catalog& a, const Catalog& b, const CompareOptions& options) {
  std::vector<CatalogObject> left = Relevant(a, options);
  std::vector<CatalogObject> right = Relevant(b, options);
  bool strict = options.column_order == CompareOptions::ColumnOrder::kStrict;

  std::vector<Difference> orders;
  if (strict) {
    std::set<std::string> left_columns, shared;
    for (const CatalogObject& o : left) {
      if (o.kind == "column") left_columns.insert(o.key);
    }
    for (const CatalogObject& o : right) {
      if (o.kind == "column" && left_columns.count(o.key)) shared.insert(o.key);
    }
    auto left_tables = SharedColumns(left, shared);
    auto right_tables = SharedColumns(right, shared);
    for (const auto& [table, columns] : left_tables) {
      const auto& other = right_tables[table];
      bool same = std::equal(
          columns.begin(), columns.end(), other.begin(), other.end(),
          [](const CatalogObject* x, const CatalogObject* y) { return x->key == y->key; });
      if (same) continue;
      Difference d;
      d.key = table;
      d.object_kind = "column order";
      d.kind = Difference::Kind::kColumnOrder;
      for (const CatalogObject* c : columns) d.a_columns.push_back(ColumnName(*c));
      for (const CatalogObject* c : other) d.b_columns.push_back(ColumnName(*c));
      for (const auto& name : d.a_columns) {
        d.a_definition += (d.a_definition.empty() ? "" : ", ") + name;
      }
      for (const auto& name : d.b_columns) {
        d.b_definition += (d.b_definition.empty() ? "" : ", ") + name;
      }
      orders.push_back(std::move(d));
    }
  }

  std::vector<Difference> out;
  size_t i = 0, j = 0;
  while (i < left.size() || j < right.size()) {
    if (j == right.size() || (i < left.size() && left[i].key < right[j].key)) {
      out.push_back(
          {left[i].key, left[i].kind, Difference::Kind::kOnlyInA, left[i].definition, "", {}, {}});
      ++i;
    } else if (i == left.size() || right[j].key < left[i].key) {
      out.push_back({right[j].key,
                     right[j].kind,
                     Difference::Kind::kOnlyInB,
                     "",
                     right[j].definition,
                     {},
                     {}});
      ++j;
    } else {
      const CatalogObject& x = left[i];
      const CatalogObject& y = right[j];
      if (x.definition != y.definition) {
        out.push_back(
            {x.key, x.kind, Difference::Kind::kDifferent, x.definition, y.definition, {}, {}});
      }
      ++i;
      ++j;
    }
  }
  // Each table's column order after the table's own difference.
  for (Difference& d : orders) {
    auto at =
        std::upper_bound(out.begin(), out.end(), d.key,
                         [](const std::string& key, const Difference& e) { return key < e.key; });
    out.insert(at, std::move(d));
  }
  return out;
}

}  // namespace pgstate::db
