#!/usr/bin/env bash
# SourceFile::Parse against a bare pg_query_parse of the largest .sql file in the corpus,
# measured in the same run.
#   usage: tests/bench/run_sql_bench.sh [BUILD_DIR] [ITERATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=${1:-$source_dir/build}
iterations=${2:-20}
corpus=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "skipped: no corpus at $corpus (set PGSTATE_CORPUS_DIR)" >&2
  exit 125
fi
cmake --build "$build_dir" --target sql_parse_bench >/dev/null
largest=$(find "$corpus" -name '*.sql' -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
"$build_dir/tests/bench/sql_parse_bench" "$largest" "$iterations"
