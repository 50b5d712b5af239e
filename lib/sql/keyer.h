#pragma once
// Describes one parsed top-level statement: its class, object key, references, elements and
// canonical hash. The key conventions are documented in object_key.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/source_file.h"

namespace pgstate::sql {

struct KeyContext {
  /// The text libpg_query parsed (meta-commands blanked), as the whole file.
  std::string_view text;
  /// Byte offset within `text` of the string the node came from: node locations are
  /// relative to it.
  size_t base = 0;
  /// Schema that unqualified names resolve to at this point of the file.
  std::string schema = "public";
  /// Compute Statement::canonical and Element::canonical (ParseOptions::canonical_hashes).
  bool canonical_hashes = true;
};

/// Fills in `statement`'s class, node_type, key (or unkeyed_reason), extra_keys, references,
/// elements, element_list, elements_are_rows and canonical from `node`. `statement.text`
/// must already be set (element spans are searched inside it).
void DescribeStatement(const PgQuery__Node* node, const KeyContext& context, Statement& statement);

/// The schemas a statement sets search_path to (`SET search_path …`, `RESET search_path`
/// gives an empty optional inside: use the default, `set_config('search_path', …)`).
/// nullopt when the statement does not touch search_path; an engaged optional holding
/// nullopt means "back to the default".
std::optional<std::optional<std::vector<std::string>>> SearchPathSetBy(const PgQuery__Node* node);

/// Splits a search_path value like `"$user", public` into its schema names.
std::vector<std::string> SplitSearchPath(std::string_view value);

/// libpg_query's node name of a statement node ("CreateStmt"), or "" for null.
std::string NodeTypeName(const PgQuery__Node* node);

}  // namespace pgstate::sql
