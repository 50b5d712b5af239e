#pragma once
// Differences between two catalog models (catalog.h): what verify reports and plan closes.

#include <string>
#include <vector>

#include "db/catalog.h"

namespace pgstate::db {

struct CompareOptions {
  enum class ColumnOrder {
    kStrict,  ///< a column at another position (among the columns both sides have) differs
    kIgnore,  ///< positions are not compared (verify.columnOrder = ignore)
  };
  ColumnOrder column_order = ColumnOrder::kStrict;
  /// Compare "owner of …" objects. Off when one side's objects are owned by whoever built a
  /// scratch database (planning against a live server).
  bool owners = true;
};

struct Difference {
  enum class Kind {
    kOnlyInA,
    kOnlyInB,
    kDifferent,
    /// The columns both sides have are in another order: one difference per table, keyed by
    /// the table ("table public.users", object_kind "column order"); the definitions list
    /// those columns in each side's order, quoted as needed ("id, name, email").
    kColumnOrder,
  };
  std::string key;          ///< "column public.users.email"
  std::string object_kind;  ///< "column"
  Kind kind = Kind::kDifferent;
  /// The definitions; empty on the side that lacks the object.
  std::string a_definition;
  std::string b_definition;
  /// kColumnOrder: the names of the columns both sides have, in each side's order.
  std::vector<std::string> a_columns;
  std::vector<std::string> b_columns;
};

/// "only in a", "only in b", "different" or "column order".
const char* DifferenceKindName(Difference::Kind kind);

/// Every difference between `a` and `b`, ordered by key (a table's column order after the
/// table's own difference, if any). Empty when PostgreSQL made the same catalog of both.
std::vector<Difference> Compare(const Catalog& a, const Catalog& b,
                                const CompareOptions& options = {});

}  // namespace pgstate::db
