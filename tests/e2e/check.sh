# pgstate check and the pre-commit hook: syntax errors refuse a commit with file:line:col, a
# clean commit passes quietly, --staged reads the index and not the work tree, every output
# format, exit codes, and plain files outside a repository.
. "$(dirname "$0")/lib.sh"

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"
[ -x .git/hooks/pre-commit ] || fail "pre-commit hook not installed"

users_ok='CREATE TABLE users (
  id int PRIMARY KEY,
  email text NOT NULL
);
'
users_broken='CREATE TABLE users (id int PRIMARY KEY);
CREATE TABEL orders (id int);
'
syntax_line='db/schema/users.sql:2:8: error: syntax error at or near "TABEL" [syntax]'

# A commit with a syntax error is refused, naming file:line:col and the way around it.
printf '%s' "$users_broken" > db/schema/users.sql
git add db/schema/users.sql
expect_code 1 git commit -q -m "broken schema"
expect_contains "$syntax_line"
expect_contains "git commit --no-verify"
git rev-parse -q --verify HEAD:db/schema/users.sql >/dev/null && fail "broken schema was committed"

# A clean commit passes, and the hook says nothing.
printf '%s' "$users_ok" > db/schema/users.sql
printf 'CREATE TABLE orders (id int, user_id int REFERENCES users (id));\n' > db/schema/orders.sql
git add db/schema
expect_code 0 git commit -q -m "users and orders"
[ -z "$out" ] || { printf '%s\n' "$out" >&2; fail "the hook was not quiet on success"; }

# A commit that touches no schema path passes even while the work tree's schema is broken.
printf '%s' "$users_broken" > db/schema/users.sql
echo "notes" > README.txt
git add README.txt
expect_code 0 git commit -q -m "docs only"
[ -z "$out" ] || fail "unrelated commit was not quiet: $out"

# --staged reads the index: broken in the work tree, clean in the index -> passes.
expect_code 1 pgstate check
expect_contains "$syntax_line"
expect_code 0 pgstate check --staged
# ... and the other way round: broken in the index, fixed in the work tree -> fails.
git add db/schema/users.sql
printf '%s' "$users_ok" > db/schema/users.sql
expect_code 1 pgstate check --staged
expect_contains "$syntax_line"
expect_code 0 pgstate check
expect_code 1 git commit -q -m "index still broken"
expect_contains "$syntax_line"
git add db/schema/users.sql

# git commit -a and git commit <path> stage into a temporary index: that is what is checked.
printf '%s' "$users_broken" > db/schema/users.sql
expect_code 1 git commit -q -a -m "commit -a"
expect_contains "$syntax_line"
expect_code 1 git commit -q -m "commit path" db/schema/users.sql
expect_contains "$syntax_line"
expect_code 0 pgstate check --staged

# Every format, on a broken work tree. Cross-file references resolve (orders -> users).
printf '%s' "$users_broken" > db/schema/users.sql
expect_code 1 pgstate check --format json
expect_contains '"rule": "syntax"'
expect_contains '"file": "db/schema/users.sql"'
expect_contains '"line": 2'
expect_contains '"column": 8'
printf '%s' "$out" | python3 -m json.tool >/dev/null || fail "json format is not JSON"
expect_code 1 pgstate check --format github
expect_contains '::error file=db/schema/users.sql,line=2,col=8,title=syntax::syntax error at or near "TABEL"'
expect_code 1 pgstate check --format sarif
expect_contains '"version": "2.1.0"'
expect_contains '"ruleId": "syntax"'
printf '%s' "$out" | python3 -m json.tool >/dev/null || fail "sarif format is not JSON"
expect_code 1 pgstate check --format human
expect_contains "$syntax_line"
expect_contains "1 error"

# A PATH narrows the report; the model still holds every schema file.
expect_code 0 pgstate check db/schema/orders.sql
expect_code 1 pgstate check db/schema
(cd db && expect_code 1 pgstate check schema/users.sql && expect_contains "$syntax_line")
expect_code 2 pgstate check db/schema/nope.sql
expect_contains "pathspec 'db/schema/nope.sql' did not match any file"
printf '%s' "$users_ok" > db/schema/users.sql

# Desired-state rules and migration rules, through the hook: errors block, warnings do not.
printf 'DROP TABLE legacy;\n' > db/schema/cleanup.sql
git add db/schema/cleanup.sql
expect_code 1 git commit -q -m "drop in schema"
expect_contains "db/schema/cleanup.sql:1:1: error: 'DROP TABLE' does not belong in a desired-state file [schema-drop]"
git rm -q --cached db/schema/cleanup.sql && rm db/schema/cleanup.sql

printf 'ALTER TABLE users DROP COLUMN email;\n' > db/migrations/20240101000000_drop_email.sql
git add db/migrations
expect_code 0 git commit -q -m "migration with a hazard"
expect_contains "warning: dropping column 'email' of 'public.users' deletes its data"
expect_contains "[drop-column]"

printf 'SELECT 1;\n' > db/migrations/2024_bad.sql
git add db/migrations
expect_code 1 git commit -q -m "bad migration name"
expect_contains "db/migrations/2024_bad.sql: error: migration name '2024_bad.sql' does not match <yyyymmddHHMMSS>_<slug>.sql [migration-name]"
git rm -q --cached db/migrations/2024_bad.sql && rm db/migrations/2024_bad.sql

# Exit codes: usage 129, bad configuration 2.
expect_code 129 pgstate check --bogus
expect_code 129 pgstate check --format xml
cp .pgstate .pgstate.saved
printf '[check]\n\tdisable = drop-tabel\n' >> .pgstate
expect_code 2 pgstate check
expect_contains "check.disable names unknown rule 'drop-tabel'"
mv .pgstate.saved .pgstate
# check.disable turns a rule off.
printf 'DELETE FROM users;\n' > db/schema/seed.sql
expect_code 1 pgstate check
expect_contains "[schema-data]"
printf '[check]\n\tdisable = schema-data\n' >> .pgstate
expect_code 0 pgstate check
git checkout -q .pgstate
rm db/schema/seed.sql

# Outside a repository: named files are checked as they are.
plain="$E2E_TMP/plain"
mkdir -p "$plain/migrations"
cd "$plain"
printf 'CREATE TABLE t (id int);\n' > good.sql
printf 'CREATE TABLE t (id int;\n' > bad.sql
printf 'DROP TABLE t;\n' > migrations/20240101000000_drop.sql
expect_code 0 pgstate check good.sql
expect_code 1 pgstate check bad.sql good.sql
expect_contains 'bad.sql:1:23: error: syntax error at or near ";" [syntax]'
expect_code 0 pgstate check migrations
expect_contains "migrations/20240101000000_drop.sql:1:1: warning: dropping table 'public.t' deletes its data [drop-table]"
expect_code 2 pgstate check
expect_contains "not a git repository"
expect_code 2 pgstate check --staged good.sql
expect_code 2 pgstate check missing.sql

echo "ok"
