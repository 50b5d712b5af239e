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

# start_postgres: starts a private PostgreSQL server for this test, stopped and removed on exit,
# and sets PG_HOST (its socket directory) and PG_BIN. As root the server runs as the "postgres"
# (or "pgstate") system user. Exits 125 (skipped) when no server binaries are installed. The
# data directory goes under $PG_PARENT when set (a benchmark puts it on the storage it measures),
# else /tmp.
start_postgres() {
  PG_BIN=""
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then PG_BIN=$d; break; fi
  done
  if [ -z "$PG_BIN" ]; then echo "skipped: no PostgreSQL server binaries"; exit 125; fi
  PG_HOST=$(mktemp -d "${PG_PARENT:-/tmp}/pgstate-e2e-pg-XXXXXX")
  pg_run_as=""
  if [ "$(id -u)" = 0 ]; then
    pg_user=postgres
    id -u "$pg_user" >/dev/null 2>&1 || pg_user=pgstate
    chown "$pg_user" "$PG_HOST"
    pg_run_as="runuser -u $pg_user --"
  fi
  trap '$pg_run_as "$PG_BIN/pg_ctl" -D "$PG_HOST/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_HOST" "$E2E_TMP"' EXIT
  # A signal (a timeout, Ctrl-C) exits through the EXIT trap too, so no server is left behind.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  $pg_run_as "$PG_BIN/initdb" -D "$PG_HOST/data" -A trust -U postgres >/dev/null
  $pg_run_as "$PG_BIN/pg_ctl" -D "$PG_HOST/data" -w -l "$PG_HOST/log" \
    -o "-c listen_addresses= -k $PG_HOST -c fsync=off" start >/dev/null
}

# pg_url DB: a libpq connection string for database DB on the server start_postgres started.
pg_url() { echo "host=$PG_HOST user=postgres dbname=$1"; }

# pg_sql DB SQL: runs SQL in DB and prints the result unaligned, without headers.
pg_sql() { "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" -U postgres -d "$1" -c "$2"; }
