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
  enum class Kind { kOnlyInA, kOnlyInB, kDifferent };
  std::string key;          ///< "column public.users.email"
  std::string object_kind;  ///< "column"
  Kind kind = Kind::kDifferent;
  /// The definitions; empty on the side that lacks the object. A column whose only difference
  /// is its position has " (position N)" appended on both sides.
  std::string a_definition;
  std::string b_definition;
};

/// "only in a", "only in b" or "different".
const char* DifferenceKindName(Difference::Kind kind);

/// Every difference between `a` and `b`, ordered by key. Empty when PostgreSQL made the same
/// catalog of both.
std::vector<Difference> Compare(const Catalog& a, const Catalog& b,
                                const CompareOptions& options = {});

}  // namespace pgstate::db
