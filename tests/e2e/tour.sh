# The five-minute tour of the README, run for real: init, a bad commit refused, two branches
# merged by the driver, a push verified by the pre-push hook, plan, migrate, rebaseline, and two
# teams sharing the database through modules.
#
# Under ctest it asserts every step. `tests/e2e/tour.sh --show` (or install.sh --tour) prints
# each command and its output, which is where the README's tour output comes from.
show=0
[ "${1:-}" = "--show" ] && show=1
if [ -z "${PGSTATE_BIN_DIR:-}" ]; then
  PGSTATE_BIN_DIR=$(dirname "$(command -v pgstate)")
  export PGSTATE_BIN_DIR
fi
. "$(dirname "$0")/lib.sh"

# step "description" command...: runs a command in the tour repository, shows it with --show.
step() {
  want=$1
  shift
  expect_code "$want" "$@"
  if [ $show = 1 ]; then
    printf '\n$ %s\n' "$*"
    [ -n "$out" ] && printf '%s\n' "$out" | sed "s|$E2E_TMP|/tmp/tour|g"
  fi
  return 0
}

git init -q --bare "$E2E_TMP/remote.git"
git init -q -b main "$E2E_TMP/app"
cd "$E2E_TMP/app"
git remote add origin "$E2E_TMP/remote.git"
git commit -q --allow-empty -m "initial"
git push -q -u origin main 2>/dev/null

# 1. init
step 0 pgstate init
git add -A
git commit -q -m "set up pgstate" --no-verify

# 2. desired state; a typo is refused at commit time
cat > db/schema/app.sql <<'SQL'
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABEL posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    title text NOT NULL
);
SQL
git add db/schema/app.sql
step 1 git commit -m "users and posts"
expect_contains "db/schema/app.sql:6:8: error: syntax error at or near \"TABEL\""
sed -i 's/CREATE TABEL/CREATE TABLE/' db/schema/app.sql
git add db/schema/app.sql
step 0 pgstate plan -m create_users_and_posts
git add -A
step 0 git commit -q -m "users and posts"

# 3. two branches change the same file; the merge driver combines them
git checkout -q -b comments
cat >> db/schema/app.sql <<'SQL'

CREATE TABLE comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    body text NOT NULL
);
SQL
pgstate plan -m create_comments >/dev/null
git add -A
git commit -q -m "comments"
git checkout -q main
# Another person, another moment: migrations are versioned by the second, and a plan made in
# the same second as the newest migration takes the next one, so the comments migration may be
# a second ahead of the clock. Two seconds later, this branch's version is past it.
sleep 2
sed -i 's/    email text NOT NULL UNIQUE/    email text NOT NULL UNIQUE,\n    name text/' db/schema/app.sql
pgstate plan -m add_users_name >/dev/null
git add -A
git commit -q -m "users.name"
step 0 git merge --no-edit comments
step 0 pgstate changes HEAD~2 HEAD

# 4. push: the pre-push hook verifies the merged schema on a scratch PostgreSQL
step 0 git push origin main
expect_contains "pgstate: verifying refs/heads/main"

# 5. deploy: migrate a database (here a throwaway one), then fold it into the baseline
step 0 pgstate sandbox -- sh -c 'pgstate migrate status --url "$DATABASE_URL";
  pgstate migrate --url "$DATABASE_URL" --env prod && pgstate rebaseline --url "$DATABASE_URL"'
step 0 git log --oneline -1
[ -z "$(ls db/migrations)" ] || fail "rebaseline left migrations behind"
head -1 db/baseline.sql | grep -q '^-- pgstate:baseline version=' || fail "baseline header missing"
step 0 pgstate verify

# 6. two teams: modules say whose objects are whose, and which modules each may use
mkdir -p db/schema/accounts db/schema/billing
git mv db/schema/app.sql db/schema/accounts/app.sql
cat >> .pgstate <<'INI'

[module "accounts"]
	path = db/schema/accounts
	owner = @core-team
[module "billing"]
	path = db/schema/billing
	owner = @payments-team
INI
cat > db/schema/billing/invoices.sql <<'SQL'
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    total numeric(12, 2) NOT NULL
);
SQL
step 1 pgstate check
expect_contains "[module-boundary]"
git config -f .pgstate module.billing.requires accounts
step 0 pgstate check
pgstate plan -m create_invoices >/dev/null
git add -A
step 0 pgstate changes --staged
expect_contains "@payments-team"
step 0 pgstate owners db/schema/billing/invoices.sql
expect_contains "@payments-team"
step 0 git commit -q -m "billing: invoices"
step 0 pgstate graph --format dot
expect_contains "billing"
# The README's picture: TOUR_GRAPH_SVG=docs/tour-modules.svg tests/e2e/tour.sh --show
if [ -n "${TOUR_GRAPH_SVG:-}" ]; then pgstate graph --format svg -o "$TOUR_GRAPH_SVG"; fi
# Modules load in dependency order: accounts before billing, whatever the files are called.
expect_code 0 pgstate verify
echo "tour ok"
