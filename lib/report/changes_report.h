#pragma once
// report/changes_report: renders a schema::ChangeSet (what `pgstate changes` found).
//
// Formats: human (grouped by file, colored only when asked), json (stable, versioned, see
// docs/changes-json.md), markdown (a pull-request comment), github (workflow annotations) and
// summary (one line for hooks and scripts: "3 objects, 1 new migration", empty when nothing
// changed). Rendering returns text; the caller decides where it goes.

#include <optional>
#include <string>
#include <string_view>

#include "schema/changes.h"

namespace pgstate::report {

enum class ChangesFormat { kHuman, kJson, kMarkdown, kGithub, kSummary };

/// "human", "json", "markdown", "github", "summary" -> format; nullopt for anything else.
std::optional<ChangesFormat> ParseChangesFormat(std::string_view name);

/// The version of the JSON document ("version" key); bumped only for incompatible changes.
inline constexpr int kChangesJsonVersion = 1;

struct ChangesRenderOptions {
  bool color = false;  ///< human format: ANSI colors (see ShouldColor)
};

std::string RenderChanges(const schema::ChangeSet& changes, ChangesFormat format,
                          const ChangesRenderOptions& options = {});

/// "3 objects, 1 new migration", "1 object, 2 migrations removed, 1 migration edited",
/// "1 file renamed"; "" when `changes` is empty.
std::string ChangesSummary(const schema::ChangeSet& changes);

}  // namespace pgstate::report
