# Property: random pairs of branches that each add columns, tables and indexes and plan their
# migrations, merged with pgstate's driver in both directions. Every merge git completes cleanly
# verifies, and the real merge, `pgstate verify --merge-with` and templates/ci/server-side-merge.sh
# agree on every pair (the same merged file, the same verdict). The seed is printed; rerun one
# case with PGSTATE_SEED=<seed>, more with PGSTATE_PAIRS=<n>.
. "$(dirname "$0")/lib.sh"

seed=${PGSTATE_SEED:-20261207}
pairs=${PGSTATE_PAIRS:-6}
RANDOM=$seed
echo "seed $seed, $pairs pairs"
merge_script="$PGSTATE_SOURCE_DIR/templates/ci/server-side-merge.sh"

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"
cat > db/schema/app.sql <<'SQL'
CREATE TABLE t1 (
    id bigint PRIMARY KEY,
    a text
);

CREATE TABLE t2 (
    id bigint PRIMARY KEY,
    b text,
    CONSTRAINT t2_b_check CHECK (b <> '')
);

CREATE TABLE t3 (
    id bigint PRIMARY KEY,
    c integer
);
SQL
cp db/schema/app.sql db/baseline.sql
git add -A
git commit -q -m "three tables"

# add_column TABLE COLUMN: appends COLUMN to TABLE's column list (before its constraints).
add_column() {
  python3 - "$1" "$2" <<'PY'
import re, sys
table, column = sys.argv[1], sys.argv[2]
path = "db/schema/app.sql"
text = open(path).read()
start = text.index("CREATE TABLE %s (" % table)
end = text.index("\n);", start)
lines = text[start:end].split("\n")
last = max(i for i, l in enumerate(lines) if not l.strip().startswith("CONSTRAINT"))
if last == len(lines) - 1:  # the last element: it gets a comma, the new column none
    lines[last] += ","
    lines.append("    %s text" % column)
else:  # constraints follow
    lines.insert(last + 1, "    %s text," % column)
open(path, "w").write(text[:start] + "\n".join(lines) + text[end:])
PY
}

