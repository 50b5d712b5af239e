#pragma once
// schema/changes: which schema *objects* changed between two snapshots of a repository.
//
// Input is the file-level diff (git/diff.h) restricted to the configured schema, baseline and
// migration paths. Only the changed files are parsed. Statements are matched by ObjectKey
// across all changed files of an area (the schema folder is one area, the baseline another), so
// a statement that moves to another file is "moved", not removed and added; one that changes
// place inside its file is "moved" too; a renamed file carries its statements along. Two
// versions of a statement are the same when their canonical hashes are equal: whitespace,
// comment and keyword-case edits are not changes unless ChangeOptions::show_all asks for them.
// Migrations are compared as files: added, removed, edited or renamed, and an edit to a
// migration that already existed on the old side is flagged because it may have been applied.
//
// A binary file, or a schema/baseline file that does not parse, on either side, is an Error
// (kExitBadInput) naming the file.

#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "git/diff.h"
#include "git/libgit2.h"
#include "schema/modules.h"
#include "sql/object_key.h"
#include "sql/source_file.h"

namespace pgstate::schema {

/// Which part of the repository a file belongs to.
enum class Area { kSchema, kBaseline, kMigration };

/// "schema", "baseline", "migration".
const char* AreaName(Area area);

enum class ChangeKind {
  kAdded,
  kRemoved,
  kModified,     ///< the canonical form changed (it may also have moved: ObjectChange::moved)
  kMoved,        ///< same canonical form, another file or another place in its file
  kReformatted,  ///< whitespace/comment/keyword-case edit only; reported with show_all
};

/// "added", "removed", "modified", "moved", "reformatted".
const char* ChangeKindName(ChangeKind kind);

/// One object (one top-level statement) that changed.
struct ObjectChange {
  ChangeKind kind = ChangeKind::kModified;
  Area area = Area::kSchema;
  /// The statement's key; empty for statements without one (BEGIN, a psql meta-command, …).
  sql::ObjectKey key;
  /// What people read: key.ToString(), or the start of the statement's text when unkeyed.
  std::string label;
  std::string old_path;  ///< empty for kAdded
  int old_line = 0;
  std::string new_path;  ///< empty for kRemoved
  int new_line = 0;
  /// kModified only: it also changed file or place (kMoved is the unmodified case).
  bool moved = false;
  /// Short notes on what changed inside the object: "column email added",
  /// "column total: type changed from integer to numeric(12,2)", "column created_at: default
  /// changed", "constraint orders_user_fk added", "columns reordered". Empty when there is
  /// nothing more specific to say than "modified".
  std::vector<std::string> details;

  /// The file the change is listed under: new_path, or old_path for a removal.
  const std::string& path() const { return new_path.empty() ? old_path : new_path; }
  int line() const { return new_path.empty() ? old_line : new_line; }
};

enum class MigrationChangeKind { kAdded, kRemoved, kEdited, kRenamed };

/// "added", "removed", "edited", "renamed".
const char* MigrationChangeKindName(MigrationChangeKind kind);

struct MigrationChange {
  MigrationChangeKind kind = MigrationChangeKind::kAdded;
  std::string old_path;  ///< empty for kAdded
  std::string new_path;  ///< empty for kRemoved
  std::string version;   ///< from the (new, else old) file name: "20240131093000"; "" if none
  /// kEdited or kRenamed: the migration existed on the old side, so it may already have been
  /// applied to some database and the edit will not reach it.
  bool may_have_been_applied = false;

  const std::string& path() const { return new_path.empty() ? old_path : new_path; }
};

/// A changed file in the configured paths.
struct FileChange {
  git::FileStatus status = git::FileStatus::kModified;
  Area area = Area::kSchema;
  std::string old_path;
  std::string new_path;
  int similarity = 0;
  const std::string& path() const {
    return status == git::FileStatus::kDeleted ? old_path : new_path;
  }
};

struct ChangeSet {
  std::string from_label;  ///< "main", "the index", "merge base of main and topic"
  std::string to_label;
  std::vector<FileChange> files;  ///< sorted by path()
  /// Sorted by path(), then line(), then label.
  std::vector<ObjectChange> objects;
  std::vector<MigrationChange> migrations;  ///< sorted by path()
  /// The modules the object changes touch, in configuration order (root first), counting the
  /// object changes in their files (a move between modules counts for both; a module that only
  /// lost or gained a renamed file has 0); empty when no module is configured.
  std::vector<ModuleTouch> modules;

  /// Nothing to report: no object or migration change and no file renamed. (Whitespace-only
  /// edits are not in `objects` unless show_all was set.)
  bool empty() const;
  /// Counts of object changes (all kinds in `objects`) and of added migrations, for one-line
  /// summaries.
  size_t ObjectCount() const { return objects.size(); }
  size_t NewMigrationCount() const;
};

struct ChangeOptions {
  /// Also report kReformatted: edits that leave the canonical form as it was.
  bool show_all = false;
  sql::ParseOptions parse;  ///< search_path from the configuration
};

/// Object-level changes for file diffs (from git::DiffFiles). Files outside the configured
/// paths are ignored. Errors (kExitBadInput): "'db/schema/logo.sql' is a binary file (in main)",
/// and for a file that does not parse, the first syntax error at its location:
/// "db/schema/bad.sql:3:8: cannot parse 'db/schema/bad.sql' (in the work tree): syntax error at
/// or near "TABL"".
core::Result<ChangeSet> DetectChanges(const std::vector<git::FileDiff>& diffs,
                                      const config::Config& config, const ChangeOptions& options,
                                      const std::string& from_label = "old",
                                      const std::string& to_label = "new");

/// The whole of `pgstate changes` short of rendering: diffs `range` in `repo`, restricted to
/// the configured paths, and detects the object-level changes.
core::Result<ChangeSet> ChangesInRange(git_repository* repo, const git::DiffRange& range,
                                       const config::Config& config, const ChangeOptions& options);

/// Opens the repository at (or above) `path`, reads its .pgstate, parses `git diff`-style
/// arguments (git::ParseDiffRange) and returns ChangesInRange(). The entry point of the tool.
core::Result<ChangeSet> CollectChanges(const std::string& path,
                                       const std::vector<std::string>& revs, bool staged,
                                       bool worktree, bool show_all);

}  // namespace pgstate::schema
