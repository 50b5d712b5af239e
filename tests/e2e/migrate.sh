# pgstate migrate: a fresh database is built from the baseline and migrated; status; a late
# migration is applied and reported; a failure stops at file:line and keeps what came before;
# a run killed with SIGKILL mid-migration is completed by the next one, nothing applied twice;
# two deployers at once never interleave.
. "$(dirname "$0")/lib.sh"
start_postgres

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"
pg_sql postgres "CREATE DATABASE app"
url=$(pg_url app)

cat > db/baseline.sql <<'EOF'
-- pgstate:baseline version=20240101000000
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
EOF
cat > db/migrations/20240201000000_add_email.sql <<'EOF'
ALTER TABLE users ADD COLUMN email text;
EOF
cat > db/migrations/20240202000000_orders.sql <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
EOF

expect_code 129 pgstate migrate --url "$url"
expect_contains "--env is required"

expect_code 1 pgstate migrate status --url "$url"
expect_contains "pending     db/migrations/20240201000000_add_email.sql"
expect_contains "no migrations table in this database"

expect_code 0 pgstate migrate --url "$url" --env prod
expect_contains "loaded db/baseline.sql (version 20240101000000)"
expect_contains "applied db/migrations/20240201000000_add_email.sql ("
expect_contains "2 migrations applied"
[ "$(pg_sql app "SELECT string_agg(to_char(version, 'YYYYMMDDHH24MISS'), ',' ORDER BY version) FROM migrations")" = \
  "20240101000000,20240201000000,20240202000000" ] || fail "versions not recorded"

expect_code 0 pgstate migrate status --url "$url"
expect_contains "database is up to date"

# A branch merged late: older than the newest applied, applied anyway and reported.
cat > db/migrations/20240115000000_late_branch.sql <<'EOF'
CREATE INDEX users_name_idx ON users (name);
EOF
expect_code 1 pgstate migrate status --url "$url"
expect_contains "pending     db/migrations/20240115000000_late_branch.sql  (late)"
expect_code 0 pgstate migrate --url "$url" --env prod
expect_contains "late: older than 20240202000000, the newest applied"
expect_contains "1 migration applied (1 late)"

# A failure names file:line:col with PostgreSQL's message; the one before it stays applied.
cat > db/migrations/20240301000000_ok.sql <<'EOF'
CREATE TABLE audit (id bigint);
EOF
cat > db/migrations/20240302000000_broken.sql <<'EOF'
SELECT 1;
  SELECT agee FROM users;
EOF
expect_code 2 pgstate migrate --url "$url" --env prod
expect_contains "1 migration applied before the failure"
expect_contains "pgstate-migrate: error: db/migrations/20240302000000_broken.sql:2:10: column \"agee\" does not exist"
[ "$(pg_sql app "SELECT count(*) FROM migrations WHERE version = '2024-03-01'")" = 1 ] || fail "earlier migration not kept"
rm db/migrations/20240302000000_broken.sql

# SIGKILL in the middle of a migration: the next run completes it, nothing applied twice.
cat > db/migrations/20240401000000_slow.sql <<'EOF'
INSERT INTO audit VALUES (1);
SELECT pg_sleep(30);
INSERT INTO audit VALUES (2);
EOF
pgstate-migrate --url "$url" --env prod > "$E2E_TMP/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  [ "$(pg_sql app "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'")" = 1 ] && break
  sleep 0.1
done
[ "$(pg_sql app "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'")" = 1 ] || fail "slow migration never started"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
# The killed session's server process keeps running its statement until it notices; terminate it
# as an operator would rather than wait out the sleep.
pg_sql app "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'" >/dev/null
sed -i 's/pg_sleep(30)/pg_sleep(0)/' db/migrations/20240401000000_slow.sql
expect_code 0 pgstate migrate --url "$url" --env prod
expect_contains "applied db/migrations/20240401000000_slow.sql"
[ "$(pg_sql app "SELECT string_agg(id::text, ',' ORDER BY id) FROM audit")" = "1,2" ] || fail "slow migration applied twice or partly"
[ "$(pg_sql app "SELECT count(*) FROM migrations WHERE version = '2024-04-01'")" = 1 ] || fail "slow migration not recorded once"

# Two deployers at once: one waits for the other's advisory lock; each migration runs once.
cat > db/migrations/20240501000000_concurrent.sql <<'EOF'
INSERT INTO audit VALUES (3);
SELECT pg_sleep(1);
EOF
pgstate-migrate --url "$url" --env prod > "$E2E_TMP/one.log" 2>&1 &
one=$!
sleep 0.3
pgstate-migrate --url "$url" --env prod > "$E2E_TMP/two.log" 2>&1 &
two=$!
wait "$one" || fail "first deployer failed: $(cat "$E2E_TMP/one.log")"
wait "$two" || fail "second deployer failed: $(cat "$E2E_TMP/two.log")"
cat "$E2E_TMP/one.log" "$E2E_TMP/two.log" | grep -c "applied db/migrations/20240501000000_concurrent.sql" | grep -qx 1 ||
  fail "concurrent migration applied by both deployers"
grep -q "waiting: another pgstate migrate is running" "$E2E_TMP/two.log" || fail "second deployer did not wait"
[ "$(pg_sql app "SELECT count(*) FROM audit WHERE id = 3")" = 1 ] || fail "concurrent migration ran twice"

# A dev database from the same repository: the baseline's version is recorded with a NULL hash.
pg_sql postgres "CREATE DATABASE app_dev"
expect_code 0 pgstate migrate --url "$(pg_url app_dev)" --env dev
[ "$(pg_sql app_dev "SELECT count(*) FROM migrations WHERE hash IS NULL")" = 1 ] || fail "baseline row should have a NULL hash"
[ "$(pg_sql app_dev "SELECT count(*) FROM migrations WHERE hash IS NOT NULL")" = 6 ] || fail "dev rows should carry hashes"
expect_code 2 pgstate migrate --url "$url" --env dev
expect_contains "so it is a production database, not dev (--env dev)"

# Unreachable database: an environment failure.
expect_code 3 pgstate migrate --url "host=$PG_HOST port=1 user=postgres dbname=app" --env prod
expect_contains "cannot connect to"
echo "ok"
