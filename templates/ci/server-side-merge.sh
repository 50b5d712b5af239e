#!/usr/bin/env bash
# server-side-merge.sh: merge a pull request's target branch into the pull request's branch with
# pgstate's semantic merge driver, the way a developer's `git merge` would, and report whether
# the schema merges cleanly.
#
# Why: GitHub's and GitLab's merge buttons (and their test merges) use git's plain text merge;
# they never run custom merge drivers. Two branches that each add a table at the end of the same
# schema file conflict there, although pgstate merges them object by object without a conflict.
# This script produces the merge pgstate would make, in CI, so the result can be reported and,
# when asked, pushed to the pull request's branch (after which the hosted merge is trivial).
#
# usage: server-side-merge.sh --target BRANCH [options]
#   --target BRANCH       the branch the pull request merges into (main, develop, ...)
#   --remote NAME|URL     where to fetch BRANCH from (default: origin)
#   --branch BRANCH       the pull request's branch; needed with --push
#   --push                push the merge commit to BRANCH (opt-in; never forced)
#   --push-remote NAME|URL  where to push (default: the --remote)
#   --summary FILE        append a Markdown report to FILE (e.g. "$GITHUB_STEP_SUMMARY")
#   --bin-dir DIR         directory of the pgstate binaries (default: found on PATH)
#   --no-verify-schema    do not verify the merged schema
#   -C DIR                the repository (default: the current directory)
# Every option can also come from the environment: PGSTATE_MERGE_TARGET, PGSTATE_MERGE_REMOTE,
# PGSTATE_MERGE_BRANCH, PGSTATE_PUSH_MERGE=true, PGSTATE_PUSH_REMOTE, PGSTATE_MERGE_SUMMARY,
# PGSTATE_BIN_DIR, PGSTATE_VERIFY_MERGE=false.
#
# The work tree must be a clean checkout of the pull request's head. The merge runs with hooks
# disabled; a conflicted merge is aborted, so the checkout is left as it was. In a repository
# with a committed .pgstate, a clean merge is then verified (`pgstate verify`: the merged
# desired state against baseline + the merged migrations, on an ephemeral PostgreSQL, as the
# pre-push hook would); one that does not verify is undone and never pushed.
#
# Exit status: 0 merged cleanly (or already up to date); 1 conflicts (nothing committed or
# pushed); 2 bad usage or an unclean work tree; 3 environment (pgstate not found, fetch or push
# failed, no PostgreSQL to verify on); 4 merged without conflicts but the merged schema does not
# verify (nothing committed or pushed).
set -euo pipefail

target=${PGSTATE_MERGE_TARGET:-}
remote=${PGSTATE_MERGE_REMOTE:-origin}
branch=${PGSTATE_MERGE_BRANCH:-}
push=false
case "${PGSTATE_PUSH_MERGE:-false}" in true | 1 | yes) push=true ;; esac
push_remote=${PGSTATE_PUSH_REMOTE:-}
summary=${PGSTATE_MERGE_SUMMARY:-}
bin_dir=${PGSTATE_BIN_DIR:-}
verify_schema=true
case "${PGSTATE_VERIFY_MERGE:-true}" in false | 0 | no) verify_schema=false ;; esac
repo=.

say() { printf 'server-side-merge: %s\n' "$*"; }
die() {
  local code=$1
  shift
  printf 'server-side-merge: error: %s\n' "$*" >&2
  exit "$code"
}
usage() { sed -n '/^# usage:/,/^# PGSTATE_BIN_DIR/p' "$0" | sed 's/^# \{0,1\}//'; }

need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then die 2 "option '$1' needs a value"; fi; }
while [ $# -gt 0 ]; do
  case "$1" in
    --target) need_arg "$@"; target=$2; shift 2 ;;
    --remote) need_arg "$@"; remote=$2; shift 2 ;;
    --branch) need_arg "$@"; branch=$2; shift 2 ;;
    --push) push=true; shift ;;
    --push-remote) need_arg "$@"; push_remote=$2; shift 2 ;;
    --summary) need_arg "$@"; summary=$2; shift 2 ;;
    --bin-dir) need_arg "$@"; bin_dir=$2; shift 2 ;;
    --no-verify-schema) verify_schema=false; shift ;;
    -C) need_arg "$@"; repo=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown argument '$1'" ;;
  esac
