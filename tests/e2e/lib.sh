# Shared helpers for tests/e2e/*.sh (sourced, not a test).
# Environment from CTest: PGSTATE_BIN_DIR, PGSTATE_SOURCE_DIR, PGSTATE_TEST_DATA, PGSTATE_CORPUS_DIR.

set -eu
: "${PGSTATE_BIN_DIR:?run through ctest}"
export PATH="$PGSTATE_BIN_DIR:$PATH"
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com
export NO_COLOR=1

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pgstate-e2e-XXXXXX")
export HOME="$E2E_TMP/home"
mkdir -p "$HOME"
trap 'rm -rf "$E2E_TMP"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_code N command...: runs the command, fails unless it exits N. Output is kept in $out.
expect_code() {
  want=$1
  shift
  set +e
  out=$("$@" 2>&1)
  got=$?
  set -e
  if [ "$got" != "$want" ]; then
    printf '%s\n' "$out" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

# expect_contains TEXT: $out must contain TEXT.
expect_contains() {
  case "$out" in
    *"$1"*) ;;
    *) printf '%s\n' "$out" >&2; fail "output does not contain: $1" ;;
  esac
}

# new_repo DIR: an empty repository with one empty commit on branch main.
new_repo() {
  git init -q -b main "$1"
  git -C "$1" commit -q --allow-empty -m "initial"
}

# pgstate_init_repo DIR: new repository with pgstate init run in it and committed.
pgstate_init_repo() {
  new_repo "$1"
  (cd "$1" && pgstate init >/dev/null)
  git -C "$1" add -A
  git -C "$1" commit -q -m "pgstate init" --no-verify
}
