#pragma once
// `pgstate verify`: baseline + pending migrations must produce exactly the catalog that the
// desired-state files produce. Both are loaded into scratch databases of one server (an
// ephemeral PostgreSQL, or --dev-url) and compared as catalogs (db/catalog_diff.h).

#include <functional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/error.h"
#include "db/catalog_diff.h"
#include "db/scratch.h"

namespace pgstate::verify {

struct VerifyOptions {
  std::string repo_path = ".";  ///< somewhere inside the repository
  /// What to verify: empty = the work tree; otherwise a revision ("HEAD", a sha), read from git.
  std::string rev;
  /// Verify the merge of `rev` (default HEAD) into this revision instead, built in memory.
  std::string merge_with;
  db::ScratchServerOptions server;
  /// Where the columns of a table are in another order than baseline + migrations give them,
  /// rewrite its CREATE TABLE in the work tree in that order (verify/column_order.h), then
  /// verify again. Only for the work tree.
  bool fix_column_order = false;
  /// Called with a short line before each long step ("starting PostgreSQL", …); may be empty.
  std::function<void(const std::string&)> progress;
};

struct VerifyResult {
  std::string description;  ///< what was verified: "the work tree", "revision 'abc123'", …
  std::string server;       ///< the scratch server used (password redacted)
  /// Everything to show, sorted: syntax and load errors, merge conflicts, and one
  /// "state-mismatch" error per catalog difference (a "column-order" error per table whose
  /// columns are in another order), at the desired-state definition when the files have one.
  std::vector<core::Diagnostic> diagnostics;
  std::vector<db::Difference> differences;  ///< a = migrated state, b = desired state
  size_t desired_statements = 0;
  size_t migrations = 0;
  /// With fix_column_order: the files rewritten (repository-relative), before verifying again.
  std::vector<std::string> rewritten;
  bool ok() const { return diagnostics.empty(); }
};

/// Runs the verification. Errors (no result at all): not a repository, unknown revision, bad
/// configuration (kExitBadInput); no PostgreSQL, cannot connect (kExitEnvironment).
core::Result<VerifyResult> RunVerify(const VerifyOptions& options);

}  // namespace pgstate::verify