done
[ -n "$target" ] || { usage >&2; die 2 "no target branch: pass --target BRANCH"; }
if $push && [ -z "$branch" ]; then die 2 "--push needs --branch (the pull request's branch)"; fi
push_remote=${push_remote:-$remote}
cd "$repo"

# Markdown lines collected for --summary.
report=()
note() { report+=("$@"); }  # one array element per line
finish() {
  local code=$1
  if [ -n "$summary" ]; then
    { printf '### pgstate: server-side schema merge\n\n'; printf '%s\n' "${report[@]}"; echo; } >>"$summary"
  fi
  exit "$code"
}

# --- pgstate's binaries --------------------------------------------------------------------
if [ -n "$bin_dir" ]; then
  export PATH="$bin_dir:$PATH"
fi
pgstate=$(command -v pgstate || true)
[ -n "$pgstate" ] || die 3 "'pgstate' is not on PATH (install it, or pass --bin-dir)"
merge_driver="$(dirname "$pgstate")/pgstate-merge"
[ -x "$merge_driver" ] || merge_driver=$(command -v pgstate-merge || true)
if [ -z "$merge_driver" ] || [ ! -x "$merge_driver" ]; then
  die 3 "'pgstate-merge' (the merge driver) is not installed next to '$pgstate' or on PATH"
fi

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die 2 "'$PWD' is not a git work tree"
if ! git diff --quiet || ! git diff --cached --quiet; then
  die 2 "the work tree has uncommitted changes; run this on a clean checkout of the pull request"
fi
head=$(git rev-parse HEAD)
label=${branch:-$(git rev-parse --abbrev-ref HEAD)}

# --- the target branch ---------------------------------------------------------------------
# A shallow clone has no merge base to work from.
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  say "fetching full history (the clone is shallow)"
  git fetch --quiet --unshallow "$remote" || die 3 "cannot deepen the clone from '$remote'"
