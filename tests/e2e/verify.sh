# pgstate verify against a real (ephemeral) PostgreSQL: matching states pass; a missing
# migration, a column added in the wrong position and a broken reference fail with the right
# message; --rev reads a commit, --merge-with an in-memory merge; the pre-push hook blocks a
# bad push; an interrupted run leaves no server and no directory behind.
. "$(dirname "$0")/lib.sh"
[ -x /usr/lib/postgresql/15/bin/postgres ] || command -v pg_config >/dev/null || exit 125
export TMPDIR="$E2E_TMP/tmp"
mkdir -p "$TMPDIR"
# The server runs as an unprivileged user when we are root: it must reach its run directory.
chmod 0755 "$E2E_TMP" "$TMPDIR"

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"

cat > db/schema/app.sql <<'SQL'
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL
);
SQL
cat > db/migrations/20240101000000_users.sql <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
SQL
expect_code 0 pgstate verify
expect_contains "verified the work tree"
git add -A && git commit -q -m users --no-verify

# An index built CONCURRENTLY, as production needs it, is the same index in the desired state.
printf '\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' >> db/schema/app.sql
printf -- '-- pgstate:no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' \
  > db/migrations/20240101000001_users_email_idx.sql
expect_code 0 pgstate verify
git checkout -q db/schema/app.sql
rm db/migrations/20240101000001_users_email_idx.sql

# A desired-state change without its migration.
cat >> db/schema/app.sql <<'SQL'

CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
SQL
expect_code 1 pgstate verify
expect_contains "db/schema/app.sql:6:1: error: table public.posts is in the desired state but baseline + migrations do not create it [state-mismatch]"
expect_contains "pgstate plan -m"
# The commit still verifies: --rev reads git, not the work tree.
expect_code 0 pgstate verify --rev HEAD
expect_contains "verified revision 'HEAD'"
git checkout -q db/schema/app.sql

# A column added by a migration lands after the others; the desired state has it in between.
cat > db/schema/app.sql <<'SQL'
CREATE TABLE users (
    id bigint PRIMARY KEY,
    name text,
    email text NOT NULL
);
SQL
echo 'ALTER TABLE users ADD COLUMN name text;' > db/migrations/20240102000000_users_name.sql
expect_code 1 pgstate verify
expect_contains "the columns of public.users are in another order: baseline + migrations give (id, email, name), the desired state has (id, name, email) [column-order]"
expect_contains "pgstate verify --fix-column-order"
printf '[verify]\n\tcolumnOrder = ignore\n' >> .pgstate
expect_code 0 pgstate verify
git checkout -q .pgstate
# Following the hint makes the desired state verify, and keeps its columns' definitions.
expect_code 0 pgstate verify --fix-column-order
expect_contains "rewrote db/schema/app.sql"
[ "$(grep -c 'email text NOT NULL' db/schema/app.sql)" = 1 ] || fail "the rewrite lost a column"
expect_code 0 pgstate verify
git checkout -q db/schema/app.sql
rm db/migrations/20240102000000_users_name.sql

# A broken reference in the desired state: PostgreSQL's error at the file's line.
printf '\nCREATE INDEX posts_title_idx ON posts (title);\n' >> db/schema/app.sql
expect_code 1 pgstate verify --format github
expect_contains "::error file=db/schema/app.sql,line=6"
git checkout -q db/schema/app.sql

# Two branches, each fine alone, broken together: --merge-with builds the merge in memory.
git checkout -q -b drop-email
sed -i 's/,\n    email text NOT NULL//' db/schema/app.sql
cat > db/schema/app.sql <<'SQL'
CREATE TABLE users (
    id bigint PRIMARY KEY
);
SQL
echo 'ALTER TABLE users DROP COLUMN email;' > db/migrations/20240103000000_drop_email.sql
expect_code 0 pgstate verify
git add -A && git commit -q -m "drop email" --no-verify
git checkout -q main
cat >> db/schema/app.sql <<'SQL'

CREATE INDEX users_email_idx ON users (email);
SQL
echo 'CREATE INDEX users_email_idx ON users (email);' > db/migrations/20240104000000_email_idx.sql
expect_code 0 pgstate verify
git add -A && git commit -q -m "email index" --no-verify
expect_code 1 pgstate verify --merge-with drop-email
# The merge itself is refused: one side drops what the other side's index uses.
expect_contains 'drop-email drops column public.users.email; HEAD adds index public.users_email_idx, which uses it [merge-conflict]'
head_before=$(git rev-parse HEAD)
[ -z "$(git status --porcelain)" ] || fail "--merge-with touched the work tree"
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "--merge-with moved HEAD"

# Two branches that each added a migration in the same second: the merge has two migrations
# with one version, which no database could record.
echo 'SELECT 1;' > db/migrations/20240104000000_also_then.sql
expect_code 1 pgstate verify
expect_contains "db/migrations/20240104000000_email_idx.sql: error: migration version '20240104000000' is also used by 'db/migrations/20240104000000_also_then.sql' [migration-duplicate-version]"
rm db/migrations/20240104000000_also_then.sql

# The pre-push hook: nothing to verify, then a push blocked, then a good push.
git init -q --bare "$E2E_TMP/remote.git"
git remote add origin "$E2E_TMP/remote.git"
echo "# notes" > NOTES.md && git add NOTES.md && git commit -q -m notes --no-verify
git push -q origin main 2>"$E2E_TMP/push.log" || { cat "$E2E_TMP/push.log"; fail "first push refused"; }
echo "x" >> NOTES.md && git commit -qam more --no-verify
expect_code 0 git push origin main
expect_contains "nothing to verify"
printf '\nCREATE TABLE tags (id int);\n' >> db/schema/app.sql
git commit -qam "tags without migration" --no-verify
expect_code 1 git push origin main
expect_contains "table public.tags is in the desired state"
expect_contains "push blocked"
echo 'CREATE TABLE tags (id int);' > db/migrations/20240105000000_tags.sql
git add -A && git commit -q -m "tags migration" --no-verify
expect_code 0 git push origin main
expect_contains "verifying refs/heads/main"

# Bad input: an unknown revision.
expect_code 2 pgstate verify --rev no-such-rev
expect_contains "unknown revision 'no-such-rev'"

# An interrupted run (SIGINT, SIGTERM) leaves no server process and no directory behind.
for sig in INT TERM; do
  pgstate verify >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    ls "$TMPDIR"/pgstate-runs-*/* >/dev/null 2>&1 && break
    sleep 0.05
  done
  sleep 0.3
  kill -s $sig $pid 2>/dev/null || true
  wait $pid || true
  leftover=$(ls -A "$TMPDIR"/pgstate-runs-* 2>/dev/null || true)
  [ -z "$leftover" ] || fail "SIG$sig left run directories: $leftover"
  if pgrep -f "postgres -D $TMPDIR" >/dev/null 2>&1; then fail "SIG$sig left a postgres process"; fi
done
echo ok
