#pragma once
// Which pushed commits `pgstate verify --pre-push` must verify.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "git/libgit2.h"

namespace pgstate::verify {

struct PushTarget {
  std::string remote_ref;  ///< "refs/heads/main"
  std::string commit;      ///< full hex of the pushed commit
};

/// From git's pre-push input (`<local-ref> <local-oid> <remote-ref> <remote-oid>` lines), the
/// pushed commits whose schema, baseline or migration files differ from what the remote has
/// (for a new remote branch: from its merge base with the remote's default branch,
/// refs/remotes/<remote>/HEAD, main or master; verified always when there is none).
/// Deletions are skipped. Identical commits pushed to several refs are verified once.
/// Error: malformed input (kExitBadInput), an unknown object.
core::Result<std::vector<PushTarget>> PushTargets(git_repository* repo, std::string_view input,
                                                  const std::string& remote);

}  // namespace pgstate::verify
