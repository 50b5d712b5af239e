#pragma once
// report/: renders what pgstate found for people and for machines.
//
// Every command that reports findings renders them here, in one of four formats:
// human (gcc-style file:line:col, color only on a terminal, NO_COLOR honoured), json (stable,
// documented in README "Output formats"), github (workflow annotations) and sarif (2.1.0).
// Rendering returns text; the caller decides where it goes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "schema/modules.h"

namespace pgstate::report {

enum class Format { kHuman, kJson, kGithub, kSarif };

/// "human", "json", "github", "sarif" -> Format; nullopt for anything else.
std::optional<Format> ParseFormat(std::string_view name);

/// True when output to `fd` should be colored: a terminal, and NO_COLOR unset or empty.
bool ShouldColor(int fd);

struct RenderOptions {
  bool color = false;
  std::string tool =
      "pgstate";  ///< the command that ran ("pgstate check"), for SARIF and summaries
  /// Human format: the trailing summary line ("2 errors, 1 warning"); empty result prints none.
  bool summary = true;
  /// The modules the checked change touches: a "modules:" line (human, before the summary), a
  /// "modules" array (json), a notice (github). Nothing when empty.
  std::vector<schema::ModuleTouch> modules;
};

/// Renders diagnostics (already sorted by the caller) in `format`.
std::string RenderDiagnostics(const std::vector<core::Diagnostic>& diagnostics, Format format,
                              const RenderOptions& options);

/// "2 errors, 1 warning" / "no problems found".
std::string SummaryLine(const std::vector<core::Diagnostic>& diagnostics);

/// Escapes a value for a GitHub workflow command (`%`, CR, LF; and `,` `:` in properties).
std::string GithubEscape(std::string_view s, bool property);

}  // namespace pgstate::report
