#pragma once
// Shared by the merge tests: every merge a test performs goes through CheckedMerge, which also
// checks the result with CheckMergeResult (nothing lost, duplicated or made up; a clean result
// parses).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/file.h"
#include "merge/result_check.h"
#include "merge/schema_merge.h"

namespace pgstate::merge::testing {

inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

inline MergeResult CheckedMerge(std::string_view base, std::string_view ours,
                                std::string_view theirs, const MergeOptions& options = {}) {
  core::Result<MergeResult> r = MergeSchemaText(base, ours, theirs, options);
  if (!r.ok()) {
    ADD_FAILURE() << "merge failed: " << r.error().message;
    return {};
  }
  std::vector<std::string> problems =
      CheckMergeResult(base, ours, theirs, r->text, options.text.marker_size);
  EXPECT_TRUE(problems.empty()) << JoinLines(problems) << "result:\n" << r->text;
  return std::move(r).value();
}

/// Options with the labels the golden files use.
inline MergeOptions TestOptions(git::ConflictStyle style = git::ConflictStyle::kMerge) {
  MergeOptions o;
  o.text.ours_label = "ours";
  o.text.theirs_label = "theirs";
  o.text.ancestor_label = "base";
  o.text.style = style;
  o.path = "schema.sql";
  return o;
}

/// tests/data: $PGSTATE_TEST_DATA, else the directory next to this source file.
inline std::string DataDir() {
  if (const char* d = std::getenv("PGSTATE_TEST_DATA"); d && *d) return d;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "data").string();
}

/// The shared corpus: $PGSTATE_CORPUS_DIR, else ../shared/corpus beside the source tree.
inline std::string CorpusDir() {
  if (const char* d = std::getenv("PGSTATE_CORPUS_DIR"); d && *d) return d;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "shared" /
          "corpus")
      .string();
}

inline std::string ReadOrEmpty(const std::string& path) {
  core::Result<std::string> r = core::ReadFile(path);
  return r.ok() ? *r : std::string();
}

}  // namespace pgstate::merge::testing
