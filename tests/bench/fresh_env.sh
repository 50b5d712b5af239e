#!/usr/bin/env bash
# The fresh-environment benchmark the whole approach rests on: a new database built from a
# history of 500 migrations (generated below), against the same database built from the one baseline they fold
# into, in one run on one server. Both are built with `pgstate migrate`; the baseline is what
# `pgstate rebaseline` writes after production applied the 500. The two schemas are checked to
# be identical, then the times and their ratio are printed (median of RUNS builds each).
#
# usage: tests/bench/fresh_env.sh [MIGRATIONS] [RUNS]
#   PGSTATE_BIN_DIR   directory of the built binaries (default: build/tools)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
export PGSTATE_BIN_DIR=${PGSTATE_BIN_DIR:-$source_dir/build/tools}
count=${1:-500}
runs=${2:-3}
. "$source_dir/tests/e2e/lib.sh"
start_postgres

# A history that looks like a real one: features come in ten migrations each (a table, its
# reference rows, a column and its backfill, an index, a type change that rewrites the table, a
# function, a view, then a rework), and every third feature is removed again later, as products
# drop features. The baseline holds only what is left.
history="$E2E_TMP/history"
mkdir -p "$history"
git init -q "$history"
mkdir -p "$history/db/migrations" "$history/db/schema"
: > "$history/db/baseline.sql"
base=$(date -u -d "2023-01-01" +%s)
for i in $(seq 0 $((count - 1))); do
  f=$((i / 10))
  version=$(date -u -d "@$((base + i * 3600))" +%Y%m%d%H%M%S)
  case $((i % 10)) in
    0) sql="CREATE TABLE f$f (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, payload jsonb);" ;;
    1) sql="INSERT INTO f$f (name, payload) SELECT 'item ' || g, jsonb_build_object('n', g) FROM generate_series(1, 200) g;" ;;
    2) sql="ALTER TABLE f$f ADD COLUMN status text DEFAULT 'new';" ;;
    3) sql="UPDATE f$f SET status = 'old' WHERE id % 2 = 0;" ;;
    4) sql="CREATE INDEX f${f}_status_idx ON f$f (status);" ;;
    5) sql="ALTER TABLE f$f ALTER COLUMN status TYPE varchar(20);" ;;
    6) sql="CREATE FUNCTION f${f}_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM f$f';" ;;
    7) sql="CREATE VIEW f${f}_active AS SELECT id, name FROM f$f WHERE status = 'new';" ;;
    8) sql="ALTER TABLE f$f DROP COLUMN payload;
CREATE OR REPLACE FUNCTION f${f}_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM f$f WHERE status IS NOT NULL';" ;;
    9) if [ $((f % 3)) = 0 ] && [ "$f" -gt 0 ]; then
         old=$((f - 3))
         sql="DROP VIEW f${old}_active; DROP FUNCTION f${old}_count(); DROP TABLE f$old;"
       else
         sql="COMMENT ON TABLE f$f IS 'feature $f';"
       fi ;;
  esac
  printf '%s\n' "$sql" > "$history/db/migrations/${version}_step_$i.sql"
done

# Production applies the history; rebaseline folds it into one baseline.
folded="$E2E_TMP/folded"
cp -r "$history" "$folded"
pg_sql postgres "CREATE DATABASE production"
(cd "$folded" && pgstate migrate --url "$(pg_url production)" --env prod > /dev/null)
(cd "$folded" && pgstate rebaseline --url "$(pg_url production)" --no-commit > /dev/null)
[ -z "$(ls "$folded/db/migrations")" ] || fail "rebaseline left migrations behind"

# build REPO NAME: creates database NAME from REPO with pgstate migrate; prints seconds.
build() {
  pg_sql postgres "CREATE DATABASE $2"
  local start end
  start=$(date +%s.%N)
  (cd "$1" && pgstate migrate --url "$(pg_url "$2")" --env prod > /dev/null)
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

: > "$E2E_TMP/history.times"
: > "$E2E_TMP/baseline.times"
for run in $(seq 1 "$runs"); do
  build "$history" "from_history_$run" >> "$E2E_TMP/history.times"
  build "$folded" "from_baseline_$run" >> "$E2E_TMP/baseline.times"
done

# Same schema either way (the migrations table differs only in its rows).
schema() { "$PG_BIN/pg_dump" -h "$PG_HOST" -U postgres --schema-only --exclude-table=public.migrations "$1" | grep -v '^\\\(un\)\?restrict'; }
if ! diff <(schema from_history_1) <(schema from_baseline_1) > "$E2E_TMP/schema.diff"; then
  head -20 "$E2E_TMP/schema.diff" >&2
  fail "the database built from the baseline differs from the one built from the history"
fi

h=$(median < "$E2E_TMP/history.times")
b=$(median < "$E2E_TMP/baseline.times")
printf '%-38s %10s\n' "new database from" "seconds"
printf '%-38s %10.3f\n' "$count migrations (the history)" "$h"
printf '%-38s %10.3f\n' "1 baseline (rebaseline of the same)" "$b"
printf '%-38s %9.1fx\n' "ratio history / baseline" "$(echo "$h / $b" | bc -l)"
printf 'median of %d runs each; identical schemas checked with pg_dump\n' "$runs"
