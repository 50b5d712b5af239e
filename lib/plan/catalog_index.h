#pragma once
// Lookup tables over one db::Catalog: every object by key, sub-objects by their relation, and
// pg_depend both ways. The planner keeps one for each side.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "db/catalog.h"

namespace pgstate::plan {

struct CatalogIndex {
  explicit CatalogIndex(const db::Catalog& catalog);

  const db::Catalog& catalog;
  /// Every object that is not an attribute (comments, grants, owners, default privileges).
  std::map<std::string, db::CatalogObject> objects;

  std::map<std::string, const db::CatalogSchema*> schemas;
  std::map<std::string, const db::CatalogExtension*> extensions;
  std::map<std::string, const db::CatalogTable*> tables;
  std::map<std::string, const db::CatalogColumn*> columns;
  std::map<std::string, const db::CatalogTable*> column_table;
  std::map<std::string, const db::CatalogConstraint*> constraints;
  std::map<std::string, const db::CatalogIndex*> indexes;
  std::map<std::string, const db::CatalogSequence*> sequences;
  std::map<std::string, const db::CatalogView*> views;  ///< views and materialized views
  std::map<std::string, const db::CatalogRoutine*> routines;
  std::map<std::string, const db::CatalogTrigger*> triggers;
  std::map<std::string, const db::CatalogType*> types;
  std::map<std::string, const db::CatalogDomain*> domains;
  std::map<std::string, const db::CatalogPolicy*> policies;
  std::map<std::string, const db::CatalogCollation*> collations;
  std::map<std::string, const db::CatalogRule*> rules;
  std::map<std::string, const db::CatalogStatistics*> statistics;

  std::map<std::string, const db::CatalogComment*> comments;                     ///< by object_key
  std::map<std::string, std::vector<const db::CatalogGrant*>> grants;            ///< by object_key
  std::map<std::string, const db::CatalogOwner*> owners;                         ///< by object_key
  std::map<std::string, const db::CatalogDefaultPrivilege*> default_privileges;  ///< by key

  /// The relation (table, view or materialized view key) a sub-object belongs to: columns,
  /// constraints, indexes, triggers, policies, rules.
  std::map<std::string, std::string> relation_of;

  std::map<std::string, std::set<std::string>> depends_on;  ///< from -> to
  std::map<std::string, std::set<std::string>> dependents;  ///< to -> from

  /// The key of the relation named schema.name: "table …", "view …" or "materialized view …";
  /// empty when there is none.
  std::string RelationKey(const std::string& schema, const std::string& name) const;
  /// The quoted name of a relation key ("table public.users" -> "public.users").
  std::string RelationQualified(const std::string& key) const;
  bool Has(const std::string& key) const { return objects.count(key) > 0; }
};

}  // namespace pgstate::plan
