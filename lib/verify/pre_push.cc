#include "verify/pre_push.h"

#include <algorithm>

#include "git/hook_input.h"
#include "git/repository.h"
#include "verify/states.h"

namespace pgstate::verify {

namespace {

// True when the tracked files of `a` and `b` (revisions) differ.
core::Result<bool> TrackedFilesDiffer(git_repository* repo, const std::string& a,
                                      const std::string& b) {
  auto before = ReadSnapshot(repo, git::Source::Revision(a));
  if (!before.ok()) return before.take_error();
  auto after = ReadSnapshot(repo, git::Source::Revision(b));
  if (!after.ok()) return after.take_error();
  auto flatten = [](const Snapshot& s) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : s.schema_files) files.emplace_back(f.path, f.content);
    for (const auto& f : s.migrations) files.emplace_back(f.path, f.content);
    if (s.baseline) files.emplace_back(s.baseline->path, s.baseline->content);
    std::sort(files.begin(), files.end());
    return files;
  };
  return flatten(*before) != flatten(*after);
}

// Where a new branch forked from the remote's default branch; empty when unknown.
std::string ForkPoint(git_repository* repo, const std::string& remote, const std::string& commit) {
  auto local = git::ResolveCommit(repo, commit);
  if (!local.ok()) return {};
  for (const char* name : {"HEAD", "main", "master"}) {
    auto upstream = git::ResolveCommit(repo, "refs/remotes/" + remote + "/" + name);
    if (!upstream.ok()) continue;
    auto base = git::MergeBase(repo, local->get(), upstream->get(), commit, name);
    if (base.ok()) return git::OidHex(*git_commit_id(base->get()));
  }
  return {};
}

}  // namespace

core::Result<std::vector<PushTarget>> PushTargets(git_repository* repo, std::string_view input,
                                                  const std::string& remote) {
  auto updates = git::ParsePrePushLines(input, git::HashHexLength(repo));
  if (!updates.ok()) return updates.take_error();
  std::vector<PushTarget> targets;
  for (const auto& u : *updates) {
    if (u.is_deletion) continue;
    if (std::any_of(targets.begin(), targets.end(),
                    [&](const PushTarget& t) { return t.commit == u.local_oid; })) {
      continue;
    }
    std::string before;
    if (!u.is_new_branch) {
      // The remote's commit may be unknown here (someone else pushed it): verify then.
      auto known = git::ResolveCommit(repo, u.remote_oid);
      if (known.ok()) before = u.remote_oid;
    } else {
      before = ForkPoint(repo, remote, u.local_oid);
    }
    if (!before.empty()) {
      auto differ = TrackedFilesDiffer(repo, before, u.local_oid);
      if (!differ.ok()) return differ.take_error();
      if (!*differ) continue;
    }
    targets.push_back({u.remote_ref, u.local_oid});
  }
  return targets;
}

}  // namespace pgstate::verify
