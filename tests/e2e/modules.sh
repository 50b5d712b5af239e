# Modules in a real repository: pgstate check enforces module boundaries and reports cycles,
# pgstate owners maps paths to their teams, pgstate graph draws modules (dot, json, svg).
. "$(dirname "$0")/lib.sh"

repo="$E2E_TMP/repo"
pgstate_init_repo "$repo"
cd "$repo"

mkdir -p db/schema/accounts db/schema/billing
printf 'CREATE TABLE users (\n  id int PRIMARY KEY\n);\n' > db/schema/accounts/users.sql
printf 'CREATE TABLE invoices (\n  id int PRIMARY KEY,\n  user_id int REFERENCES users (id)\n);\n' \
  > db/schema/billing/invoices.sql
cat >> .pgstate <<'CONF'
[module "accounts"]
	path = db/schema/accounts
	owner = @accounts-team
[module "billing"]
	path = db/schema/billing
	owner = @payments-team
CONF

# billing uses accounts without requiring it: both places are named.
expect_code 1 pgstate check
expect_contains "db/schema/billing/invoices.sql:3:26: error:"
expect_contains "[module-boundary]"
expect_contains "module 'billing' references"
expect_contains "db/schema/accounts/users.sql:1:1: note:"

# The graph shows the violation, red and dashed.
expect_code 0 pgstate graph --format dot
expect_contains '"billing" -> "accounts" [label="1 reference", color=red, fontcolor=red, style=dashed];'

# Declaring the requirement makes it pass.
git config -f .pgstate module.billing.requires accounts
expect_code 0 pgstate check

# Owners: a file, a folder, a deleted file, a path from a subdirectory; root paths print nothing.
expect_code 0 pgstate owners db/schema/billing/invoices.sql
[ "$out" = "@payments-team" ] || fail "owners of invoices.sql: $out"
expect_code 0 pgstate owners db/schema
[ "$out" = "@accounts-team
@payments-team" ] || fail "owners of db/schema: $out"
expect_code 0 pgstate owners db/schema/billing/gone.sql db/baseline.sql
[ "$out" = "@payments-team" ] || fail "owners of a deleted file: $out"
expect_code 0 sh -c 'cd db/schema/accounts && pgstate owners users.sql db/schema/billing'
[ "$out" = "@accounts-team
@payments-team" ] || fail "owners from a subdirectory: $out"
expect_code 0 pgstate owners db/baseline.sql
[ -z "$out" ] || fail "a root path has no owner: $out"
expect_code 0 pgstate owners --format json db/schema/billing/invoices.sql db/baseline.sql
printf '%s' "$out" | python3 -m json.tool >/dev/null || fail "owners json is not JSON"
expect_contains '"module": "billing"'
expect_contains '"owner": "@payments-team"'
expect_contains '"owner": null'
expect_code 129 pgstate owners
expect_code 129 pgstate owners --format xml a.sql
expect_code 2 sh -c "cd '$E2E_TMP' && pgstate owners a.sql"
expect_contains "not a git repository"

# The graph: the declared edge, JSON, and SVG (or the missing Graphviz named).
expect_code 0 pgstate graph --format dot
expect_contains 'digraph modules {'
expect_contains '"accounts" [label="accounts\n@accounts-team\n1 object"];'
expect_contains '"billing" -> "accounts" [label="1 reference"];'
expect_code 0 pgstate graph --format json
printf '%s' "$out" | python3 -m json.tool >/dev/null || fail "graph json is not JSON"
expect_contains '"declared": true'
expect_code 0 pgstate graph --objects billing --format json
printf '%s' "$out" | python3 -m json.tool >/dev/null || fail "objects json is not JSON"
expect_contains '"key": "table public.users"'
expect_code 0 pgstate graph --objects billing
expect_contains 'subgraph "cluster_accounts" {'
expect_contains '"table public.invoices" -> "table public.users";'
expect_code 2 pgstate graph --objects nope
expect_contains "unknown module 'nope'"
expect_code 129 pgstate graph --modules --objects billing
if command -v dot >/dev/null 2>&1; then
  expect_code 0 pgstate graph --format svg -o graph.svg
  grep -q '<svg' graph.svg || fail "no <svg in graph.svg"
  rm graph.svg
fi
# Without Graphviz on PATH (only our binaries and git), svg says what to install.
nodot="$E2E_TMP/nodot"
mkdir -p "$nodot"
ln -s "$(command -v git)" "$nodot/git"
expect_code 3 env PATH="$PGSTATE_BIN_DIR:$nodot" pgstate graph --format svg
expect_contains "Graphviz 'dot' is not installed (apt-get install graphviz), or use --format dot"

# A cycle: accounts requires billing too.
git config -f .pgstate module.accounts.requires billing
expect_code 1 pgstate check
expect_contains "[module-cycle]"
expect_contains "accounts -> billing -> accounts"
expect_code 0 pgstate graph --format dot
expect_contains '"accounts" -> "billing";'

# An invalid .pgstate is bad input, with its error.
git config -f .pgstate module.billing.requires nothere
expect_code 2 pgstate owners db/schema/billing/invoices.sql
expect_contains "requires 'nothere', which is not a module"
expect_code 2 pgstate graph
expect_contains "requires 'nothere', which is not a module"
echo "ok"
