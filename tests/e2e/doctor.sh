# pgstate doctor: one line per check, a fix for each problem, exit 1 on any problem; outside a
# repository only the installation is checked.
. "$(dirname "$0")/lib.sh"

# The all-ok runs need PostgreSQL's server binaries, as verify does.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v pg_config >/dev/null ||
  { echo "skipped: no PostgreSQL server binaries"; exit 125; }

# Outside a repository: the installation only, and that is fine.
mkdir "$E2E_TMP/plain"
cd "$E2E_TMP/plain"
expect_code 0 pgstate doctor
expect_contains "ok       pgstate binaries: "
expect_contains "ok       postgresql: PostgreSQL "
expect_contains "ok       template cache: "
expect_contains "is not inside a git work tree; repository checks skipped"
expect_contains "pgstate doctor: 5 checks, no problems"

# A fresh repository before init: three problems, each with its fix.
repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo"
expect_code 1 pgstate doctor
expect_contains "problem  .pgstate: no .pgstate in $repo"
expect_contains "problem  hooks: not installed in .git/hooks: pre-commit, pre-push, post-merge, post-checkout"
expect_contains "problem  merge driver: merge.pgstate.driver is not set in git config"
expect_contains "         fix: pgstate init"
expect_contains "pgstate doctor: 8 checks, 3 problems"

# After init: all ok.
pgstate init >/dev/null
expect_code 0 pgstate doctor
expect_contains "ok       repository: $repo"
expect_contains "ok       hooks: pre-commit, pre-push, post-merge, post-checkout in .git/hooks"
expect_contains "ok       merge driver: $PGSTATE_BIN_DIR/pgstate-merge for db/schema/**/*.sql and db/baseline.sql"
expect_contains "pgstate doctor: 8 checks, no problems"
# From a subdirectory, and given as an argument, the same repository.
(cd db/schema && expect_code 0 pgstate doctor && expect_contains "ok       repository: $repo")
expect_code 0 pgstate doctor "$repo/db"

# A hook that is not executable.
chmod -x .git/hooks/pre-commit
expect_code 1 pgstate doctor
expect_contains "problem  hooks: .git/hooks/pre-commit is not executable, so git does not run it"
expect_contains "         fix: chmod +x .git/hooks/pre-commit"
expect_contains "pgstate doctor: 8 checks, 1 problem"
chmod +x .git/hooks/pre-commit

# A broken .pgstate: the error at .pgstate:line.
cp .pgstate "$E2E_TMP/pgstate.saved"
printf '[verify]\n\tcolunmOrder = ignore\n' >> .pgstate
line=$(wc -l < .pgstate)
expect_code 1 pgstate doctor
expect_contains "problem  .pgstate: .pgstate:$line: unknown key 'verify.colunmorder'"
expect_contains "         fix: edit .pgstate line $line"
cp "$E2E_TMP/pgstate.saved" .pgstate
expect_code 0 pgstate doctor

# The merge driver pointing at a binary that is gone, or not on PATH.
driver=$(git config merge.pgstate.driver)
git config merge.pgstate.driver "$E2E_TMP/gone/pgstate-merge %O %A %B %P"
expect_code 1 pgstate doctor
expect_contains "problem  merge driver: merge.pgstate.driver runs '$E2E_TMP/gone/pgstate-merge', which does not exist or is not executable"
expect_contains "         fix: pgstate init (sets the driver to this installation's pgstate-merge)"
git config merge.pgstate.driver "pgstate-merge-gone %O %A %B %P"
expect_code 1 pgstate doctor
expect_contains "runs 'pgstate-merge-gone', which is not on PATH"
# The fix it names works.
expect_code 0 pgstate init
expect_code 0 pgstate doctor
[ "$(git config merge.pgstate.driver)" = "$driver" ] || fail "init did not restore the driver"

# JSON: one object per check.
chmod -x .git/hooks/post-merge
expect_code 1 pgstate doctor --format json
expect_contains '"name": "hooks",'
expect_contains '"ok": false,'
expect_contains '"fix": "chmod +x .git/hooks/post-merge"'
expect_contains '"fix": null'
chmod +x .git/hooks/post-merge

# Usage and bad input.
expect_code 0 pgstate doctor --help
expect_contains "examples:"
expect_code 0 pgstate doctor --version
expect_contains "pgstate-doctor "
expect_code 129 pgstate doctor --format xml
expect_code 2 pgstate doctor "$E2E_TMP/nowhere"
expect_contains "not a directory: '$E2E_TMP/nowhere'"
echo "ok"
