#pragma once
// Canonical form of parse trees: a hash that ignores source positions (so whitespace,
// comments and keyword case do not matter), and libpg_query's deparse.

#include <cstdint>
#include <string>
#include <vector>

struct ProtobufCMessage;
struct PgQuery__Node;

namespace pgstate::sql {

/// A 64-bit hash over every field of the message tree except the int32 `location`,
/// `stmt_location` and `stmt_len` fields. Fields holding their default value (0, "", null)
/// are skipped, as protobuf itself would not encode them. 0 is never returned for a non-null
/// message; null gives 0.
uint64_t CanonicalHash(const ProtobufCMessage* message);
uint64_t CanonicalHash(const PgQuery__Node* node);

/// CanonicalHash(node), also appending to `item_hashes` the hash of each item of the repeated
/// field whose item array is `items` (e.g. CreateStmt::table_elts), in order. Each of those
/// equals CanonicalHash(item): one walk gives a statement's and its elements' hashes.
uint64_t CanonicalHash(const PgQuery__Node* node, const void* items,
                       std::vector<uint64_t>* item_hashes);

/// Hashes a string the same way (used for elements that are plain values, like enum labels).
uint64_t CanonicalHashOfText(const std::string& text);

/// libpg_query's deparse of one statement node, without a trailing ';'. Empty when the node
/// is null or cannot be deparsed.
std::string DeparseNode(const PgQuery__Node* node);

}  // namespace pgstate::sql
