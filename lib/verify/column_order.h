#pragma once
// verify/column_order: `pgstate verify --fix-column-order`, the way out of a column-order
// difference that keeps the database as it is: the desired state's CREATE TABLE lists the
// columns in the order baseline + migrations give them (PostgreSQL appends every added column,
// so that is the order every database built from the repository has).

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "db/catalog_diff.h"
#include "schema/model.h"

namespace pgstate::verify {

struct ColumnOrderFix {
  /// Repository-relative paths of the files rewritten, each once, sorted.
  std::vector<std::string> rewritten;
  /// A table that could not be rewritten, and why (its columns are not all in one CREATE
  /// TABLE, a comment runs across the list's line ends): one warning each, at the table.
  std::vector<core::Diagnostic> refused;
};

/// Rewrites, in the work tree at `root`, the CREATE TABLE of every table that `differences`
/// (verify's, a = baseline + migrations) reports with Difference::Kind::kColumnOrder, so that
/// the columns both states have come in a's order; each element keeps its comments and
/// layout, and the other elements (constraints, columns only the desired state has) keep
/// their places. Files are written atomically. Errors: a file that cannot be written.
core::Result<ColumnOrderFix> FixColumnOrder(const std::string& root, const schema::Model& model,
                                            const std::vector<db::Difference>& differences);

}  // namespace pgstate::verify
