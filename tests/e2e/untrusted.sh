# Files of a pull request are untrusted: what pgstate refuses, and that it refuses it before
# running or writing anything.
. "$(dirname "$0")/lib.sh"
start_postgres
pg_sql postgres "CREATE DATABASE prod"
prod=$(pg_url prod)
prod_uri="postgresql:///prod?host=$PG_HOST&user=postgres"  # one word, for command lists

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"
cat > db/schema/app.sql <<'SQL'
CREATE TABLE acct (
    id integer PRIMARY KEY,
    balance integer NOT NULL
);
SQL
cat > db/migrations/20240101000000_acct.sql <<'SQL'
CREATE TABLE acct (id integer PRIMARY KEY, balance integer NOT NULL);
INSERT INTO acct VALUES (1, 100), (2, 200);
SQL
git add -A
git commit -q -m acct
expect_code 0 pgstate migrate --url "$prod" --env prod

# --- a NUL byte in a migration, past git's 8,000-byte "binary" window --------------------------
nul_migration=db/migrations/20240102000000_zero.sql
{
  for i in $(seq 1 200); do echo "-- padding line $i of a long migration ......................"; done
  printf 'UPDATE acct SET balance = 0 \000WHERE id = 2;\n'
} > "$nul_migration"
expect_code 2 pgstate migrate --url "$prod" --env prod
expect_contains "$nul_migration:201:29: NUL byte in SQL text"
[ "$(pg_sql prod "SELECT string_agg(balance::text, ',' ORDER BY id) FROM acct")" = "100,200" ] ||
  fail "a migration with a NUL byte changed data"
expect_code 1 pgstate check
expect_contains "$nul_migration:201:29: error: NUL byte in SQL text"
expect_code 2 pgstate verify
expect_contains "$nul_migration:201:29"

# --- invalid UTF-8 --------------------------------------------------------------------------
printf 'UPDATE acct SET balance = 1;\nSELECT '"'"'\xff'"'"';\n' > "$nul_migration"
expect_code 2 pgstate migrate --url "$prod" --env prod
expect_contains "$nul_migration:2:9: invalid UTF-8 (byte 0xff)"
[ "$(pg_sql prod "SELECT string_agg(balance::text, ',' ORDER BY id) FROM acct")" = "100,200" ] ||
  fail "a migration with invalid UTF-8 ran its first statement"
expect_code 1 pgstate check
expect_contains "invalid UTF-8"
rm "$nul_migration"

# --- the merge driver and a side holding a NUL: as git does, ours is kept, a conflict ----------
git checkout -q -b nul
printf '\n-- \000\n' >> db/schema/app.sql
git commit -q --no-verify -am "a NUL byte"
git checkout -q main
printf '\nCREATE TABLE other (id integer);\n' >> db/schema/app.sql
git commit -q --no-verify -am "other"
before=$(cat db/schema/app.sql)
set +e
out=$(git merge --no-edit nul 2>&1)
code=$?
set -e
[ "$code" != 0 ] || fail "a merge with a NUL side succeeded"
expect_contains "Cannot merge binary files: db/schema/app.sql (theirs holds a NUL byte); ours is kept"
[ "$(cat db/schema/app.sql)" = "$before" ] || fail "the merge driver did not keep ours"
git merge --abort

# --- .pgstate paths that leave the repository, refused at their line -------------------------
outside="$E2E_TMP/outside"
mkdir -p "$outside/mig"
echo "precious" > "$outside/precious.conf"
printf 'UPDATE acct SET balance = -1;\n' > "$outside/mig/20240103000000_evil.sql"
for setting in "migrations = ../outside/mig" "baseline = $outside/precious.conf" "schema = db/../../x"; do
  cp .pgstate "$E2E_TMP/pgstate.saved"
  printf '[paths]\n\t%s\n' "$setting" >> .pgstate
  line=$(grep -n "$setting" .pgstate | cut -d: -f1)
  for command in "migrate --url $prod_uri --env prod" "check" "verify" "rebaseline --url $prod_uri --no-commit"; do
    # shellcheck disable=SC2086
    expect_code 2 pgstate $command
    expect_contains ".pgstate:$line"
    expect_contains "leaves the repository"
  done
  cp "$E2E_TMP/pgstate.saved" .pgstate
