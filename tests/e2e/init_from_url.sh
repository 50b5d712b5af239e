# pgstate init --from-url: a project started from an existing database. Its baseline and its
# desired-state files (per schema, or per table with --split) come from the database's catalog;
# check and verify pass on them at once; a second run changes nothing; --uninstall takes back
# exactly what was written; files already there are never overwritten.
. "$(dirname "$0")/lib.sh"
[ -x /usr/lib/postgresql/15/bin/postgres ] || command -v pg_config >/dev/null || exit 125
export TMPDIR="$E2E_TMP/tmp"
mkdir -p "$TMPDIR"
chmod 0755 "$E2E_TMP" "$TMPDIR"
start_postgres

pg_sql postgres "CREATE DATABASE shop"
pg_sql shop "
CREATE ROLE reporting NOLOGIN;
CREATE SCHEMA billing;
CREATE TYPE billing.invoice_state AS ENUM ('draft', 'sent', 'paid');
CREATE TABLE public.customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.customers IS 'people who buy';
CREATE INDEX customers_created_at_idx ON public.customers (created_at);
CREATE TABLE billing.invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    state billing.invoice_state NOT NULL DEFAULT 'draft',
    total numeric(12, 2) NOT NULL CHECK (total >= 0)
);
CREATE FUNCTION billing.open_total(c bigint) RETURNS numeric LANGUAGE sql STABLE
    AS 'SELECT coalesce(sum(total), 0) FROM billing.invoices WHERE customer_id = c AND state <> ''paid''';
CREATE VIEW billing.open_invoices AS SELECT id, customer_id, total FROM billing.invoices WHERE state <> 'paid';
GRANT USAGE ON SCHEMA billing TO reporting;
GRANT SELECT ON billing.open_invoices TO reporting;
"
url=$(pg_url shop)

# One file per schema.
repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo"
expect_code 0 pgstate init --from-url "$url"
expect_contains "create db/baseline.sql (from the database)"
expect_contains "create db/schema/billing.sql (from the database)"
expect_contains "create db/schema/public.sql (from the database)"
grep -q "CREATE TABLE billing.invoices" db/schema/billing.sql || fail "invoices not in billing.sql"
grep -q "CREATE INDEX customers_created_at_idx" db/schema/public.sql || fail "index not in public.sql"
grep -q "CREATE TABLE billing.invoices" db/baseline.sql || fail "baseline lacks invoices"
! grep -q "^SET " db/schema/*.sql || fail "session settings in the desired state"
expect_code 0 pgstate check
expect_code 0 pgstate verify
expect_contains "verified the work tree"

# A second run changes nothing.
expect_code 0 pgstate init --from-url "$url"
expect_contains "pgstate is already set up"

# --uninstall leaves the repository as it was: no db/, no .pgstate, no hooks.
expect_code 0 pgstate init --uninstall
[ ! -e db ] || fail "db/ left behind: $(find db)"
[ -z "$(git status --porcelain)" ] || fail "uninstall left: $(git status --porcelain)"

# One file per table (and view, type, routine); their dependency order, not file names, decides
# how they load.
split="$E2E_TMP/split"
new_repo "$split"
cd "$split"
expect_code 0 pgstate init --from-url "$url" --split
for f in db/schema/billing/invoices.sql db/schema/billing/invoice_state.sql \
         db/schema/billing/open_invoices.sql db/schema/billing/open_total.sql \
         db/schema/public/customers.sql db/schema/billing.sql; do
  [ -s "$f" ] || fail "$f not written: $(find db -type f)"
done
grep -q "customers_created_at_idx" db/schema/public/customers.sql || fail "index not with its table"
grep -q "customers_id_seq" db/schema/public/customers.sql || fail "owned sequence not with its table"
grep -q "GRANT SELECT ON TABLE billing.open_invoices" db/schema/billing/open_invoices.sql ||
  fail "grant not with its view"
expect_code 0 pgstate check
expect_code 0 pgstate verify

# Never overwrite: desired state already there refuses the import, and nothing is written.
other="$E2E_TMP/other"
new_repo "$other"
cd "$other"
mkdir -p db/schema
echo "CREATE TABLE t (id int);" > db/schema/app.sql
expect_code 2 pgstate init --from-url "$url"
expect_contains "'db/schema/app.sql' is already desired state"
[ ! -e .pgstate ] && [ ! -e db/baseline.sql ] || fail "a refused import wrote files"

# A database that cannot be reached: exit 3, nothing written.
expect_code 3 pgstate init --from-url "host=$PG_HOST user=postgres dbname=nope"
expect_contains "nope"
[ ! -e .pgstate ] || fail "a failed import wrote .pgstate"
echo "init --from-url ok"
