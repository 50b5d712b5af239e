#include "git/merge_file.h"

#include <git2.h>

#include <cctype>

#include "git/libgit2.h"

namespace pgstate::git {

void InitLibGit2Once() { static LibGit2Guard guard; }

std::optional<ConflictStyle> ParseConflictStyle(std::string_view value) {
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "merge") return ConflictStyle::kMerge;
  if (lower == "diff3") return ConflictStyle::kDiff3;
  if (lower == "zdiff3") return ConflictStyle::kZdiff3;
  return std::nullopt;
}

core::Result<MergeFileResult> MergeFile(std::string_view base, std::string_view ours,
                                        std::string_view theirs, const MergeFileOptions& options) {
  InitLibGit2Once();
  git_merge_file_input in_base;
  git_merge_file_input_init(&in_base, GIT_MERGE_FILE_INPUT_VERSION);
  git_merge_file_input in_ours;
  git_merge_file_input_init(&in_ours, GIT_MERGE_FILE_INPUT_VERSION);
  git_merge_file_input in_theirs;
  git_merge_file_input_init(&in_theirs, GIT_MERGE_FILE_INPUT_VERSION);
  in_base.ptr = base.data();
  in_base.size = base.size();
  in_ours.ptr = ours.data();
  in_ours.size = ours.size();
  in_theirs.ptr = theirs.data();
  in_theirs.size = theirs.size();

  git_merge_file_options opts;
  git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
  opts.ancestor_label = options.ancestor_label.c_str();
  opts.our_label = options.ours_label.c_str();
  opts.their_label = options.theirs_label.c_str();
  opts.marker_size = static_cast<unsigned short>(options.marker_size > 0 ? options.marker_size : 7);
  switch (options.style) {
    case ConflictStyle::kMerge:
      opts.flags = GIT_MERGE_FILE_STYLE_MERGE;
      break;
    case ConflictStyle::kDiff3:
      opts.flags = GIT_MERGE_FILE_STYLE_DIFF3;
      break;
    case ConflictStyle::kZdiff3:
      opts.flags = GIT_MERGE_FILE_STYLE_ZDIFF3;
      break;
  }

  git_merge_file_result out = {};
  core::Status status =
      Check(git_merge_file(&out, &in_base, &in_ours, &in_theirs, &opts), "cannot merge texts");
  if (!status.ok()) return status.take_error();
  MergeFileResult result;
  if (out.ptr != nullptr) result.text.assign(out.ptr, out.len);
  if (!out.automergeable) {
    result.conflicts = CountConflictMarkers(result.text, opts.marker_size);
    if (result.conflicts == 0) result.conflicts = 1;
  }
  git_merge_file_result_free(&out);
  return result;
}

int CountConflictMarkers(std::string_view text, int marker_size) {
  if (marker_size <= 0) marker_size = 7;
  size_t n = static_cast<size_t>(marker_size);
  int count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.size() >= n && line.find_first_not_of('<') >= n &&
        (line.size() == n || line[n] == ' ' || line[n] == '\r')) {
      ++count;
    }
    pos = eol + 1;
  }
  return count;
}

}  // namespace pgstate::git