done
[ "$(cat "$outside/precious.conf")" = precious ] || fail "a file outside the repository changed"
[ -f "$outside/mig/20240103000000_evil.sql" ] || fail "a file outside the repository was deleted"
[ "$(pg_sql prod "SELECT string_agg(balance::text, ',' ORDER BY id) FROM acct")" = "100,200" ] ||
  fail "a migration outside the repository ran"

# --- symbolic links that leave the repository ------------------------------------------------
echo "secret-token-1234" > "$outside/creds.txt"
mv db/baseline.sql "$E2E_TMP/baseline.saved" 2>/dev/null || true
ln -s "$outside/creds.txt" db/baseline.sql
for command in "migrate --url $prod_uri --env prod" "check" "verify" "rebaseline --url $prod_uri --no-commit"; do
  # shellcheck disable=SC2086
  expect_code 2 pgstate $command
  expect_contains "'db/baseline.sql' leads outside the repository"
  case "$out" in *secret-token*) fail "pgstate $command printed an outside file" ;; esac
done
[ "$(cat "$outside/creds.txt")" = secret-token-1234 ] || fail "rebaseline wrote through a link"
rm db/baseline.sql
[ -f "$E2E_TMP/baseline.saved" ] && mv "$E2E_TMP/baseline.saved" db/baseline.sql
mv db/schema "$E2E_TMP/schema.saved"
mkdir -p "$outside/schema"
printf 'CREATE TABLE leak (\n  secret-token-5678 text\n);\n' > "$outside/schema/app.sql"
ln -s "$outside/schema" db/schema
for command in check verify; do
  expect_code 2 pgstate $command
  expect_contains "'db/schema' leads outside the repository"
  case "$out" in *secret-token*) fail "pgstate $command printed an outside file" ;; esac
done
rm db/schema
mv "$E2E_TMP/schema.saved" db/schema
expect_code 0 pgstate check

# --- SQL that runs a program on the scratch server ------------------------------------------
# It runs as the ephemeral server's own system user (never the account that owns the machine's
# other clusters) with an environment that holds none of ours.
if [ "$(id -u)" = 0 ]; then
  probe=$(mktemp -d /tmp/pgstate-probe-XXXXXX)
  chmod 1777 "$probe"
  cp db/schema/app.sql "$E2E_TMP/app.saved"
  printf "\nCOPY (SELECT 1) TO PROGRAM 'id -un > %s/who; env > %s/env';\n" "$probe" "$probe" >> db/schema/app.sql
  set +e
  CI_SECRET_TOKEN=do-not-leak pgstate verify >/dev/null 2>&1
  set -e
  [ -f "$probe/who" ] || fail "the probe did not run: this test proves nothing"
  [ "$(cat "$probe/who")" = pgstate ] || fail "schema SQL ran as '$(cat "$probe/who")'"
  if grep -q do-not-leak "$probe/env"; then fail "schema SQL saw the caller's environment"; fi
  rm -rf "$probe"
  cp "$E2E_TMP/app.saved" db/schema/app.sql
fi

# --- fail closed -----------------------------------------------------------------------------
# The hooks refuse when pgstate's programs are missing.
for hook in pre-commit pre-push; do
  expect_code 1 env PATH=/usr/bin:/bin sh "$PGSTATE_SOURCE_DIR/hooks/$hook" </dev/null
  expect_contains "refused"
done
# The installed wrapper refuses when the hook it runs is gone.
sed -i 's|^hook=.*|hook="/nonexistent/pre-commit"|' .git/hooks/pre-commit
echo "-- a change" >> db/schema/app.sql
expect_code 1 git commit -q -am "unchecked"
expect_contains "cannot be checked: refused"
git checkout -q db/schema/app.sql
# migrate from a directory that is no repository does not call the database up to date.
mkdir -p "$E2E_TMP/elsewhere"
(cd "$E2E_TMP/elsewhere" && expect_code 2 pgstate migrate --url "$prod_uri" --env prod && \
  expect_contains "neither in a git work tree")

echo "ok: untrusted input"
