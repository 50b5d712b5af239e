# pgstate init: sets a repository up, is idempotent, has a dry run, chains existing hooks,
# respects core.hooksPath, and --uninstall leaves the repository as it was.
. "$(dirname "$0")/lib.sh"

repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo"

# An existing hook pgstate did not write, and a .gitattributes with content of its own.
printf '#!/bin/sh\necho "own pre-commit ran" >> "%s/own-hook.log"\n' "$E2E_TMP" > .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
printf '*.png binary\n' > .gitattributes
git add .gitattributes && git commit -q -m attrs

snapshot() {
  (cd "$repo" && { find . -path ./.git -prune -o -print; find .git/hooks; } |
    sort | while read -r f; do printf '%s ' "$f"; if [ -f "$f" ]; then cksum < "$f"; else echo; fi; done
   git -C "$repo" config --local --list | sort)
}
before=$(snapshot)

expect_code 0 pgstate init --dry-run
expect_contains "would create .pgstate"
expect_contains "would install hook .git/hooks/pre-commit (the existing hook is kept"
[ "$(snapshot)" = "$before" ] || fail "--dry-run changed the repository"

expect_code 0 pgstate init
expect_contains "pgstate set up in"
[ -f .pgstate ] || fail ".pgstate missing"
[ -d db/schema ] && [ -d db/migrations ] && [ -f db/baseline.sql ] || fail "db/ layout missing"
grep -qx '\*.png binary' .gitattributes || fail ".gitattributes lost its own line"
grep -qx 'db/schema/\*\*/\*.sql merge=pgstate' .gitattributes || fail "schema attribute missing"
grep -qx 'db/baseline.sql merge=pgstate' .gitattributes || fail "baseline attribute missing"
git config merge.pgstate.driver | grep -q 'pgstate-merge' || fail "merge driver not configured"
for h in pre-commit pre-push post-merge post-checkout; do
  [ -x .git/hooks/$h ] || fail "hook $h not installed"
done
[ -x .git/hooks/pre-commit.pre-pgstate ] || fail "existing hook not kept"

# Idempotent: a second run changes nothing.
after=$(snapshot)
expect_code 0 pgstate init
expect_contains "already set up"
[ "$(snapshot)" = "$after" ] || fail "second init changed the repository"

# The chained hook still runs on commit.
git add -A
git commit -q -m "set up pgstate" || fail "commit failed"
grep -q "own pre-commit ran" "$E2E_TMP/own-hook.log" || fail "existing pre-commit hook did not run"

# Uninstall removes exactly what init added (the work tree, hooks and config as before).
expect_code 0 pgstate init --uninstall
rm -f "$E2E_TMP/own-hook.log"
[ "$(snapshot)" = "$before" ] || { diff <(echo "$before") <(snapshot) >&2 || true; fail "--uninstall did not restore the repository"; }

# core.hooksPath is respected.
repo2="$E2E_TMP/repo2"
new_repo "$repo2"
cd "$repo2"
git config core.hooksPath .githooks
expect_code 0 pgstate init
[ -x .githooks/pre-commit ] || fail "hook not installed under core.hooksPath"
[ ! -e .git/hooks/pre-commit ] || fail "hook installed in .git/hooks despite core.hooksPath"

# Outside a repository: a clear error.
mkdir "$E2E_TMP/plain"
cd "$E2E_TMP/plain"
expect_code 2 pgstate init
expect_contains "not a git repository"
echo "ok"
