#!/usr/bin/env bash
# Runs every schema-diff case of $PGSTATE_CORPUS_DIR/diffs through `pgstate plan` and checks the
# result independently with `pgstate verify`.
#
# For each <source>/<case>: a temporary repository whose baseline is setup.sql + from.sql and
# whose desired state is setup.sql + to.sql; `pgstate plan -m corpus --allow-hazards` writes the
# migration (after proving it on a copy of the current state); `pgstate verify` then loads the
# baseline + that migration into one database and the desired state into another and compares
# the catalogs. A case succeeds when both agree; a plan that "succeeded" but leaves a difference
# is counted separately and must never happen. Cases whose inputs PostgreSQL cannot load here
# (summary.csv: missing extension, newer PostgreSQL syntax, not PostgreSQL at all, missing
# locale) are skipped. Column order is not compared (a plan appends new columns and says so).
#
# usage: tests/bench/diffs_corpus.sh [-j JOBS] [-v] [CASE_REGEX]
#   PGSTATE_BIN_DIR      directory of the built binaries (default: build/tools)
#   PGSTATE_CORPUS_DIR   the shared corpus (default: ../shared/corpus next to the source)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
export PGSTATE_BIN_DIR=${PGSTATE_BIN_DIR:-$source_dir/build/tools}
export PGSTATE_CORPUS_DIR=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
jobs=2
verbose=0
while getopts "j:v" opt; do
  case $opt in
    j) jobs=$OPTARG ;;
    v) verbose=1 ;;
    *) echo "usage: $0 [-j JOBS] [-v] [CASE_REGEX]" >&2; exit 129 ;;
  esac
done
shift $((OPTIND - 1))
filter=${1:-.}
corpus="$PGSTATE_CORPUS_DIR/diffs"
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
[ -x "$PGSTATE_BIN_DIR/pgstate-plan" ] || { echo "no pgstate-plan in $PGSTATE_BIN_DIR" >&2; exit 2; }

. "$source_dir/tests/e2e/lib.sh"
start_postgres
export DEV_URL
DEV_URL=$(pg_url postgres)

# Every role any case names, created once.
for meta in "$corpus"/*/*/meta.json; do
  awk '/"roles": \[/{on=1; next} on && /\]/{on=0} on {gsub(/^ *"|",? *$/, ""); print}' "$meta"
