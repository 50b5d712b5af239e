#pragma once
// Identifiers and literals as DDL writes them: quoted only when PostgreSQL needs it, the way
// quote_ident() decides, so plans read like pg_dump output.

#include <string>
#include <string_view>

namespace pgstate::plan {

/// `name` unchanged when it is a lower-case identifier that is not a reserved word, otherwise
/// double-quoted ("User", "order", "my table", "1st").
std::string QuoteIdent(std::string_view name);

/// QuoteIdent(schema) + "." + QuoteIdent(name).
std::string QuoteQualified(std::string_view schema, std::string_view name);

/// A string literal: 'it''s'; E'…' is never needed (standard_conforming_strings).
std::string QuoteLiteral(std::string_view value);

}  // namespace pgstate::plan
