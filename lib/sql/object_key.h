#pragma once
// The identity of a schema object: kind + schema-qualified name (+ argument types for routines).

#include <string>
#include <tuple>

namespace pgstate::sql {

/// Identity of what a statement defines or changes. Examples of ToString():
///   "schema app", "extension pgcrypto", "table public.users", "column public.users.email",
///   "constraint public.users.users_pkey", "index public.users_email_idx",
///   "function public.touch(integer, text)", "trigger public.users.users_touch",
///   "policy public.users.own_rows", "comment table public.users",
///   "grant table public.users app_reader", "owner table public.users", "setting search_path",
///   "rows public.schema_migrations".
/// Names are as PostgreSQL stores them (unquoted identifiers folded to lower case).
struct ObjectKey {
  std::string kind;    ///< "table", "column", "index", … ; empty for "no key"
  std::string schema;  ///< empty for objects that live in no schema (schema, extension, role …)
  std::string name;    ///< object name; sub-objects use "table.part"; routines "f(int4, text)"

  bool empty() const { return kind.empty(); }
  /// "kind schema.name" (or "kind name" without a schema).
  std::string ToString() const {
    if (kind.empty()) return {};
    return kind + " " + (schema.empty() ? name : schema + "." + name);
  }
  /// The name alone, qualified: "schema.name" or "name".
  std::string QualifiedName() const { return schema.empty() ? name : schema + "." + name; }

  friend bool operator==(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.kind, a.schema, a.name) == std::tie(b.kind, b.schema, b.name);
  }
  friend bool operator!=(const ObjectKey& a, const ObjectKey& b) { return !(a == b); }
  friend bool operator<(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.kind, a.schema, a.name) < std::tie(b.kind, b.schema, b.name);
  }
};

struct ObjectKeyHash {
  size_t operator()(const ObjectKey& k) const {
    std::hash<std::string> h;
    return h(k.kind) * 31 * 31 + h(k.schema) * 31 + h(k.name);
  }
};

}  // namespace pgstate::sql
