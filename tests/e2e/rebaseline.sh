# pgstate rebaseline: after a deploy, production's schema becomes db/baseline.sql with a header
# naming the newest applied version, the deployed migrations are deleted, and both changes are
# committed (only them); the result passes verify; a second run changes nothing (deterministic);
# --no-commit stages; --recreate-staging backs staging up and rebuilds it from the baseline.
. "$(dirname "$0")/lib.sh"
start_postgres

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"
pg_sql postgres "CREATE DATABASE prod"
pg_sql postgres "CREATE DATABASE staging"
prod=$(pg_url prod)

cat > db/schema/app.sql <<'EOF'
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
CREATE VIEW user_names AS SELECT name FROM users;
COMMENT ON TABLE users IS 'people';
EOF
cat > db/migrations/20240101000000_users.sql <<'EOF'
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
COMMENT ON TABLE users IS 'people';
EOF
cat > db/migrations/20240102000000_view.sql <<'EOF'
CREATE VIEW user_names AS SELECT name FROM users;
EOF
expect_code 0 pgstate verify
git add -A && git commit -q -m "users" --no-verify

expect_code 2 pgstate rebaseline --url "$prod"
expect_contains "production has no applied migrations to fold into the baseline"

expect_code 0 pgstate migrate --url "$prod" --env prod
# Something staged by hand stays staged and out of the rebaseline commit.
echo "notes" > NOTES.txt && git add NOTES.txt

expect_code 0 pgstate rebaseline --url "$prod"
expect_contains "folded db/migrations/20240101000000_users.sql"
expect_contains "folded db/migrations/20240102000000_view.sql"
expect_contains "committed "
[ "$(head -1 db/baseline.sql)" = "-- pgstate:baseline version=20240102000000" ] || fail "baseline header: $(head -1 db/baseline.sql)"
grep -q "CREATE TABLE public.users" db/baseline.sql || fail "users missing from the baseline"
grep -q "CREATE VIEW public.user_names" db/baseline.sql || fail "view missing from the baseline"
if grep -qi "migrations\|Dumped from\|restrict\|OWNER TO" db/baseline.sql; then fail "baseline holds what it should not"; fi
[ -z "$(ls db/migrations)" ] || fail "deployed migrations were not deleted"
git log -1 --format=%B > "$E2E_TMP/message"
grep -qx "rebaseline: fold 2 migrations into db/baseline.sql (production at 20240102000000)" "$E2E_TMP/message" ||
  fail "commit message: $(cat "$E2E_TMP/message")"
grep -qx "  20240101000000_users.sql" "$E2E_TMP/message" || fail "commit message does not name the versions"
[ "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" = "db/baseline.sql db/migrations/20240101000000_users.sql db/migrations/20240102000000_view.sql " ] ||
  fail "the commit holds more than the rebaseline: $(git show --name-only --format= HEAD)"
git diff --cached --name-only | grep -qx NOTES.txt || fail "what was staged by hand is no longer staged"
git reset -q NOTES.txt && rm NOTES.txt
[ -z "$(git status --porcelain)" ] || fail "work tree not clean: $(git status --porcelain)"
expect_code 0 pgstate verify

# Deterministic: nothing changed in production, nothing to commit.
before=$(git rev-parse HEAD)
expect_code 0 pgstate rebaseline --url "$prod"
expect_contains "the baseline is already production's schema at 20240102000000"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "a second rebaseline committed"

# A next deploy, folded with --no-commit: staged, not committed. A pending migration newer than
# production stays.
cat >> db/schema/app.sql <<'EOF'
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE audit (id bigint);
EOF
cat > db/migrations/20240201000000_index.sql <<'EOF'
CREATE INDEX users_name_idx ON users (name);
EOF
cat > db/migrations/20240301000000_audit.sql <<'EOF'
CREATE TABLE audit (id bigint);
EOF
git add -A && git commit -q -m "index, audit" --no-verify
before=$(git rev-parse HEAD)
sed -n 1p db/migrations/20240201000000_index.sql > "$E2E_TMP/one.sql"
pg_sql prod "$(cat "$E2E_TMP/one.sql")"
pg_sql prod "INSERT INTO migrations (version) VALUES ('2024-02-01 00:00:00')"
expect_code 0 pgstate rebaseline --url "$prod" --no-commit
expect_contains "staged the baseline at 20240201000000 (not committed)"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "--no-commit committed"
[ "$(git diff --cached --name-only | sort | tr '\n' ' ')" = "db/baseline.sql db/migrations/20240201000000_index.sql " ] ||
  fail "staged: $(git diff --cached --name-only)"
[ -f db/migrations/20240301000000_audit.sql ] || fail "a pending migration was deleted"
grep -q "CREATE INDEX users_name_idx" db/baseline.sql || fail "index missing from the baseline"
expect_code 0 pgstate verify

# --recreate-staging: a backup, then staging is exactly the baseline, its version recorded.
pg_sql staging "CREATE TABLE junk (x int); INSERT INTO junk VALUES (42)"
export XDG_STATE_HOME="$E2E_TMP/state"
expect_code 0 pgstate rebaseline --url "$prod" --no-commit --recreate-staging "$(pg_url staging)"
expect_contains "staging backup written to $E2E_TMP/state/pgstate/backups/staging-"
backup=$(ls "$E2E_TMP"/state/pgstate/backups/staging-*.sql)
grep -q "junk" "$backup" || fail "the backup does not hold staging's old tables"
[ "$(pg_sql staging "SELECT to_regclass('public.junk') IS NULL AND to_regclass('public.users') IS NOT NULL")" = t ] ||
  fail "staging was not rebuilt from the baseline"
[ "$(pg_sql staging "SELECT to_char(version, 'YYYYMMDDHH24MISS') || ' ' || coalesce(hash, 'NULL') FROM migrations")" = "20240201000000 NULL" ] ||
  fail "staging does not record the baseline version"
expect_code 0 pgstate migrate --url "$(pg_url staging)" --env staging
expect_contains "applied db/migrations/20240301000000_audit.sql"
echo "ok"
