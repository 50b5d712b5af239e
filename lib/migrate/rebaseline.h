#pragma once
// `pgstate rebaseline`: after a deploy, fold what production has applied into the baseline.
//
//  1. Reads production's migrations table; its newest version V is the new baseline's version.
//  2. Dumps production's schema (pg_dump --schema-only --no-owner, without the migrations
//     table) into db/baseline.sql: pg_dump's deterministic, sorted order, with the lines that
//     change from run to run removed (server and pg_dump versions, \restrict keys) and the
//     header `-- pgstate:baseline version=V` first.
//  3. Deletes from db/migrations every migration with a version at or below V.
//  4. Commits exactly those changes through libgit2 on top of HEAD (whatever else is staged
//     stays staged and out of the commit), with a message naming the versions folded in; with
//     --no-commit they are only staged.
// Optionally (--recreate-staging URL) staging is backed up with pg_dump, emptied, rebuilt from
// the new baseline, and the baseline version recorded in its migrations table.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace pgstate::migrate {

struct RebaselineOptions {
  std::string repo_path = ".";   ///< somewhere inside the repository
  std::string url;               ///< production
  bool commit = true;            ///< false: --no-commit, leave the changes staged
  std::string recreate_staging;  ///< --recreate-staging URL, or empty
  std::string backup_dir;        ///< empty: DefaultBackupDir()
};

struct RebaselineResult {
  std::string version;              ///< the new baseline's version
  bool baseline_changed = false;    ///< db/baseline.sql was rewritten
  std::vector<std::string> folded;  ///< deleted migrations, repository-relative
  std::string commit;               ///< the commit's id; empty with --no-commit or no change
  std::optional<std::string> staging_backup;  ///< the backup taken before recreating staging
};

/// Runs the steps above. Errors: cannot connect, production has no migrations table or no
/// rows (kExitBadInput: "production has no applied migrations to fold into the baseline"),
/// pg_dump fails, no committer identity (user.name/user.email), a failed staging rebuild.
core::Result<RebaselineResult> RunRebaseline(
    const RebaselineOptions& options, const std::function<void(const std::string&)>& progress = {});

/// pg_dump output made stable and loadable anywhere: the version comments, `\restrict` /
/// `\unrestrict` lines and the search_path reset are removed, blank-line runs collapsed, and
/// `header` put first.
std::string NormalizeDump(const std::string& dump, const std::string& header);

}  // namespace pgstate::migrate
