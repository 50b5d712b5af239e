# pgstate changes: every form of arguments, renames, moves, whitespace-only edits, migrations,
# binary and unparsable files, --exit-code, each output format, and the post-merge and
# post-checkout hooks that use it.
. "$(dirname "$0")/lib.sh"

changes="$PGSTATE_BIN_DIR/pgstate-changes"
repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo"
commit() { git add -A && git commit -q --no-verify -m "$1"; }

# expect_out N args...: runs pgstate-changes, checks the exit code; stdout in $out, stderr in $err.
expect_out() {
  want=$1
  shift
  set +e
  out=$("$changes" "$@" 2>"$E2E_TMP/stderr")
  got=$?
  set -e
  err=$(cat "$E2E_TMP/stderr")
  if [ "$got" != "$want" ]; then
    printf '%s\n%s\n' "$out" "$err" >&2
    fail "expected exit $want, got $got: pgstate-changes $*"
  fi
}
expect_lacks() {
  case "$out" in
    *"$1"*) printf '%s\n' "$out" >&2; fail "output contains: $1" ;;
    *) ;;
  esac
}

mkdir -p db/schema db/migrations src
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  total integer DEFAULT 0
);
CREATE INDEX users_email_idx ON users (email);
EOF
cat > db/schema/util.sql <<'EOF'
CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION two() RETURNS integer LANGUAGE sql AS 'SELECT 2';
EOF
cat > db/schema/orders.sql <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
CREATE TABLE order_lines (id bigint PRIMARY KEY);
CREATE TABLE refunds (id bigint PRIMARY KEY);
EOF
cat > db/schema/style.sql <<'EOF'
CREATE TABLE style (id int);
EOF
echo 'int main;' > src/app.c
commit a
git tag a

