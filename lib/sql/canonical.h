#pragma once
// Canonical form of parse trees: a hash that ignores source positions (so whitespace,
// comments and keyword case do not matter), and libpg_query's deparse.

#include <cstdint>
#include <string>

struct ProtobufCMessage;
struct PgQuery__Node;

namespace pgstate::sql {

/// A 64-bit hash over every field of the message tree except the int32 `location`,
/// `stmt_location` and `stmt_len` fields. Fields holding their default value (0, "", null)
/// are skipped, as protobuf itself would not encode them. 0 is never returned for a non-null
/// message; null gives 0.
uint64_t CanonicalHash(const ProtobufCMessage* message);
uint64_t CanonicalHash(const PgQuery__Node* node);

/// Hashes a string the same way (used for elements that are plain values, like enum labels).
uint64_t CanonicalHashOfText(const std::string& text);

/// libpg_query's deparse of one statement node, without a trailing ';'. Empty when the node
/// is null or cannot be deparsed.
std::string DeparseNode(const PgQuery__Node* node);

}  // namespace pgstate::sql