fi
# Fetched as a remote-tracking branch, so conflict markers name it ("origin/main").
case "$remote" in
  */* | *:*) tracking="target/$target" ;;  # a URL or a path
  *) tracking="$remote/$target" ;;
esac
say "fetching '$target' from '$remote'"
git fetch --quiet --no-tags "$remote" "+refs/heads/$target:refs/remotes/$tracking" ||
  die 3 "cannot fetch branch '$target' from '$remote'"
theirs=$(git rev-parse "refs/remotes/$tracking")

if git merge-base --is-ancestor "$theirs" HEAD; then
  say "'$label' already contains '$target': nothing to merge"
  note "\`$label\` already contains \`$target\` ($(git rev-parse --short "$theirs")): nothing to merge."
  finish 0
fi
base=$(git merge-base HEAD "$theirs" || true)
[ -n "$base" ] || die 1 "'$label' and '$target' have no common history"

# --- pgstate's merge driver, configured as `pgstate init` does for developers ----------------
untracked_before=$(git ls-files --others --exclude-standard)
"$pgstate" init >/dev/null || die 3 "'pgstate init' failed"
# init may have added merge=pgstate lines to .gitattributes and created .pgstate or db/ files
# in a repository that never ran it. Keep the attributes in .git/info/attributes (they apply to
# this merge, and are never committed) and put the work tree back as it was.
attributes_file=$(git rev-parse --git-path info/attributes)
if ! git diff --quiet -- .gitattributes 2>/dev/null ||
  { [ -e .gitattributes ] && ! git ls-files --error-unmatch .gitattributes >/dev/null 2>&1; }; then
  mkdir -p "$(dirname "$attributes_file")"
  grep 'merge=pgstate' .gitattributes >>"$attributes_file" || true
  if git ls-files --error-unmatch .gitattributes >/dev/null 2>&1; then
    git checkout --quiet -- .gitattributes
  fi
fi
while IFS= read -r path; do
  [ -n "$path" ] || continue
  printf '%s\n' "$untracked_before" | grep -qxF -- "$path" || rm -f -- "$path"
done < <(git ls-files --others --exclude-standard)
git config merge.pgstate.driver >/dev/null || die 3 "'pgstate init' did not configure the merge driver"

# Files changed on both sides, which pgstate's driver merges: the interesting part of the report.
both_changed=$(LC_ALL=C comm -12 <(git diff --name-only "$base" HEAD | LC_ALL=C sort) \
  <(git diff --name-only "$base" "$theirs" | LC_ALL=C sort))
semantic=()
while IFS= read -r path; do
  [ -n "$path" ] || continue
  if [ "$(git check-attr merge -- "$path" | sed 's/.*: merge: //')" = pgstate ]; then
    semantic+=("$path")
  fi
done <<<"$both_changed"

# --- the merge -----------------------------------------------------------------------------
name=$(git config user.name || true)
email=$(git config user.email || true)
message="Merge branch '$target' into $label"
say "merging '$target' ($(git rev-parse --short "$theirs")) into '$label' ($(git rev-parse --short HEAD))"
set +e
git -c core.hooksPath=/dev/null -c "user.name=${name:-pgstate}" \
  -c "user.email=${email:-pgstate@localhost}" \
  merge --no-edit --no-verify -m "$message" \
  -m "Merged server-side with pgstate's schema merge driver." "$tracking"
status=$?
set -e

if [ "$status" -ne 0 ]; then
  conflicted=$(git diff --name-only --diff-filter=U)
  if [ -z "$conflicted" ]; then
    git merge --abort 2>/dev/null || git reset --quiet --hard "$head"
    die 3 "git merge failed without conflicts (exit $status)"
  fi
  schema_conflicts=()
  other_conflicts=()
  while IFS= read -r path; do
    if [ "$(git check-attr merge -- "$path" | sed 's/.*: merge: //')" = pgstate ]; then
      schema_conflicts+=("$path")
    else
      other_conflicts+=("$path")
    fi
  done <<<"$conflicted"
  note "Merging \`$target\` into \`$label\` **conflicts**; nothing was committed or pushed."
  if [ ${#schema_conflicts[@]} -gt 0 ]; then
    say "the schema does not merge cleanly: a real conflict in ${schema_conflicts[*]}"
    note "" "Schema conflicts (the same object changed differently on both sides):"
    for path in "${schema_conflicts[@]}"; do
      note "- \`$path\`"
      say "--- $path (conflict markers around the object both sides changed)"
      awk '/^<<<<<<< /{show=1; shown=0} show{print; if (++shown > 200) show=0} /^>>>>>>> /{show=0}' "$path"
    done
  else
    say "the schema merges cleanly; the conflicts are in other files"
    note "" "The schema merges cleanly."
  fi
  if [ ${#other_conflicts[@]} -gt 0 ]; then
    say "conflicts outside the schema (resolve by hand): ${other_conflicts[*]}"
    note "" "Conflicts outside the schema (resolve them by hand):"
    for path in "${other_conflicts[@]}"; do note "- \`$path\`"; done
  fi
  git merge --abort
  finish 1
fi

merged=$(git rev-parse HEAD)
# The merge the driver made is the one a developer's `git merge` makes; whether it verifies is
# what `pgstate verify --merge-with` and the pre-push hook decide, so ask the same question.
if $verify_schema && git ls-files --error-unmatch .pgstate >/dev/null 2>&1; then
  say "verifying the merged schema"
  set +e
  "$pgstate" verify
  verified=$?
  set -e
  if [ "$verified" -ne 0 ]; then
    git reset --quiet --hard "$head"
    [ "$verified" -eq 3 ] && die 3 "cannot verify the merged schema: no PostgreSQL (see 'pgstate verify' above)"
    say "the schema merges without conflicts, but the merged schema does not verify (see above)"
    note "Merging \`$target\` into \`$label\` is free of conflicts, but the merged schema **does not verify**; nothing was committed or pushed." \
      "" "Run \`pgstate verify --merge-with $tracking\` on \`$label\` to see why."
    finish 4
  fi
fi
say "the schema merges cleanly: merge commit $(git rev-parse --short "$merged")"
note "Merging \`$target\` into \`$label\` is **clean**: merge commit \`$(git rev-parse --short "$merged")\`."
if [ ${#semantic[@]} -gt 0 ]; then
  say "merged by pgstate (changed on both sides): ${semantic[*]}"
  note "" "Merged object by object by pgstate (changed on both sides):"
  for path in "${semantic[@]}"; do note "- \`$path\`"; done
fi

if $push; then
  say "pushing the merge commit to '$branch'"
  # Never forced: if someone pushed to the branch meanwhile, the push is refused and the next
  # run merges again.
  git -c core.hooksPath=/dev/null push --quiet --no-verify "$push_remote" "$merged:refs/heads/$branch" ||
    die 3 "cannot push to branch '$branch' (did it move, or may this job not push?)"
  note "" "Pushed to \`$branch\`."
else
  note "" "Not pushed (pushing is opt-in)."
fi
finish 0