# b: a column added and a default changed, an index removed, a function moved to a new file,
# orders.sql renamed with a statement moved inside it, a whitespace-only edit, a migration.
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  total integer DEFAULT 1,
  name text
);
EOF
cat > db/schema/util.sql <<'EOF'
CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1';
EOF
cat > db/schema/functions.sql <<'EOF'
CREATE FUNCTION two() RETURNS integer LANGUAGE sql AS 'SELECT 2';
EOF
git mv db/schema/orders.sql db/schema/sales.sql
cat > db/schema/sales.sql <<'EOF'
CREATE TABLE order_lines (id bigint PRIMARY KEY);
CREATE TABLE refunds (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
EOF
printf -- '-- styled\ncreate   table STYLE (\n  id int\n);\n' > db/schema/style.sql
echo 'ALTER TABLE users ADD COLUMN name text;' > db/migrations/20240101000000_add_name.sql
echo 'int main(void);' > src/app.c
commit b
git tag b

# --- A B ---------------------------------------------------------------------------------
expect_out 0 a b
expect_contains "schema changes from a to b"
expect_contains "db/schema/functions.sql (new file)"
expect_contains "> moved function public.two()  (moved from db/schema/util.sql:2)"
expect_contains "db/schema/sales.sql (renamed from db/schema/orders.sql"
expect_contains "> moved table public.orders  (moved from db/schema/orders.sql:1)"
expect_contains "~ modified table public.users  (line 1)"
expect_contains "      column name added"
expect_contains "      column total: default changed"
expect_contains "- removed index public.users_email_idx  (was line 6)"
expect_contains "  added db/migrations/20240101000000_add_name.sql"
expect_contains "4 objects, 1 new migration"
expect_lacks "style"
expect_lacks "order_lines"
expect_lacks "src/app.c"
human_ab=$out

# --- A..B is A B; --all shows the whitespace-only edit ------------------------------------
expect_out 0 a..b
[ "$out" = "$human_ab" ] || fail "a..b differs from a b"
expect_out 0 --all a b
expect_contains "= reformatted table public.style  (line 2, whitespace or comments only)"
expect_contains "5 objects, 1 new migration"

# --- --exit-code -------------------------------------------------------------------------
expect_out 1 --exit-code a b
expect_out 0 --exit-code a a
[ -z "$out" ] || fail "no changes must print nothing, got: $out"
git tag before-style b
printf 'CREATE TABLE style (id int);   -- just a comment\n' > db/schema/style.sql
commit whitespace
expect_out 0 --exit-code HEAD~1 HEAD
[ -z "$out" ] || fail "a whitespace-only edit is not a change, got: $out"
expect_out 1 --exit-code --all HEAD~1 HEAD
expect_contains "reformatted table public.style"

# --- each format ---------------------------------------------------------------------------
expect_out 0 --format json a b
expect_contains '"version": 1'
expect_contains '"from": "a"'
expect_contains '"change": "moved"'
expect_contains '"key": "function public.two()"'
expect_contains '"status": "renamed"'
if command -v python3 >/dev/null 2>&1; then
  printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["summary"]["objects"] == 4, d["summary"]' ||
    fail "json output is not the documented document"
fi
expect_out 0 --format markdown a b
expect_contains '### Schema changes: `a` → `b`'
expect_contains '| modified | `table public.users` | `db/schema/users.sql:1` | column name added<br>column total: default changed |'
expect_out 0 --format github a b
expect_contains '::notice file=db/schema/functions.sql,line=1,title=schema change::function public.two() moved (moved from db/schema/util.sql:2)'
expect_out 0 --format summary a b
[ "$out" = "4 objects, 1 new migration" ] || fail "summary: $out"
expect_out 129 --format xml a b

# --- A...B: from the merge base ------------------------------------------------------------
git checkout -q -b topic a
echo 'CREATE TABLE topic_only (id int);' > db/schema/topic.sql
commit topic
expect_out 0 --format summary b...topic
[ "$out" = "1 object" ] || fail "b...topic must show only topic's own change: $out"
expect_out 0 b..topic
expect_contains "added table public.topic_only"
expect_contains "modified table public.users"  # b..topic also undoes b
expect_out 0 --format summary b..topic
[ "$out" != "1 object" ] || fail "b..topic must include reverting b's changes"
git checkout -q main

# --- the index and the work tree -----------------------------------------------------------
echo 'CREATE TABLE staged_t (id int);' > db/schema/staged.sql
git add db/schema/staged.sql
echo 'CREATE TABLE unstaged_t (id int);' >> db/schema/util.sql
echo 'CREATE TABLE untracked_t (id int);' > db/schema/untracked.sql
expect_out 0 --staged
expect_contains "added table public.staged_t"
expect_lacks "unstaged_t"
expect_out 0 --cached HEAD~2
expect_contains "added table public.staged_t"
expect_out 0
expect_contains "schema changes from the index to the work tree"
expect_contains "added table public.unstaged_t"
expect_lacks "staged_t (id"
expect_lacks "untracked_t"
expect_out 0 --worktree
expect_contains "added table public.staged_t"
expect_contains "added table public.unstaged_t"
expect_contains "added table public.untracked_t"
expect_out 0 HEAD
expect_contains "added table public.staged_t"
expect_contains "added table public.unstaged_t"
expect_lacks "untracked_t"
# A rename in the work tree, not yet staged, is followed by --worktree.
git stash -q -u
mv db/schema/util.sql db/schema/utilities.sql
expect_out 0 --worktree
expect_contains "db/schema/utilities.sql (renamed from db/schema/util.sql"
expect_out 1 --exit-code --worktree
mv db/schema/utilities.sql db/schema/util.sql
git stash pop -q
git reset -q --hard
git clean -qfd

# --- usage and bad input -------------------------------------------------------------------
expect_out 2 nope
[ "$err" = "pgstate-changes: error: unknown revision 'nope'" ] || fail "unknown revision: $err"
expect_out 2 a..nope
expect_out 129 --staged --worktree
case "$err" in *"--staged and --worktree cannot be combined"*) ;; *) fail "usage: $err" ;; esac
expect_out 129 a b c
(cd "$E2E_TMP" && mkdir -p plain && cd plain && expect_out 2 a b)
# From a subdirectory the repository is found.
(cd db/schema && expect_out 0 --format summary a b && [ "$out" = "4 objects, 1 new migration" ]) ||
  fail "running from a subdirectory"

