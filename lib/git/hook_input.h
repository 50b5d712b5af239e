#pragma once
// What git tells a hook on its standard input.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pgstate::git {

/// One line of pre-push input: `<local-ref> SP <local-oid> SP <remote-ref> SP <remote-oid>`.
struct PushUpdate {
  std::string local_ref;       ///< "refs/heads/main"; "(delete)" when deleting
  std::string local_oid;       ///< all zeros when deleting
  std::string remote_ref;      ///< "refs/heads/main"
  std::string remote_oid;      ///< all zeros when the remote has no such ref yet
  bool is_deletion = false;    ///< local oid is all zeros: the push deletes remote_ref
  bool is_new_branch = false;  ///< remote oid is all zeros: remote_ref does not exist yet
};

/// A string of `hash_hex_len` zeros: git's "no object" in hook input.
std::string ZeroOid(size_t hash_hex_len);

/// Parses pre-push input. `hash_hex_len` is the repository's object id length in hex
/// (git::HashHexLength: 40 for SHA-1, 64 for SHA-256); every oid must have exactly that many
/// hex digits. Blank lines are skipped. Error (kExitBadInput):
/// "malformed pre-push input line 2: '<line>'".
core::Result<std::vector<PushUpdate>> ParsePrePushLines(std::string_view text, size_t hash_hex_len);

}  // namespace pgstate::git
