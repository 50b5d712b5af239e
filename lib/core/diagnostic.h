#pragma once
// A finding about the user's files: where, which rule, what, and how to fix it.

#include <string>
#include <vector>

#include "core/source_location.h"

namespace pgstate::core {

enum class Severity { kError, kWarning, kNote };

/// "error", "warning" or "note".
const char* SeverityName(Severity s);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string rule;     ///< stable kebab-case id, e.g. "syntax", "duplicate-object"
  std::string message;  ///< one line, lowercase first word, no trailing period
  SourceLocation location;
  std::string hint;         ///< optional: how to fix it ("run: pgstate plan -m add_users")
  std::string source_line;  ///< optional: the line of source the column points into
  std::vector<SourceLocation>
      related;  ///< optional: other places involved (the first definition, ...)
};

/// True when any diagnostic is an error.
bool HasErrors(const std::vector<Diagnostic>& diagnostics);

/// Orders by file, line, column, then rule: the order every report uses.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace pgstate::core
