#!/usr/bin/env bash
# Replays every real merge in $PGSTATE_CORPUS_DIR/merges (base, ours, theirs and what a person
# committed) and prints a table per repository:
#   cases      merges replayed
#   git-c      git's text merge conflicts
#   git=a      git's text merge is clean and equal to what the person committed
#   ours=a     pgstate-merge is clean and equal to it
#   ours-c     pgstate-merge conflicts
#   ours!=     pgstate-merge is clean but differs (pers.: of which the person did more than
#              combine the two sides: does not parse, duplicates or drops an object, undoes a
#              deletion, drops a change, or edits of its own)
#   text       merged as text (a side does not parse, or a search_path change moves objects)
#   gc:…       the same over the cases git's text merge conflicts on
# "Equal" compares the multisets of statements, whitespace, comments and keyword case ignored,
# and the columns of a table in any order (two branches' new columns may come either way).
# The replay also asserts that no merge loses, duplicates or invents an object (the same check
# ctest runs as merge.CorpusTest.*); PGSTATE_MERGE_CORPUS_DETAILS=1 lists every case.
#
# Target: clean and equal on >= 90% of the cases git conflicts on (where the person did no more
# than combine), and no clean result that loses or invents an object.
#
#   usage: tests/bench/merge_corpus.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$(cd "${1:-$source_dir/build}" && pwd)
export PGSTATE_CORPUS_DIR=${PGSTATE_CORPUS_DIR:-$source_dir/../shared/corpus}
if [ ! -d "$PGSTATE_CORPUS_DIR/merges" ]; then
  echo "skipped: no corpus at $PGSTATE_CORPUS_DIR (set PGSTATE_CORPUS_DIR)" >&2
  exit 125
fi
cmake --build "$build_dir" --target unit_merge >/dev/null 2>&1 || {
  echo "cannot build unit_merge in $build_dir" >&2
  exit 1
}
PGSTATE_MERGE_CORPUS_REPORT=1 "$build_dir/tests/unit_merge" \
  --gtest_filter='CorpusTest.*' --gtest_brief=1 | grep -v '^Running main()'
