#pragma once
// A position in a user's file. Lines and columns are 1-based; columns count characters.

#include <string>

namespace pgstate::core {

struct SourceLocation {
  std::string file;  ///< path as the user would type it (repository-relative where possible)
  int line = 0;      ///< 1-based; 0 means "the whole file"
  int column = 0;    ///< 1-based, in characters; 0 means "the whole line"

  /// "file:line:col", "file:line" or "file", whichever parts are known.
  std::string ToString() const {
    std::string s = file;
    if (line > 0) {
      s += ":" + std::to_string(line);
      if (column > 0) s += ":" + std::to_string(column);
    }
    return s;
  }
};

}  // namespace pgstate::core
