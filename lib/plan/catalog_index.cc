#include "plan/catalog_index.h"

#include "plan/quote.h"

namespace pgstate::plan {

namespace {

bool IsAttributeKind(const std::string& kind) {
  return kind == "comment" || kind == "grant" || kind == "revoke" || kind == "owner" ||
         kind == "default privileges";
}

}  // namespace

CatalogIndex::CatalogIndex(const db::Catalog& c) : catalog(c) {
  for (db::CatalogObject& o : c.Objects()) {
    if (IsAttributeKind(o.kind)) continue;
    std::string key = o.key;
    objects.emplace(std::move(key), std::move(o));
  }
  for (const auto& x : c.schemas) schemas[x.key] = &x;
  for (const auto& x : c.extensions) extensions[x.key] = &x;
  for (const auto& t : c.tables) {
    tables[t.key] = &t;
    for (const auto& col : t.columns) {
      columns[col.key] = &col;
      column_table[col.key] = &t;
      relation_of[col.key] = t.key;
    }
  }
  for (const auto& x : c.sequences) sequences[x.key] = &x;
  for (const auto& x : c.views) views[x.key] = &x;
  for (const auto& x : c.routines) routines[x.key] = &x;
  for (const auto& x : c.types) types[x.key] = &x;
  for (const auto& x : c.domains) domains[x.key] = &x;
  for (const auto& x : c.collations) collations[x.key] = &x;
  for (const auto& x : c.statistics) statistics[x.key] = &x;
  for (const auto& x : c.constraints) {
    constraints[x.key] = &x;
    relation_of[x.key] = "table " + x.schema + "." + x.table;
  }
  for (const auto& x : c.indexes) {
    indexes[x.key] = &x;
    relation_of[x.key] = RelationKey(x.schema, x.table);
  }
  for (const auto& x : c.triggers) {
    triggers[x.key] = &x;
    relation_of[x.key] = RelationKey(x.schema, x.table);
  }
  for (const auto& x : c.policies) {
    policies[x.key] = &x;
    relation_of[x.key] = RelationKey(x.schema, x.table);
  }
  for (const auto& x : c.rules) {
    rules[x.key] = &x;
    relation_of[x.key] = RelationKey(x.schema, x.table);
  }
  for (const auto& x : c.comments) comments[x.object_key] = &x;
  for (const auto& x : c.grants) grants[x.object_key].push_back(&x);
  for (const auto& x : c.owners) owners[x.object_key] = &x;
  for (const auto& x : c.default_privileges) default_privileges[x.key] = &x;
  for (const auto& d : c.dependencies) {
    depends_on[d.from].insert(d.to);
    dependents[d.to].insert(d.from);
  }
}

std::string CatalogIndex::RelationKey(const std::string& schema, const std::string& name) const {
  for (const char* kind : {"table ", "view ", "materialized view "}) {
    std::string key = kind + schema + "." + name;
    if (objects.count(key)) return key;
  }
  return {};
}

std::string CatalogIndex::RelationQualified(const std::string& key) const {
  if (auto t = tables.find(key); t != tables.end()) return t->second->qualified;
  if (auto v = views.find(key); v != views.end()) return v->second->qualified;
  return key.substr(key.find(' ') + 1);
}

}  // namespace pgstate::plan
