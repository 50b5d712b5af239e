#!/usr/bin/env bash
# pgstate-merge against git merge-file on the same three inputs, in the same run: the largest
# real merges of the corpus ($PGSTATE_CORPUS_DIR/merges), by the size of ours.sql.
#
# Target: at most 3x git's time, and under 100 ms on the largest file.
# "text" is pgstate-merge with PGSTATE_MERGE=text (the kill switch): the cost of the driver
# around git's own algorithm, without the object merge.
#
#   usage: tests/bench/merge_bench.sh [BUILD_DIR]
#   env:   RUNS (default 11; medians are reported), CASES (default 6), PGSTATE_CORPUS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
runs=${RUNS:-11}
ncases=${CASES:-6}
corpus=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
merge="$build_dir/tools/pgstate-merge"
if [ ! -d "$corpus/merges" ]; then
  echo "skipped: no corpus at $corpus (set PGSTATE_CORPUS_DIR)" >&2
  exit 125
fi
if ! cmake --build "$build_dir" --target pgstate-merge >/dev/null 2>&1; then
  [ -x "$merge" ] || { echo "cannot build pgstate-merge in $build_dir" >&2; exit 1; }
  echo "warning: the build failed; timing the existing $merge" >&2
fi
export GIT_CONFIG_NOSYSTEM=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgstate-merge-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"  # no repository here: the driver reads no merge.conflictStyle

now_ns() { date +%s%N; }
median() {
  printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}
# measure CMD...: medians over $runs runs (after one warm-up) of wall time and CPU time
# (user + system, from bash's `time`, meaningful when other work competes for the processors).
measure() {
  "$@" >/dev/null 2>&1 || true
  local walls=() cpus=() t0 t1 cpu
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns)
    cpu=$({ TIMEFORMAT='%3U %3S'; time ("$@" >/dev/null 2>&1 || true); } 2>&1)
    t1=$(now_ns)
    walls+=($(((t1 - t0) / 1000)))
    cpus+=("$(awk -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { printf "%d", (u + s) * 1000000 }')")
  done
  printf '%s %s\n' "$(median "${walls[@]}")" "$(median "${cpus[@]}")"
}

mapfile -t cases < <(find "$corpus/merges" -name ours.sql -printf '%s %h\n' | sort -rn |
  head -n "$ncases" | cut -d' ' -f2)

printf '%s\n' "runs: $runs (medians), load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
printf '%s\n' "times in ms; cpu = user + system; ratio = pgstate-merge / git merge-file"
row() {
  printf '%-24s %5s | %6s %6s | %6s %6s | %6s %6s | %5s %5s | %s\n' "$@"
}
row case KiB git "" merge "" text "" ratio "" "result"
row "" "" wall cpu wall cpu wall cpu wall cpu ""
worst_wall=0 worst_cpu=0 largest_wall=""
for dir in "${cases[@]}"; do
  name=${dir#"$corpus/merges/"}
  kib=$(($(stat -c %s "$dir/ours.sql") / 1024))
  set +e
  "$merge" -p "$dir/base.sql" "$dir/ours.sql" "$dir/theirs.sql" >/dev/null 2>&1
  rc=$?
  set -e
  result=$([ "$rc" = 0 ] && echo clean || echo "$rc conflicts")
  read -r g_wall g_cpu < <(measure git merge-file -p "$dir/ours.sql" "$dir/base.sql" "$dir/theirs.sql")
  read -r m_wall m_cpu < <(measure "$merge" -p "$dir/base.sql" "$dir/ours.sql" "$dir/theirs.sql")
  read -r t_wall t_cpu < <(measure env PGSTATE_MERGE=text "$merge" -p "$dir/base.sql" \
    "$dir/ours.sql" "$dir/theirs.sql")
  read -r r_wall r_cpu < <(awk -v gw="$g_wall" -v gc="$g_cpu" -v mw="$m_wall" -v mc="$m_cpu" \
    'BEGIN { printf "%.2f %.2f\n", mw / gw, (gc > 0 ? mc / gc : 0) }')
  row "$name" "$kib" "$g_wall" "$g_cpu" "$m_wall" "$m_cpu" "$t_wall" "$t_cpu" "$r_wall" "$r_cpu" \
    "$result"
  worst_wall=$(awk -v a="$worst_wall" -v b="$r_wall" 'BEGIN { print (b > a ? b : a) }')
  worst_cpu=$(awk -v a="$worst_cpu" -v b="$r_cpu" 'BEGIN { print (b > a ? b : a) }')
  [ -n "$largest_wall" ] || largest_wall=$m_wall
done
ok=$(awk -v w="$worst_cpu" -v l="$largest_wall" 'BEGIN { print (w <= 3 && l < 100 ? "yes" : "NO") }')
printf '%s\n' "worst ratio: wall ${worst_wall}x, cpu ${worst_cpu}x; largest file: ${largest_wall} ms wall;" \
  "target (cpu ratio <= 3, largest < 100 ms) met: $ok"
