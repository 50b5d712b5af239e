#pragma once
// Small readers over libpg_query's protobuf parse tree (Statement::node), shared by the model
// and the lint rules: unwrapping, names, and a generic walk over every node of a subtree.
//
// Everything here borrows: the tree belongs to its sql::SourceFile. Null inputs are fine and
// give empty results.

#include <pg_query/pg_query.pb-c.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/object_key.h"

namespace pgstate::schema::tree {

/// The statement inside a RawStmt (or the node itself when it is not one).
inline const PgQuery__Node* Unwrap(const PgQuery__Node* node) {
  while (node != nullptr && node->node_case == PG_QUERY__NODE__NODE_RAW_STMT &&
         node->raw_stmt != nullptr) {
    node = node->raw_stmt->stmt;
  }
  return node;
}

/// The text of a String node; "" for anything else.
std::string_view Str(const PgQuery__Node* node);

/// The last element of a list of String nodes ("pg_catalog.now" -> "now").
std::string_view LastName(PgQuery__Node* const* names, size_t n);

/// The schema part of a qualified name list ("" when unqualified).
std::string_view SchemaOfName(PgQuery__Node* const* names, size_t n);

/// schema and name of a RangeVar; the schema is "" when the name is unqualified.
struct QualifiedName {
  std::string schema;
  std::string name;
};
QualifiedName NameOf(const PgQuery__RangeVar* rv);

/// Calls `visit` for `node` and every Node below it, depth first, parents before children.
void ForEachNode(const PgQuery__Node* node, const std::function<void(const PgQuery__Node*)>& visit);

/// Same, starting from any message (a ColumnDef, a Constraint, …).
void ForEachNodeIn(const ProtobufCMessage* message,
                   const std::function<void(const PgQuery__Node*)>& visit);

/// The roles a statement names (grantees, new owners, policy roles, AUTHORIZATION, …), in
/// tree order with repeats; not PUBLIC, CURRENT_USER and the like.
std::vector<std::string> NamedRoles(const PgQuery__Node* statement);

/// The constraints of a table-level statement, with the relation they belong to: inline
/// column and table constraints of CREATE TABLE, constraints of ALTER TABLE … ADD CONSTRAINT
/// and of ALTER TABLE … ADD COLUMN.
struct ConstraintSite {
  const PgQuery__RangeVar* relation = nullptr;
  const PgQuery__Constraint* constraint = nullptr;
  const PgQuery__ColumnDef* column = nullptr;       ///< set for column constraints
  const PgQuery__AlterTableCmd* command = nullptr;  ///< set inside ALTER TABLE
};
std::vector<ConstraintSite> ConstraintsOf(const PgQuery__Node* statement);

}  // namespace pgstate::schema::tree