done | sort -u | while IFS= read -r role; do
  [ -n "$role" ] || continue
  quoted=${role//\"/\"\"}
  pg_sql postgres "CREATE ROLE \"$quoted\"" >/dev/null
done

# run_case DIR: prints "source<TAB>case<TAB>status<TAB>reason".
run_case() {
  dir=$1
  case_name=$(basename "$dir")
  source_name=$(basename "$(dirname "$dir")")
  work=$(mktemp -d "$E2E_TMP/case-XXXXXX")
  mkdir -p "$work/db/schema" "$work/db/migrations"
  git init -q "$work"
  printf '[verify]\n\tcolumnOrder = ignore\n' > "$work/.pgstate"
  : > "$work/db/baseline.sql"
  if [ -f "$dir/setup.sql" ]; then
    cat "$dir/setup.sql" >> "$work/db/baseline.sql"
    printf '\n' >> "$work/db/baseline.sql"
    cp "$dir/setup.sql" "$work/db/schema/00_setup.sql"
  fi
  [ -f "$dir/from.sql" ] && cat "$dir/from.sql" >> "$work/db/baseline.sql"
  if [ -f "$dir/to.sql" ]; then cp "$dir/to.sql" "$work/db/schema/schema.sql"; fi
  # The first error line, else the first line: one line either way (the results are TSV).
  first_error() { { grep -m1 -E 'error|fatal' "$1" || head -n1 "$1"; } | cut -c1-300; }
  set +e
  (cd "$work" && "$PGSTATE_BIN_DIR/pgstate-plan" -m corpus --allow-hazards --dev-url "$DEV_URL") \
    > "$work/plan.out" 2> "$work/plan.err"
  plan_rc=$?
  verify_rc=-1
  if [ $plan_rc = 0 ]; then
    (cd "$work" && "$PGSTATE_BIN_DIR/pgstate-verify" --dev-url "$DEV_URL") > "$work/verify.out" 2>&1
    verify_rc=$?
  fi
  set -e
  if [ $plan_rc = 0 ] && [ $verify_rc = 0 ]; then
    printf '%s\t%s\tok\t\n' "$source_name" "$case_name"
  elif [ $plan_rc = 0 ]; then
    printf '%s\t%s\tleft-difference\t%s\n' "$source_name" "$case_name" "$(first_error "$work/verify.out")"
  elif [ $plan_rc = 2 ]; then
    printf '%s\t%s\tdoes-not-load\t%s\n' "$source_name" "$case_name" "$(first_error "$work/plan.err")"
  else
    printf '%s\t%s\tfailed\t%s\n' "$source_name" "$case_name" "$(first_error "$work/plan.err")"
  fi
  if [ "$verbose" = 1 ] && [ $plan_rc != 0 -o $verify_rc != 0 ]; then
    { echo "=== $source_name/$case_name"; cat "$work/plan.err" "$work/db/migrations/"*.sql "$work/verify.out" 2>/dev/null; } >&2
  fi
  rm -rf "$work"
}
export -f run_case
export E2E_TMP verbose

results="$E2E_TMP/results.tsv"
start=$(date +%s)
find "$corpus" -mindepth 2 -maxdepth 2 -type d | sort | grep -E -- "$filter" |
  xargs -P "$jobs" -I{} bash -c 'run_case "$@"' _ {} > "$results"
elapsed=$(( $(date +%s) - start ))

# Cases whose inputs cannot load on this PostgreSQL, as summary.csv records them.
unloadable="$E2E_TMP/unloadable.txt"
# (CRLF lines; the error field may hold commas, so the category is read as the last field.)
awk -F, 'NR > 1 { sub(/\r$/, ""); category = $NF }
  NR > 1 && ($3 == 0 || (category != "" && category != "desired_not_self_contained")) {
    print $1 "\t" $2 "\t" category }' "$corpus/summary.csv" > "$unloadable"

awk -F'\t' -v unloadable="$unloadable" -v elapsed="$elapsed" '
  BEGIN { while ((getline line < unloadable) > 0) { split(line, f, "\t"); skip[f[1] "\t" f[2]] = f[3] } }
  {
    key = $1 "\t" $2; src = $1; sources[src] = 1; total[src]++
    if ($3 == "does-not-load" && (key in skip)) { skipped[src]++; next }
    if ($3 == "ok") ok[src]++
    else if ($3 == "does-not-load") loader[src]++
    else planfail[src]++
    if ($3 != "ok") lines[++n] = sprintf("  %-7s %-62s %-15s %s", src, $2, $3, $4)
    if ($3 == "left-difference") left++
  }
  function row(name, t, sk, ld, okc, pf) {
    planned = t - sk - ld
    printf "%-7s %6d %8d %7d %8d %9d %7d %9.1f%% %8.1f%%\n", name, t, sk, ld, planned, okc, pf,
           planned ? 100 * okc / planned : 0, (t - sk) ? 100 * okc / (t - sk) : 0
  }
  END {
    printf "%-7s %6s %8s %7s %8s %9s %7s %10s %9s\n", "source", "cases", "skipped", "loader",
           "planned", "succeeded", "failed", "plan rate", "overall"
    for (s in sources) {
      row(s, total[s], skipped[s], loader[s], ok[s], planfail[s])
      T += total[s]; S += skipped[s]; L += loader[s]; O += ok[s]; F += planfail[s]
    }
    row("all", T, S, L, O, F)
    print "skipped: inputs PostgreSQL 15 cannot load here (summary.csv); loader: inputs pgstate"
    print "could not load although PostgreSQL can; plan rate = succeeded / planned; overall ="
    print "succeeded / (cases - skipped)"
    printf "plans that succeeded but left a difference: %d\n", left + 0
    printf "elapsed: %d s\n", elapsed
    if (n) { print "not succeeded:"; for (i = 1; i <= n; i++) print lines[i] }
  }' "$results"
