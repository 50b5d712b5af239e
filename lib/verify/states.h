#pragma once
// verify/: the two states pgstate compares, built in scratch databases.
//
// The *desired state* is what the schema files say: every desired-state file, loaded in the
// source model's dependency order. The *migrated state* is what a new environment would get:
// the baseline followed by every pending migration in version order. `pgstate verify` proves
// they are the same catalog; `pgstate plan` writes the migration that makes them so.
//
// What is read comes from a Snapshot: the files of the work tree, the index, a commit, or an
// in-memory merge of two commits (VerifyOptions::merge_with), so a push is verified as pushed.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/diagnostic.h"
#include "core/error.h"
#include "db/connection.h"
#include "git/snapshot.h"
#include "schema/model.h"

namespace pgstate::verify {

/// The tracked files of one version of a repository, split by role.
struct Snapshot {
  std::string description;  ///< "the work tree", "revision 'main'", "merge of 'HEAD' into 'main'"
  config::Config config;    ///< that version's .pgstate (defaults if it has none)
  std::vector<git::FileContent> schema_files;  ///< sorted by path
  std::optional<git::FileContent> baseline;    ///< nullopt when the file does not exist
  std::vector<git::FileContent> migrations;    ///< valid names only, in version order
  /// Problems found while reading: conflicts of an in-memory merge, bad migration names.
  std::vector<core::Diagnostic> diagnostics;
};

/// Reads the snapshot of `source` (the work tree, the index or a revision) of `repo`.
/// Errors: unknown revision, invalid .pgstate, unreadable or binary files (kExitBadInput).
core::Result<Snapshot> ReadSnapshot(git_repository* repo, const git::Source& source);

/// The snapshot that merging revision `theirs` into revision `ours` would produce, built in
/// memory with the merge driver's logic (files both sides changed are merged object by object).
/// Nothing in the work tree or index changes. A file that would conflict is reported as an
/// error diagnostic ("merge-conflict") and its merged text, markers included, is left out.
core::Result<Snapshot> ReadMergedSnapshot(git_repository* repo, const std::string& ours,
                                          const std::string& theirs);

/// Loads the desired state of `model` into the empty database behind `connection`. Returns
/// diagnostics: PostgreSQL's error for the statement that failed, at the user's file:line:col
/// (rule "load-failed"). Empty when everything loaded. When PostgreSQL does not say where the
/// error is, `retry` (a fresh empty database) is used to load statement by statement and find it.
core::Result<std::vector<core::Diagnostic>> LoadDesiredState(
    db::Connection& connection, const schema::Model& model,
    const std::function<core::Result<db::Connection>()>& retry);

/// Loads the baseline and then each migration, in order, into the empty database behind
/// `connection`, as a new environment would get them. Returns the "load-failed" diagnostic of the
/// first statement that fails (later files are not run), or nothing.
core::Result<std::vector<core::Diagnostic>> LoadMigratedState(db::Connection& connection,
                                                              const Snapshot& snapshot);

/// The roles the desired state, the baseline and the migrations name (GRANT … TO r, OWNER TO r,
/// policies, …) but do not create themselves, sorted: a scratch server needs them
/// (db::CreateMissingRoles) before either state loads, as production has them.
std::vector<std::string> RolesToCreate(const Snapshot& snapshot, const schema::Model& model);

/// Parses the desired-state files of `snapshot` into a model (search path and external objects
/// from its configuration). Syntax errors are in the files' errors().
core::Result<schema::Model> DesiredModel(const Snapshot& snapshot);

}  // namespace pgstate::verify
