// Feeds arbitrary bytes to the schema merge as three sides (the first two bytes say where to
// cut the rest into base, ours and theirs) and checks what every merge must satisfy
// (merge/result_check.h): nothing lost, duplicated or made up, a clean result that parses.
// Seeds: SQL files, which the cut turns into three related texts.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "merge/result_check.h"
#include "merge/schema_merge.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  size_t first = rest.size() * data[0] / 255;
  size_t second = first + (rest.size() - first) * data[1] / 255;
  std::string_view base = rest.substr(0, first);
  std::string_view ours = rest.substr(first, second - first);
  std::string_view theirs = rest.substr(second);
  pgstate::merge::MergeOptions options;
  options.text.ours_label = "ours";
  options.text.theirs_label = "theirs";
  auto merged = pgstate::merge::MergeSchemaText(base, ours, theirs, options);
  if (!merged.ok()) std::abort();  // only running out of memory may fail
  std::vector<std::string> problems =
      pgstate::merge::CheckMergeResult(base, ours, theirs, merged->text, 7);
  if (!problems.empty()) std::abort();
  return 0;
}
