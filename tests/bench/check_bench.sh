#!/usr/bin/env bash
# pgstate check on the largest real schema file of the corpus against a bare pg_query_parse of
# the same file, in the same run, measured twice:
#
# In process (tests/bench/check_bench.cc): pg_query_parse, SourceFile::Parse, the model, and
# lint::Lint (everything check does with the file), interleaved, process CPU time.
#
# As whole processes (tests/bench/check_bare_parse.c is the baseline), timed by CPU time (user +
# sys of the child), the median of RUNS rounds, the variants interleaved in each round so a busy
# machine slows them alike. This adds what every run pays before any SQL: loading the shared
# libraries and libgit2's initialisation.
#
# Process variants:
#   pg_query_parse            the baseline: read the file, parse it, exit
#   pgstate-check FILE        outside a repository: parse, model, every desired-state rule
#   pgstate-check (repo)      the file as db/schema/structure.sql of a repository: .pgstate,
#                             libgit2, the work tree read, then the same work
#   pgstate-check --staged    the file staged as a new file: read from the git index
#
# Each process variant also runs once per round on an empty file (a repository whose schema file
# is empty for the repository variants): what the process pays before any SQL. The last line
# takes it out: (variant - its empty run) / (baseline - its empty run). Ratios are paired: each
# round's variant against the same round's baseline, then the median over the rounds.
#
# Target: pgstate-check's overhead on top of the parse under 50% (ratio < 1.50).
#   usage: tests/bench/check_bench.sh [BUILD_DIR]
#   env:   RUNS (default 21), PGSTATE_CORPUS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
runs=${RUNS:-21}
corpus=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
check="$build_dir/tools/pgstate-check"
if [ ! -d "$corpus" ]; then
  echo "skipped: no corpus at $corpus (set PGSTATE_CORPUS_DIR)" >&2
  exit 125
fi
cmake --build "$build_dir" --target pgstate-check check_bench >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgstate-check-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The baseline program, built against the same libpg_query the build uses.
cache="$build_dir/CMakeCache.txt"
pg_query_lib=$(sed -n 's/^PG_QUERY_LIBRARY:FILEPATH=//p' "$cache")
pg_query_include=$(sed -n 's/^PG_QUERY_INCLUDE_DIR:PATH=//p' "$cache")
cc -O2 -I"$pg_query_include" "$here/check_bare_parse.c" "$pg_query_lib" -lpthread \
  -o "$tmp/check_bare_parse"

largest=$(find "$corpus" -name '*.sql' -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
cp "$largest" "$tmp/structure.sql"

export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
# A repository with FILE staged as db/schema/structure.sql (a new file against HEAD).
make_repo() {  # make_repo DIR FILE
  git init -q -b main "$1"
  git -C "$1" commit -q --allow-empty -m initial
  mkdir -p "$1/db/schema"
  cp "$2" "$1/db/schema/structure.sql"
  git -C "$1" add db/schema/structure.sql
}
: > "$tmp/empty.sql"
make_repo "$tmp/repo" "$largest"
make_repo "$tmp/empty-repo" "$tmp/empty.sql"

# Every variant must do its work (and agree the file is clean) before it is timed.
"$tmp/check_bare_parse" "$tmp/structure.sql"
(cd "$tmp" && "$check" structure.sql >/dev/null)
(cd "$tmp/repo" && "$check" >/dev/null && "$check" --staged >/dev/null)

echo "file: $largest ($(wc -c < "$largest") bytes)"
echo
"$build_dir/tests/bench/check_bench" "$largest" "$runs"
echo
echo "whole processes, $runs rounds, median CPU time per process"
python3 - "$runs" "$tmp" "$check" <<'EOF'
import os, resource, subprocess, sys

runs, tmp, check = int(sys.argv[1]), sys.argv[2], sys.argv[3]
# (name, argv, directory, the same on an empty file)
variants = [
    ("pg_query_parse (baseline)", [f"{tmp}/check_bare_parse", "structure.sql"], tmp,
     ([f"{tmp}/check_bare_parse", "empty.sql"], tmp)),
    ("pgstate-check FILE", [check, "structure.sql"], tmp, ([check, "empty.sql"], tmp)),
    ("pgstate-check (repo, work tree)", [check], f"{tmp}/repo", ([check], f"{tmp}/empty-repo")),
    ("pgstate-check --staged", [check, "--staged"], f"{tmp}/repo",
     ([check, "--staged"], f"{tmp}/empty-repo")),
]

def cpu_ms(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3

samples = {name: [] for name, _, _, _ in variants}
empty = {name: [] for name, _, _, _ in variants}
for _ in range(runs):
    for name, argv, cwd, (empty_argv, empty_cwd) in variants:
        samples[name].append(cpu_ms(argv, cwd))
        empty[name].append(cpu_ms(empty_argv, empty_cwd))

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]

# Paired: each round's variant against the same round's baseline.
b0 = variants[0][0]
def paired(name, net):
    return median([((samples[name][i] - (empty[name][i] if net else 0)) /
                    (samples[b0][i] - (empty[b0][i] if net else 0))) for i in range(runs)])

base = median(samples[b0])
print(f"{'variant':34} {'median ms':>10} {'best ms':>10} {'empty file':>11} {'paired':>7} "
      f"{'net paired':>11}")
for name, _, _, _ in variants:
    print(f"{name:34} {median(samples[name]):10.2f} {min(samples[name]):10.2f} "
          f"{median(empty[name]):11.2f} {paired(name, False):7.2f} {paired(name, True):11.2f}")
worst = max(paired(name, False) for name, _, _, _ in variants[1:])
worst_net = max(paired(name, True) for name, _, _, _ in variants[1:])
print(f"overhead on top of the parse, whole processes: {(worst - 1) * 100:+.0f}%; net of what "
      f"each process pays on an empty file: {(worst_net - 1) * 100:+.0f}% (target < 50%)")
EOF
