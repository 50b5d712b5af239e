# Real projects' schema histories (../shared/corpus/histories: 16 consecutive versions of three
# projects' structure.sql), lived as a team would with the default settings: the oldest version
# is the baseline; each next one becomes the desired state, is planned (following plan's own
# advice when it refuses: review the hazards, rebuild a table whose column order ALTER TABLE
# cannot reach), committed through the hooks and verified. Then production, built from the
# baseline, is migrated and rebaselined, verify passes, and production's columns are in the
# newest version's order.
. "$(dirname "$0")/lib.sh"

histories=${PGSTATE_CORPUS_DIR:-}/histories
if [ ! -d "$histories" ]; then echo "skipped: no corpus histories at '$histories'"; exit 125; fi
start_postgres

# The columns of every table of database DB, in order: "table: a, b, c" lines (but pgstate's
# own migrations table).
columns_of() {
  pg_sql "$1" "SELECT c.oid::regclass || ': ' || string_agg(a.attname, ', ' ORDER BY a.attnum)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND n.nspname NOT LIKE 'pg_toast%'
                 AND c.oid IS DISTINCT FROM to_regclass('public.migrations')
               GROUP BY c.oid ORDER BY 1"
}

load() {  # load DB FILE: a new database with FILE's schema
  pg_sql postgres "CREATE DATABASE \"$1\""
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -U postgres -d "$1" -f "$2" >/dev/null
}

for project_dir in "$histories"/*/; do
  project=$(basename "$project_dir")
  repo="$E2E_TMP/$project"
  pgstate_init_repo "$repo"
  cd "$repo"
  versions=$(ls "$project_dir" | sed -n 's/^\([0-9][0-9]*\)\.sql$/\1/p' | sort -n)
  oldest=$(echo "$versions" | head -n 1)
  newest=$(echo "$versions" | tail -n 1)
  cp "$project_dir/$oldest.sql" db/baseline.sql
  cp "$project_dir/$oldest.sql" db/schema/structure.sql
  git add -A
  git commit -q -m "adopt $project at $oldest"
  load "${project}_prod" db/baseline.sql

  for v in $versions; do
    [ "$v" = "$oldest" ] && continue
    cp "$project_dir/$v.sql" db/schema/structure.sql
    set +e
    out=$(pgstate plan -m "v$v" 2>&1)
    code=$?
    set -e
    flags=""
    if [ "$code" != 0 ]; then
      # Plan refuses hazards until they are reviewed; nothing may be written in that case.
      case "$out" in *"[hazard-"*) flags="--allow-hazards" ;; *) printf '%s\n' "$out" >&2; fail "$project $v: plan failed" ;; esac
      [ -z "$(git status --porcelain db/migrations)" ] || fail "$project $v: a refused plan wrote migrations"
    fi
    case "$out" in
      *"[column-order]"*)
        case "$out" in *"pgstate plan --reorder-columns"*) ;; *) printf '%s\n' "$out" >&2; fail "$project $v: column-order without its hint" ;; esac
        git clean -fdq db/migrations
        flags="$flags --reorder-columns" ;;
    esac
    if [ -n "$flags" ]; then
      # shellcheck disable=SC2086
      expect_code 0 pgstate plan $flags -m "v$v"
      case "$out" in *"[column-order]"*) fail "$project $v: column-order after --reorder-columns: $out" ;; esac
    fi
    git add -A
    git commit -q -m "$project $v"
    expect_code 0 pgstate verify
  done

  prod=$(pg_url "${project}_prod")
  expect_code 0 pgstate migrate --url "$prod" --env prod
  expect_code 0 pgstate rebaseline --url "$prod"
  [ -z "$(ls db/migrations)" ] || fail "$project: migrations left after rebaseline: $(ls db/migrations)"
  expect_code 0 pgstate verify
  expect_code 0 pgstate verify --rev HEAD

  load "${project}_newest" "$project_dir/$newest.sql"
  columns_of "${project}_prod" > "$E2E_TMP/prod.columns"
  columns_of "${project}_newest" > "$E2E_TMP/newest.columns"
  diff -u "$E2E_TMP/newest.columns" "$E2E_TMP/prod.columns" >&2 ||
    fail "$project: production's columns are not in the newest version's order"
  echo "$project: $(echo "$versions" | wc -l) versions planned, committed and verified; production in order"
  cd "$E2E_TMP"
done
