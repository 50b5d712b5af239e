#!/usr/bin/env bash
# pgstate changes A B against git diff --name-only A B, in the same run, on a generated
# repository: a 20k-file tree, thousands of commits, and the corpus's largest real schema file
# (bike_index's db/structure.sql) edited across them (tests/bench/changes_gen.py).
#
# Target: pgstate-changes takes at most 2x git's time plus the parse of the changed blobs.
# "parse" is measured as pgstate-changes on a two-commit repository holding only the db/ trees
# of A and B: the same blobs parsed and compared, with no large tree or history around them.
#
#   usage: tests/bench/changes_bench.sh [BUILD_DIR]
#   env:   RUNS (default 11; the median is reported), FILES (20000), COMMITS (3000),
#          BENCH_REPO (reuse a generated repository), PGSTATE_CORPUS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
runs=${RUNS:-11}
corpus=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
changes="$build_dir/tools/pgstate-changes"
if [ ! -d "$corpus/merges/bike_index" ]; then
  echo "skipped: no corpus at $corpus (set PGSTATE_CORPUS_DIR)" >&2
  exit 125
fi
if ! cmake --build "$build_dir" --target pgstate-changes >/dev/null 2>&1; then
  [ -x "$changes" ] || { echo "cannot build pgstate-changes in $build_dir" >&2; exit 1; }
  echo "warning: the build failed; timing the existing $changes" >&2
fi
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgstate-changes-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
repo=${BENCH_REPO:-$tmp/repo}
if [ ! -d "$repo/.git" ]; then
  echo "generating $repo ..." >&2
  python3 "$here/changes_gen.py" "$repo" "$corpus" --files "${FILES:-20000}" \
    --commits "${COMMITS:-3000}" >&2
  git -C "$repo" gc -q
fi

now_ns() { date +%s%N; }

# measure DIR CMD...: runs CMD $runs times in DIR (after one warm-up run) and prints two
# medians in milliseconds: wall time (date +%s%N around the run) and CPU time (user + system,
# from bash's `time`), which stays meaningful when other work competes for the processors.
measure() {
  local dir=$1
  shift
  (cd "$dir" && "$@" >/dev/null)
  local walls=() cpus=() t0 t1 cpu
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns)
    cpu=$({ TIMEFORMAT='%3U %3S'; time (cd "$dir" && "$@" >/dev/null 2>&1); } 2>&1)
    t1=$(now_ns)
    walls+=($(((t1 - t0) / 1000)))
    cpu=$(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1000000 }')
    cpus+=("$cpu")
  done
  printf '%s %s\n' "$(median "${walls[@]}")" "$(median "${cpus[@]}")"
}
median() {
  printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

# A repository holding only the db/ trees of A and B, as two commits.
db_only_repo() {
  local a=$1 b=$2 dir=$3
  git init -q -b main "$dir"
  for rev in "$a" "$b"; do
    (cd "$dir" && git rm -rqf --ignore-unmatch db >/dev/null && rm -rf db)
    git -C "$repo" archive "$rev" db | tar -x -C "$dir"
    (cd "$dir" && git add -A && git commit -q --allow-empty -m "$rev")
  done
}

last_schema_commit=$(git -C "$repo" log -1 --format=%H -- db/schema/structure.sql)
cases=(
  "far|main~2000|main"
  "near|main~1|main"
  "schema-step|$last_schema_commit~1|$last_schema_commit"
)

printf '%s\n' "commits: $(git -C "$repo" rev-list --count main), files: $(git -C "$repo" ls-files | wc -l), runs: $runs (medians), load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
printf '%s\n' "times in ms; cpu = user + system; budget = 2 x git + parse (parse: the same change in a db/-only repository)"
row() {
  printf '%-12s %6s | %7s %7s | %7s %7s | %6s %6s | %7s %7s | %7s %7s | %s\n' "$@"
}
row case files git "" changes "" ratio "" parse "" budget "" "ok  what changed"
row "" "" wall cpu wall cpu wall cpu wall cpu wall cpu ""
for c in "${cases[@]}"; do
  IFS='|' read -r name a b <<<"$c"
  files=$(git -C "$repo" diff --name-only "$a" "$b" | wc -l)
  summary=$(cd "$repo" && "$changes" --format summary "$a" "$b")
  read -r git_wall git_cpu < <(measure "$repo" git diff --name-only "$a" "$b")
  read -r ch_wall ch_cpu < <(measure "$repo" "$changes" --format summary "$a" "$b")
  small="$tmp/db-$name"
  rm -rf "$small"
  db_only_repo "$a" "$b" "$small"
  read -r parse_wall parse_cpu < <(measure "$small" "$changes" --format summary HEAD~1 HEAD)
  read -r r_wall r_cpu b_wall b_cpu ok < <(awk -v gw="$git_wall" -v gc="$git_cpu" \
    -v cw="$ch_wall" -v cc="$ch_cpu" -v pw="$parse_wall" -v pc="$parse_cpu" 'BEGIN {
      bw = 2 * gw + pw; bc = 2 * gc + pc
      printf "%.2f %.2f %.1f %.1f %s\n", cw / gw, (gc > 0 ? cc / gc : 0), bw, bc,
        (cw <= bw && cc <= bc ? "yes" : "NO") }')
  row "$name" "$files" "$git_wall" "$git_cpu" "$ch_wall" "$ch_cpu" "$r_wall" "$r_cpu" \
    "$parse_wall" "$parse_cpu" "$b_wall" "$b_cpu" "$ok  ${summary:-nothing}"
done
