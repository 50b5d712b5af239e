#pragma once
// Where the sql tests find their data: the environment CTest passes, or else the paths next
// to this source file (so the test binary also runs by hand without any setup).

#include <cstdlib>
#include <filesystem>
#include <string>

namespace pgstate::sql::testing {

/// tests/data ($PGSTATE_TEST_DATA).
inline std::string TestDataDir() {
  if (const char* dir = std::getenv("PGSTATE_TEST_DATA"); dir && *dir) return dir;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "data").string();
}

/// The shared corpus of real schemas ($PGSTATE_CORPUS_DIR, default ../shared/corpus next to
/// the source tree).
inline std::string CorpusDir() {
  if (const char* dir = std::getenv("PGSTATE_CORPUS_DIR"); dir && *dir) return dir;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "shared" /
          "corpus")
      .string();
}

}  // namespace pgstate::sql::testing
