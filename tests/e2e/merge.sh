# pgstate-merge as git's merge driver, set up the way `pgstate init` does it: two branches that
# each add a table and a column at the end of the same schema file merge without a conflict
# under git merge, rebase, cherry-pick and stash pop, and the result loads in PostgreSQL; a real
# conflict is written around that one object, with git's labels and, in diff3 style, the base.
. "$(dirname "$0")/lib.sh"

repo="$E2E_TMP/repo"
new_repo "$repo"
cd "$repo"
git config merge.pgstate.name "pgstate: merge SQL schema files object by object"
git config merge.pgstate.driver "$PGSTATE_BIN_DIR/pgstate-merge --marker-size %L --ancestor-label %S --ours-label %X --theirs-label %Y %O %A %B %P"
printf '*.sql merge=pgstate\n' > .gitattributes
mkdir -p db/schema
f=db/schema/app.sql

# sql FILE TABLE...: writes a pg_dump-style schema file; each TABLE is "name:col1,col2,…".
sql() {
  local file=$1 spec name cols
  shift
  printf "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n\n" > "$file"
  for spec in "$@"; do
    name=${spec%%:*}
    cols=${spec#*:}
    printf -- '--\n-- Name: %s; Type: TABLE; Schema: public; Owner: -\n--\n\n' "$name" >> "$file"
    printf 'CREATE TABLE public.%s (\n    %s\n);\n\n\n' "$name" "${cols//,/,$'\n'    }" >> "$file"
  done
}
users="users:id bigint NOT NULL,email text NOT NULL"
posts="posts:id bigint NOT NULL,body text"
tags="tags:id bigint NOT NULL,label text"

sql "$f" "$users"
git add -A && git commit -q -m "schema"

git checkout -q -b left main
sql "$f" "$users,name text" "$posts"
git commit -q -am "left: users.name, posts"
git tag left-edit
git checkout -q -b right main
sql "$f" "$users,admin boolean DEFAULT false NOT NULL" "$tags"
git commit -q -am "right: users.admin, tags"

# Ours' order first, then what theirs added.
sql "$E2E_TMP/left-first.sql" "$users,name text,admin boolean DEFAULT false NOT NULL" "$posts" "$tags"
sql "$E2E_TMP/right-first.sql" "$users,admin boolean DEFAULT false NOT NULL,name text" "$tags" "$posts"
check_merged() {  # check_merged WHAT EXPECTED-FILE
  grep -q '^<<<<<<<\|^>>>>>>>' "$f" && fail "$1: conflict markers in $f"
  cmp -s "$f" "$2" || { diff "$2" "$f" >&2; fail "$1: unexpected result"; }
}

# Without the driver git's text merge conflicts here: the last comma moves on both sides.
git checkout -q left
expect_code 1 git -c merge.pgstate.driver=false merge -q right -m merge
git merge --abort

# git merge
expect_code 0 git merge --no-edit right
check_merged "git merge" "$E2E_TMP/left-first.sql"

# git rebase (left's commit replayed onto right)
git checkout -q -b rebased left-edit
expect_code 0 git rebase -q right
check_merged "git rebase" "$E2E_TMP/right-first.sql"

# git cherry-pick
git checkout -q -b picked right
expect_code 0 git cherry-pick left-edit
check_merged "git cherry-pick" "$E2E_TMP/right-first.sql"

# git stash pop: left's edit uncommitted on main, popped onto right
git checkout -q main
git checkout -q left-edit -- "$f"
git stash -q
git checkout -q -b popped right
expect_code 0 git stash pop
check_merged "git stash pop" "$E2E_TMP/right-first.sql"
git checkout -q -- "$f" && git reset -q --hard

# A direct call, as git merge-file: base ours theirs, the result written over ours.
git show main:"$f" > "$E2E_TMP/base.sql"
git show left:"$f" > "$E2E_TMP/ours.sql"
git show right:"$f" > "$E2E_TMP/theirs.sql"
expect_code 0 pgstate merge "$E2E_TMP/base.sql" "$E2E_TMP/ours.sql" "$E2E_TMP/theirs.sql"
cmp -s "$E2E_TMP/ours.sql" "$E2E_TMP/left-first.sql" || fail "pgstate merge: unexpected result"
# A usage error is not a conflict (git reads 1..128 as one) and touches nothing.
git show left:"$f" > "$E2E_TMP/ours.sql"
expect_code 129 pgstate-merge --no-such-option "$E2E_TMP/base.sql" "$E2E_TMP/ours.sql" "$E2E_TMP/theirs.sql"
cmp -s "$E2E_TMP/ours.sql" <(git show left:"$f") || fail "usage error changed ours"
expect_code 255 pgstate-merge "$E2E_TMP/missing.sql" "$E2E_TMP/ours.sql" "$E2E_TMP/theirs.sql"
expect_contains "pgstate-merge: error: cannot open '$E2E_TMP/missing.sql'"

# A real conflict: both sides change users.email differently and add a table each. Markers go
# around that column only, labelled as git labels its own; everything else is merged.
git checkout -q -b x main
sql "$f" "users:id bigint NOT NULL,email citext NOT NULL" "$posts"
git commit -q -am "x"
git checkout -q -b y main
sql "$f" "users:id bigint NOT NULL,email character varying(320) NOT NULL" "$tags"
git commit -q -am "y"
git checkout -q x
expect_code 1 git merge --no-edit y
expect_contains "CONFLICT (content): Merge conflict in $f"
[ "$(grep -c '^<<<<<<< ' "$f")" = 1 ] || fail "expected one conflict"
conflict=$(sed -n '/^<<<<<<< /,/^>>>>>>> /p' "$f")
want='<<<<<<< HEAD
    email citext NOT NULL
=======
    email character varying(320) NOT NULL
>>>>>>> y'
[ "$conflict" = "$want" ] || { printf '%s\n' "$conflict" >&2; fail "unexpected conflict"; }
grep -q 'CREATE TABLE public.posts' "$f" && grep -q 'CREATE TABLE public.tags' "$f" ||
  fail "the rest of the file was not merged"
git merge --abort

# diff3 style shows the base between ||||||| markers.
git config merge.conflictStyle diff3
expect_code 1 git merge --no-edit y
conflict=$(sed -n '/^<<<<<<< /,/^>>>>>>> /p' "$f")
case "$conflict" in
  *"|||||||"*"    email text NOT NULL"*"======="*) ;;
  *) printf '%s\n' "$conflict" >&2; fail "diff3 conflict without the base" ;;
esac
git merge --abort
git config --unset merge.conflictStyle

# The kill switch gives git's own text merge.
git checkout -q -b text-only left-edit
PGSTATE_MERGE=text expect_code 1 git merge --no-edit right
git merge --abort

# The merged schema loads in PostgreSQL.
git checkout -q left
check_merged "final merge" "$E2E_TMP/left-first.sql"
start_postgres
cp "$f" "$PG_HOST/merged.sql"
chmod 644 "$PG_HOST/merged.sql"
cd "$PG_HOST"  # readable by the server's user, who runs psql
$pg_run_as "$PG_BIN/psql" -X -q -h "$PG_HOST" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -f "$PG_HOST/merged.sql" >/dev/null || fail "merged schema does not load"
cols=$($pg_run_as "$PG_BIN/psql" -X -At -h "$PG_HOST" -U postgres -d postgres -c \
  "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0")
[ "$cols" = "id,email,name,admin" ] || fail "users has columns '$cols'"
echo "ok"
