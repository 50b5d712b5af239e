#!/usr/bin/env bash
# The verify benchmark (issue #4): `pgstate verify` on the largest real schema of the corpus
# against loading the same SQL with psql, in one run.
#
# The repository's desired state (db/schema/app.sql) and its baseline (db/baseline.sql) are the
# same file, with no migrations, so verify must load it twice (into two databases) and find the
# catalogs equal. Timed by wall clock, the median of RUNS rounds, the variants interleaved in
# each round so a busy machine slows them alike:
#
#   cold          pgstate verify with an empty template cache (XDG_CACHE_HOME is a new empty
#                 directory each time): initdb of the template, then the warm path
#   warm          pgstate verify with the template cache populated: copy the template, start
#                 postgres, load the desired state and the baseline, introspect and compare both
#   floor (1x)    psql -f of the file into a fresh database of an already-running server
#   floor         the same twice, into two fresh databases, one after the other: what verify
#                 cannot avoid, since it must build both states; the targets use this one
#
# The floor's server is started by start_postgres (tests/e2e/lib.sh) with fsync off, like
# verify's; CREATE DATABASE is not in the floor's time. Both servers keep their data on the same
# storage, BENCH_STORAGE: by default /dev/shm when it is a tmpfs (where verify puts its runs by
# default), else /tmp. On a slow or shared disk, creating the ~1,000 files of a schema's
# relations (and copying verify's template) can take longer than PostgreSQL's own work.
#
# Targets: warm <= 1.5 x floor + 0.5 s; cold <= warm + 1.5 s.
#
# usage: tests/bench/verify_bench.sh [SCHEMA_FILE]
#   SCHEMA_FILE          default: the largest .sql file of $PGSTATE_CORPUS_DIR/merges
#   RUNS                 rounds (default 5)
#   BENCH_STORAGE        directory for the servers' data (default: /dev/shm if a tmpfs, else /tmp)
#   PGSTATE_BIN_DIR      directory of the built binaries (default: build/tools)
#   PGSTATE_CORPUS_DIR   the shared corpus (default: ../shared/corpus next to the source)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
export PGSTATE_BIN_DIR=${PGSTATE_BIN_DIR:-$source_dir/build/tools}
corpus=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
runs=${RUNS:-5}
if [ $# -gt 0 ]; then
  schema_file=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  [ -d "$corpus/merges" ] || { echo "skipped: no corpus at $corpus (set PGSTATE_CORPUS_DIR)" >&2; exit 125; }
  schema_file=$(find "$corpus/merges" -name '*.sql' -type f -printf '%s %p\n' | sort -n | tail -1 |
    cut -d' ' -f2-)
fi
[ -f "$schema_file" ] || { echo "no schema file $schema_file" >&2; exit 2; }
[ -x "$PGSTATE_BIN_DIR/pgstate-verify" ] || { echo "no pgstate-verify in $PGSTATE_BIN_DIR" >&2; exit 2; }

storage=${BENCH_STORAGE:-}
if [ -z "$storage" ]; then
  storage=/tmp
  [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && storage=/dev/shm
fi
# Everything of this run (repository, template caches, verify's runs) goes under E2E_TMP there.
export TMPDIR=$storage
. "$source_dir/tests/e2e/lib.sh"
PG_PARENT=$storage start_postgres
# As root the ephemeral server runs as an unprivileged user: it must reach its run directory,
# which verify makes under $TMPDIR.
export TMPDIR="$E2E_TMP/tmp"
mkdir -p "$TMPDIR"
chmod 0755 "$E2E_TMP" "$TMPDIR"

# The file must load on its own (no missing extension) before anything is timed.
pg_sql postgres "CREATE DATABASE load_check"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -U postgres -d load_check \
  -f "$schema_file" > "$E2E_TMP/load_check.log" 2>&1 || {
  tail -5 "$E2E_TMP/load_check.log" >&2
  fail "$schema_file does not load into PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}')"
}
tables=$(pg_sql load_check "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')")
indexes=$(pg_sql load_check "SELECT count(*) FROM pg_indexes
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
mkdir -p "$repo/db/schema"
cp "$schema_file" "$repo/db/schema/app.sql"
cp "$schema_file" "$repo/db/baseline.sql"
git -C "$repo" add -A
git -C "$repo" commit -q -m "schema and its baseline" --no-verify

# verify CACHE_DIR: runs pgstate verify in the repository with that template cache; prints
# seconds. Anything but a clean pass stops the benchmark.
verify() {
  local start end
  start=$(date +%s.%N)
  if ! (cd "$repo" && XDG_CACHE_HOME=$1 pgstate verify > "$E2E_TMP/verify.out" 2>&1); then
    cat "$E2E_TMP/verify.out" >&2
    fail "pgstate verify does not pass on $schema_file"
  fi
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
# load NAME...: psql -f of the file into each new database NAME, one after the other; prints
# seconds (the databases are created before the clock starts).
load() {
  local name start end
  for name in "$@"; do pg_sql postgres "CREATE DATABASE $name"; done
  start=$(date +%s.%N)
  for name in "$@"; do
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -U postgres -d "$name" \
      -f "$schema_file" > /dev/null
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Verify must pass before it is timed; this run also fills the warm cache.
warm_cache="$E2E_TMP/cache-warm"
verify "$warm_cache" > /dev/null
tail -1 "$E2E_TMP/verify.out"

for v in cold warm floor1 floor2; do : > "$E2E_TMP/$v.times"; done
for run in $(seq 1 "$runs"); do
  verify "$E2E_TMP/cache-cold-$run" >> "$E2E_TMP/cold.times"
  verify "$warm_cache" >> "$E2E_TMP/warm.times"
  load "one_$run" >> "$E2E_TMP/floor1.times"
  load "first_$run" "second_$run" >> "$E2E_TMP/floor2.times"
done

cold=$(median < "$E2E_TMP/cold.times")
warm=$(median < "$E2E_TMP/warm.times")
floor1=$(median < "$E2E_TMP/floor1.times")
floor=$(median < "$E2E_TMP/floor2.times")
verdict() { if [ "$(echo "$1 <= $2" | bc)" = 1 ]; then echo PASS; else echo MISS; fi; }
warm_target=$(echo "1.5 * $floor + 0.5" | bc -l)
cold_target=$(echo "$warm + 1.5" | bc -l)

printf '%s: %s bytes, %s tables, %s indexes\n' "${schema_file#"$corpus"/}" \
  "$(wc -c < "$schema_file")" "$tables" "$indexes"
printf '%-44s %10s %10s\n' "" "seconds" "x floor"
printf '%-44s %10.3f %9.2fx\n' "cold: pgstate verify, empty template cache" "$cold" \
  "$(echo "$cold / $floor" | bc -l)"
printf '%-44s %10.3f %9.2fx\n' "warm: pgstate verify, template cached" "$warm" \
  "$(echo "$warm / $floor" | bc -l)"
printf '%-44s %10.3f %9.2fx\n' "floor (1x): psql -f into one database" "$floor1" \
  "$(echo "$floor1 / $floor" | bc -l)"
printf '%-44s %10.3f %9.2fx\n' "floor: psql -f into two databases" "$floor" 1
printf 'warm <= 1.5 x floor + 0.5 s: %.3f <= %.3f  %s\n' "$warm" "$warm_target" \
  "$(verdict "$warm" "$warm_target")"
printf 'cold <= warm + 1.5 s:        %.3f <= %.3f  %s\n' "$cold" "$cold_target" \
  "$(verdict "$cold" "$cold_target")"
printf 'median of %d runs each, wall clock, data on %s (%s); warm / floor (1x) = %.2fx\n' \
  "$runs" "$storage" "$(stat -f -c %T "$storage")" "$(echo "$warm / $floor1" | bc -l)"
