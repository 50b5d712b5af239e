#!/usr/bin/env bash
# Module enforcement's cost: pgstate check on a generated schema of 2,000 tables in 20 modules,
# with the modules declared in .pgstate and without them, in one run (the same files; only
# .pgstate differs).
#
# Each module is a folder of 100 tables (one file each). Every table has a foreign key to the
# previous table of its module; the first table of module N references a table of module N-1,
# which module N requires, and every tenth table references a table of the root module (files
# outside every module). Each module also has a view joining two of its tables. Both variants
# must find no problem before they are timed.
#
# Timed by CPU time (user + sys of the child), median of RUNS rounds, the two variants
# interleaved in each round so a busy machine slows them alike.
# Target: module enforcement adds under 20% (ratio < 1.20).
#   usage: tests/bench/modules_bench.sh [BUILD_DIR]
#   env:   RUNS (default 15), MODULES (default 20), TABLES (per module, default 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
runs=${RUNS:-15}
modules=${MODULES:-20}
tables=${TABLES:-100}
check="$build_dir/tools/pgstate-check"
cmake --build "$build_dir" --target pgstate-check >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgstate-modules-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1

generate() {  # generate DIR: the schema files
  local dir=$1
  mkdir -p "$dir/db/schema/shared"
  for t in $(seq 1 10); do
    printf 'CREATE TABLE shared_%d (\n    id bigint PRIMARY KEY,\n    name text NOT NULL\n);\n' \
      "$t" > "$dir/db/schema/shared/shared_$t.sql"
  done
  for m in $(seq 1 "$modules"); do
    mkdir -p "$dir/db/schema/m$m"
    for t in $(seq 1 "$tables"); do
      {
        printf 'CREATE TABLE m%d_t%d (\n    id bigint PRIMARY KEY,\n    name text NOT NULL,\n' "$m" "$t"
        printf '    created_at timestamptz NOT NULL DEFAULT now(),\n'
        if [ "$t" -gt 1 ]; then
          printf '    prev_id bigint REFERENCES m%d_t%d (id),\n' "$m" $((t - 1))
        elif [ "$m" -gt 1 ]; then
          printf '    prev_id bigint REFERENCES m%d_t%d (id),\n' $((m - 1)) "$tables"
        fi
        if [ $((t % 10)) -eq 0 ]; then
          printf '    shared_id bigint REFERENCES shared_%d (id),\n' $((t / 10))
        fi
        printf '    amount numeric(12, 2) CHECK (amount >= 0)\n);\n'
        printf 'CREATE INDEX m%d_t%d_created_at_idx ON m%d_t%d (created_at);\n' "$m" "$t" "$m" "$t"
      } > "$dir/db/schema/m$m/t$t.sql"
    done
    printf 'CREATE VIEW m%d_recent AS\n    SELECT a.id, b.name FROM m%d_t1 a JOIN m%d_t2 b ON b.prev_id = a.id;\n' \
      "$m" "$m" "$m" > "$dir/db/schema/m$m/views.sql"
  done
}

for variant in plain modules; do
  repo="$tmp/$variant"
  git init -q -b main "$repo"
  generate "$repo"
  : > "$repo/.pgstate"
done
for m in $(seq 1 "$modules"); do
  {
    printf '[module "m%d"]\n\tpath = db/schema/m%d\n\towner = @team-%d\n' "$m" "$m" "$m"
    if [ "$m" -gt 1 ]; then printf '\trequires = m%d\n' $((m - 1)); fi
  } >> "$tmp/modules/.pgstate"
done

files=$(find "$tmp/plain/db/schema" -name '*.sql' | wc -l)
echo "schema: $((modules * tables)) tables in $modules modules (+10 root tables), $files files"
(cd "$tmp/plain" && "$check" >/dev/null) || { echo "the plain variant is not clean" >&2; exit 1; }
(cd "$tmp/modules" && "$check" >/dev/null) || { echo "the modules variant is not clean" >&2; exit 1; }
# Enforcement is on: module 1 may not reference module 2, which requires it.
echo 'CREATE VIEW m1_wrong AS SELECT id FROM m2_t1;' > "$tmp/modules/db/schema/m1/wrong.sql"
if (cd "$tmp/modules" && "$check" >/dev/null); then
  echo "a reference across modules was not refused" >&2
  exit 1
fi
rm "$tmp/modules/db/schema/m1/wrong.sql"
echo
echo "$runs rounds, median CPU time per pgstate-check process"
python3 - "$runs" "$tmp" "$check" <<'EOF'
import resource, subprocess, sys

runs, tmp, check = int(sys.argv[1]), sys.argv[2], sys.argv[3]
variants = [
    ("check without modules (baseline)", f"{tmp}/plain"),
    ("check with 20 modules", f"{tmp}/modules"),
]

def cpu_ms(cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([check], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3

samples = {name: [] for name, _ in variants}
for _ in range(runs):
    for name, cwd in variants:
        samples[name].append(cpu_ms(cwd))

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]

base = median(samples[variants[0][0]])
print(f"{'variant':34} {'median ms':>10} {'best ms':>10} {'ratio':>7}")
for name, _ in variants:
    m = median(samples[name])
    print(f"{name:34} {m:10.1f} {min(samples[name]):10.1f} {m / base:7.2f}")
ratio = median(samples[variants[1][0]]) / base
print(f"module enforcement adds {(ratio - 1) * 100:+.1f}% (target < 20%): "
      f"{'PASS' if ratio < 1.20 else 'MISS'}")
EOF