# edit_branch NAME VERSION: a branch off main with 1 to 4 random additions, planned as one
# migration that gets VERSION.
edit_branch() {
  local name=$1 version=$2 i
  git checkout -q -b "$name" main
  for i in $(seq 1 $((RANDOM % 4 + 1))); do
    case $((RANDOM % 4)) in
      0 | 1) add_column "t$((RANDOM % 3 + 1))" "${name}_c$i" ;;
      2) printf '\nCREATE TABLE %s_t%s (\n    id bigint PRIMARY KEY,\n    v text\n);\n' "$name" "$i" >> db/schema/app.sql ;;
      3) printf '\nCREATE INDEX %s_i%s ON t%s (id, %s);\n' "$name" "$i" "$((RANDOM % 3 + 1))" "$(echo a b c | cut -d' ' -f$((RANDOM % 3 + 1)))" >> db/schema/app.sql ;;
    esac
  done
  # An index on a column another table has is a mistake of the generator, not of the merge.
  sed -i -E 's/^(CREATE INDEX [a-z0-9_]+ ON t1 \(id), [bc]\)/\1, a)/; s/^(CREATE INDEX [a-z0-9_]+ ON t2 \(id), [ac]\)/\1, b)/; s/^(CREATE INDEX [a-z0-9_]+ ON t3 \(id), [ab]\)/\1, c)/' db/schema/app.sql
  expect_code 0 pgstate plan -m "$name"
  local planned
  planned=$(ls db/migrations/*_"$name".sql)
  mv "$planned" "db/migrations/${version}_$name.sql"
  git add -A
  git commit -q -m "$name"
  expect_code 0 pgstate verify
}

# verdict OURS THEIRS: merges THEIRS into OURS three ways and prints the agreed verdict
# ("conflict", "verifies" or "does not verify"); fails when they disagree.
verdict() {
  local ours=$1 theirs=$2 real merge_with server real_file server_file
  git checkout -q --detach "$ours"
  if git merge -q --no-edit "$theirs" >/dev/null 2>&1; then
    set +e; pgstate verify >"$E2E_TMP/verify.out" 2>&1; code=$?; set -e
    case $code in 0) real=verifies ;; 1) real="does not verify" ;; *) cat "$E2E_TMP/verify.out" >&2; fail "verify exited $code" ;; esac
    real_file=$(cat db/schema/app.sql)
  else
    git merge --abort
    real=conflict
  fi
  git checkout -q "$ours"

  set +e; pgstate verify --rev "$theirs" --merge-with "$ours" >"$E2E_TMP/merge-with.out" 2>&1; code=$?; set -e
  case $code in
    0) merge_with=verifies ;;
    1) if grep -q "conflict" "$E2E_TMP/merge-with.out"; then merge_with=conflict; else merge_with="does not verify"; fi ;;
    *) cat "$E2E_TMP/merge-with.out" >&2; fail "verify --merge-with exited $code" ;;
  esac

  local ci="$E2E_TMP/ci-$ours-$theirs"
  git clone -q "$repo" "$ci"
  git -C "$ci" checkout -q --detach "origin/$ours"
  set +e; (cd "$ci" && bash "$merge_script" --target "$theirs" --bin-dir "$PGSTATE_BIN_DIR") >"$E2E_TMP/server.out" 2>&1; code=$?; set -e
  case $code in
    0) server=verifies; server_file=$(cat "$ci/db/schema/app.sql") ;;
    1) server=conflict ;;
    4) server="does not verify" ;;
    *) cat "$E2E_TMP/server.out" >&2; fail "server-side-merge.sh exited $code" ;;
  esac
  rm -rf "$ci"

  if [ "$real" != "$merge_with" ] || [ "$real" != "$server" ]; then
    cat "$E2E_TMP/verify.out" "$E2E_TMP/merge-with.out" "$E2E_TMP/server.out" >&2 2>/dev/null || true
    fail "merging $theirs into $ours: git merge says '$real', verify --merge-with '$merge_with', server-side merge '$server'"
  fi
  if [ "$real" = verifies ] && [ "$real_file" != "$server_file" ]; then
    fail "merging $theirs into $ours: the server-side merge made another file than git merge"
  fi
  echo "$real"
}

for p in $(seq 1 "$pairs"); do
  # Distinct versions in a random order: which branch's migration runs first varies.
  va=$(printf '2030010100%02d%02d' "$p" $((RANDOM % 30)))
  vb=$(printf '2030010100%02d%02d' "$p" $((RANDOM % 30 + 30)))
  if [ $((RANDOM % 2)) = 0 ]; then tmp=$va; va=$vb; vb=$tmp; fi
  edit_branch "a$p" "$va"
  edit_branch "b$p" "$vb"
  one=$(verdict "a$p" "b$p")
  other=$(verdict "b$p" "a$p")
  [ "$one" = "$other" ] || fail "pair $p: '$one' one way, '$other' the other"
  case "$one" in
    verifies) ;;
    conflict) ;;  # agreed on by all three; nothing to verify
    *) fail "pair $p: a clean merge does not verify" ;;
  esac
  echo "pair $p (a $va, b $vb): $one both ways"
  git checkout -q main
done

# One side drops a table, the other adds an index on it: git merge, verify --merge-with and the
# server-side merge all call it a conflict, in both directions, and say why.
git checkout -q -b drop-t3 main
python3 - <<'PY'
path = "db/schema/app.sql"
text = open(path).read()
start = text.index("CREATE TABLE t3 (")
end = text.index(");\n", start) + 3
open(path, "w").write(text[:start].rstrip("\n") + "\n" + text[end:])
PY
mkdir -p db/migrations
echo 'DROP TABLE t3;' > db/migrations/20300102000000_drop_t3.sql
git add -A
git commit -q -m "drop t3"
expect_code 0 pgstate verify
git checkout -q -b index-t3 main
printf '\nCREATE INDEX t3_c ON t3 (c);\n' >> db/schema/app.sql
mkdir -p db/migrations
echo 'CREATE INDEX t3_c ON t3 (c);' > db/migrations/20300102000001_index_t3.sql
git add -A
git commit -q -m "index t3"
[ "$(verdict drop-t3 index-t3)" = conflict ] || fail "dropping t3 against an index on it: not a conflict"
[ "$(verdict index-t3 drop-t3)" = conflict ] || fail "an index on t3 against dropping it: not a conflict"
expect_code 1 pgstate verify --rev index-t3 --merge-with drop-t3
expect_contains "drops table public.t3; index-t3 adds index public.t3_c, which uses it"
git checkout -q drop-t3
set +e
out=$(git merge --no-edit index-t3 2>&1)
set -e
expect_contains "drops table public.t3; index-t3 adds index public.t3_c, which uses it"
git merge --abort
echo "dependent removal: a conflict in all three, both ways"
