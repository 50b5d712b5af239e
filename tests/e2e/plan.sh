# pgstate plan: prints or writes the migration from baseline + pending migrations to the desired
# state; verify agrees afterwards; concurrent index builds go into a second, no-transaction
# migration; hazards are refused unless allowed; --from-url plans against a live database;
# --strict refuses uncovered object kinds.
. "$(dirname "$0")/lib.sh"
start_postgres

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"

cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL
);
EOF

expect_code 0 pgstate plan
expect_contains "CREATE TABLE public.users (
    id bigint NOT NULL,
    name text NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);"
[ -z "$(ls db/migrations)" ] || fail "plan without -m wrote a file"

expect_code 0 pgstate plan -m create_users
expect_contains "wrote db/migrations/"
first=$(ls db/migrations)
case "$first" in
  [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]_create_users.sql) ;;
  *) fail "unexpected migration name: $first" ;;
esac
expect_code 0 pgstate verify
expect_code 0 pgstate plan
expect_contains "nothing to do: the current state is the desired state"

# A new column and an index on an existing table: the index is built concurrently, in a second
# migration that runs outside a transaction.
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email text
);
CREATE INDEX users_email_idx ON users (email);
EOF
expect_code 0 pgstate plan -m add_email
[ "$(ls db/migrations | wc -l)" = 3 ] || fail "expected two new migrations: $(ls db/migrations)"
second=$(ls db/migrations | sed -n 2p)
third=$(ls db/migrations | sed -n 3p)
case "$third" in *_add_email_concurrently.sql) ;; *) fail "unexpected name $third" ;; esac
grep -qx 'ALTER TABLE public.users ADD COLUMN email text;' "db/migrations/$second" || fail "column not added"
[ "$(head -1 "db/migrations/$third")" = "-- pgstate:no-transaction" ] || fail "second migration needs the no-transaction header"
grep -qx 'CREATE INDEX CONCURRENTLY users_email_idx ON public.users USING btree (email);' "db/migrations/$third" ||
  fail "index not built concurrently"
expect_code 0 pgstate verify

# The migrations apply to a real database with pgstate migrate, and the result matches.
pg_sql postgres "CREATE DATABASE app"
expect_code 0 pgstate migrate --url "$(pg_url app)" --env prod
expect_contains "3 migrations applied"
[ "$(pg_sql app "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass")" = t ] ||
  fail "index not valid"

# Dropping a column loses data: refused unless allowed, and nothing is written.
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text
);
CREATE INDEX users_email_idx ON users (email);
EOF
expect_code 1 pgstate plan -m drop_name
expect_contains "error: drops column name of public.users and its data [hazard-data-loss]"
expect_contains "rerun with --allow-hazard data-loss (or --allow-hazards)"
[ "$(ls db/migrations | wc -l)" = 3 ] || fail "a refused plan was written"
expect_code 2 pgstate plan --allow-hazard data-losss
expect_contains "unknown hazard 'data-losss'"
expect_code 0 pgstate plan -m drop_name --allow-hazard data-loss
drop_file=$(ls db/migrations | sed -n 4p)
grep -q -- '-- hazard data-loss: drops column name of public.users and its data' "db/migrations/$drop_file" ||
  fail "hazard not marked in the migration"
expect_code 0 pgstate verify

# --from-url: plan against the live database (still without the drop), not the repository.
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_email_idx ON users (email);
EOF
expect_code 0 pgstate plan --from-url "$(pg_url app)" --lock-timeout 3s
expect_contains "SET lock_timeout = '3s';
ALTER TABLE public.users ADD COLUMN created_at timestamp with time zone NOT NULL DEFAULT now();"
case "$out" in *"DROP COLUMN"*|*"migrations"*) fail "planned against the repository, or touched the migrations table" ;; esac

# Column order that cannot be reached is reported.
cat > db/schema/users.sql <<'EOF'
CREATE TABLE users (
  id bigint PRIMARY KEY,
  nickname text,
  email text
);
CREATE INDEX users_email_idx ON users (email);
EOF
expect_code 0 pgstate plan
expect_contains "warning: column nickname is added at the end of public.users, not before email"

# --strict refuses an object kind the catalog model does not cover.
cat > db/schema/search.sql <<'EOF'
CREATE TEXT SEARCH CONFIGURATION public.english_simple (COPY = pg_catalog.english);
EOF
expect_code 0 pgstate plan
expect_contains "text search configuration public.english_simple is not covered by the catalog model"
expect_code 1 pgstate plan --strict
expect_contains "error: text search configuration public.english_simple is not covered"

# A desired state that does not load: file:line and exit 2.
printf 'CREATE TABLE broken (id int REFERENCES nowhere);\n' > db/schema/search.sql
expect_code 2 pgstate plan
expect_contains "db/schema/search.sql:1:"
echo "ok"