# --- binary and unparsable files: exit 2, a clear error naming the file ---------------------
printf 'CREATE TABLE x (\0\1\2);\n' > db/schema/logo.sql
commit binary
expect_out 2 HEAD~1 HEAD
[ "$err" = "pgstate-changes: error: 'db/schema/logo.sql' is a binary file (in HEAD)" ] ||
  fail "binary: $err"
git rm -q db/schema/logo.sql && commit unbinary
printf 'CREATE TABLE fine (id int);\n\nCREATE TABL broken (id int);\n' > db/schema/broken.sql
expect_out 2 --worktree
[ "$err" = "pgstate-changes: error: db/schema/broken.sql:3:8: cannot parse 'db/schema/broken.sql' (in the work tree): syntax error at or near \"TABL\"" ] ||
  fail "unparsable: $err"
rm db/schema/broken.sql
# A binary file outside the configured paths is not our business.
printf '\0\1\2' > src/logo.png
commit png
expect_out 0 --exit-code HEAD~1 HEAD

# --- configured paths ----------------------------------------------------------------------
printf '[paths]\n\tschema = sql\n' > .pgstate
mkdir -p sql && echo 'CREATE TABLE elsewhere (id int);' > sql/e.sql
expect_out 0 --worktree
expect_contains "added table public.elsewhere"
expect_lacks "db/schema"
rm -rf sql .pgstate

# --- migrations edited after they may have been applied -----------------------------------
echo 'ALTER TABLE users ADD COLUMN name varchar(200);' > db/migrations/20240101000000_add_name.sql
expect_out 1 --exit-code
expect_contains "edited db/migrations/20240101000000_add_name.sql"
expect_contains "warning: it may already have been applied"
expect_out 0 --format github
expect_contains "::warning file=db/migrations/20240101000000_add_name.sql,title=migration edited::"
git checkout -q -- db/migrations

# --- hooks: one line after a merge or a checkout that changed the schema ------------------
hooked="$E2E_TMP/hooked"
pgstate_init_repo "$hooked"
cd "$hooked"
mkdir -p db/schema
echo 'CREATE TABLE t (id int);' > db/schema/t.sql
commit base
git checkout -q -b feature
echo 'CREATE TABLE u (id int);' >> db/schema/t.sql
echo 'SELECT 1;' > db/migrations/20240102000000_u.sql
commit feature
echo 'docs' > README
commit docs

out=$(git checkout main 2>&1) || fail "checkout failed: $out"
expect_contains "pgstate: schema changed (1 object, 1 migration removed); update your database: pgstate migrate --env dev"
out=$(git merge --ff-only feature 2>&1) || fail "merge failed: $out"
expect_contains "pgstate: schema changed (1 object, 1 new migration); update your database: pgstate migrate --env dev"
# Quiet when the schema did not change.
out=$(git checkout -q HEAD~1 2>&1) || fail "checkout failed: $out"
[ -z "$out" ] || fail "post-checkout must be quiet without schema changes: $out"
git checkout -q main
out=$(git checkout -q -b other 2>&1)
[ -z "$out" ] || fail "post-checkout must be quiet for a new branch: $out"
# File checkouts are not branch switches.
git checkout -q main
out=$(git checkout feature~1 -- db/schema/t.sql 2>&1)
[ -z "$out" ] || fail "post-checkout must be quiet for a file checkout: $out"
git checkout -q -- . && git reset -q --hard
# Without pgstate-changes on PATH the hooks say nothing and succeed.
for h in post-merge post-checkout; do
  set +e
  out=$(PATH=/usr/bin:/bin sh "$PGSTATE_SOURCE_DIR/hooks/$h" HEAD~1 HEAD 1 2>&1)
  rc=$?
  set -e
  [ "$rc" = 0 ] && [ -z "$out" ] || fail "$h without pgstate-changes: rc=$rc out=$out"
done
# A broken schema file never fails the git command.
printf 'CREATE TABL x;\n' > db/schema/t.sql
commit broken
out=$(git checkout HEAD~1 2>&1) || fail "checkout must succeed with a broken schema: $out"
case "$out" in *pgstate:*) fail "no message expected: $out" ;; esac
echo "changes: ok"
