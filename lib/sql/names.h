#pragma once
// Names the way PostgreSQL makes them: the built-in types of pg_catalog, and the names it
// generates for unnamed constraints and indexes (ChooseRelationName and friends).

#include <string>
#include <string_view>
#include <vector>

namespace pgstate::sql {

/// PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
inline constexpr size_t kMaxIdentifierLength = 63;

/// True for the name of a type in PostgreSQL 15's pg_catalog (base, pseudo, range and
/// multirange types; not array types "_x" nor catalog row types), plus the serial aliases.
bool IsBuiltinTypeName(std::string_view name);

/// "name1_name2_label" shortened to fit 63 bytes the way PostgreSQL's makeObjectName does:
/// the longer of name1/name2 loses bytes first, never cutting a UTF-8 character.
/// `name2` may be empty (then "name1_label").
std::string MakeObjectName(std::string_view name1, std::string_view name2, std::string_view label);

/// Column names joined with '_' for a generated name, stopping once 63 bytes are reached
/// (PostgreSQL's ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition).
std::string NameAddition(const std::vector<std::string>& names);

/// Index column names as PostgreSQL dedupes them: "a", "a1", "a2"…
/// Makes `names` unique in place, as ChooseIndexColumnNames does.
void MakeColumnNamesUnique(std::vector<std::string>& names);

}  // namespace pgstate::sql
