# CI templates: the workflow files and .pre-commit-hooks.yaml parse and hold what docs/ci.md
# promises, and templates/ci/server-side-merge.sh merges a pull request's target branch into its
# branch with pgstate's merge driver where git's text merge conflicts.
. "$(dirname "$0")/lib.sh"

src=$PGSTATE_SOURCE_DIR
merge_script="$src/templates/ci/server-side-merge.sh"

# --- the YAML files ------------------------------------------------------------------------
python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "note: no python3 with the yaml module (Debian package python3-yaml): YAML not checked"
else
  "$python" - "$src" "$E2E_TMP" <<'EOF' || fail "a template is not what docs/ci.md describes"
import os, re, sys, yaml

src, tmp = sys.argv[1], sys.argv[2]
problems = []
scripts = []  # (where, shell text) pairs, syntax-checked with bash -n below

def load(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return yaml.safe_load(f)

def expect(cond, what):
    if not cond:
        problems.append(what)

# GitHub Actions workflow.
gh = load("templates/github/pgstate.yml")
on = gh.get("on", gh.get(True))  # YAML 1.1 reads a bare `on` key as true
expect(isinstance(on, dict) and "pull_request" in on, "github: runs on pull_request")
expect(isinstance(on, dict) and "pull_request_target" in on,
       "github: the merge job runs on pull_request_target (pull_request skips conflicted PRs)")
jobs = gh.get("jobs", {})
expect(jobs, "github: has jobs")
all_runs = []
for name, job in jobs.items():
    expect("runs-on" in job, f"github: job {name} has runs-on")
    for i, step in enumerate(job.get("steps", [])):
        expect(("uses" in step) != ("run" in step), f"github: {name} step {i} has uses or run")
        if "run" in step:
            all_runs.append(step["run"])
            scripts.append((f"github {name} step {i}", step["run"]))
runs = "\n".join(all_runs)
for needle in ["pgstate check --format github", "pgstate check --format sarif", "pgstate verify",
               "--dev-url", "pgstate changes --format markdown", "server-side-merge.sh",
               "install.sh", "PGSTATE_REF"]:
    expect(needle in runs, f"github: a step runs '{needle}'")
uses = [s.get("uses", "") for j in jobs.values() for s in j.get("steps", [])]
expect(any(u.startswith("github/codeql-action/upload-sarif@") for u in uses),
       "github: SARIF upload step")
expect(any("services" in j and "postgres" in j["services"] for j in jobs.values()),
       "github: a job with a postgres service container")

# GitLab CI.
gl = load("templates/gitlab/pgstate.gitlab-ci.yml")
reserved = {"stages", "variables", "default", "include", "workflow", "image", "services"}
def resolve(job):  # GitLab's `extends`: the job's keys over its templates' keys
    ext = job.get("extends", [])
    merged = {}
    for base in [ext] if isinstance(ext, str) else ext:
        merged.update(resolve(gl[base]))
    merged.update({k: v for k, v in job.items() if k != "extends"})
    return merged

gl_jobs = {k: resolve(v) for k, v in gl.items() if k not in reserved and not k.startswith(".")}
expect(gl_jobs, "gitlab: has jobs")
gl_text = []
for name, job in gl_jobs.items():
    expect("script" in job, f"gitlab: job {name} has a script")
    for key in ("before_script", "script", "after_script"):
        lines = job.get(key, [])
        if isinstance(lines, str):
            lines = [lines]
        flat = []
        for line in lines:
            flat.extend(line if isinstance(line, list) else [line])
        scripts.append((f"gitlab {name} {key}", "\n".join(flat)))
        gl_text.extend(flat)
gl_all = "\n".join(gl_text)
for needle in ["pgstate check --format", "pgstate verify", "--dev-url",
               "pgstate changes --format markdown", "server-side-merge.sh", "install.sh",
               "PGSTATE_REF"]:
    expect(needle in gl_all, f"gitlab: a script runs '{needle}'")

# pre-commit framework hooks.
hooks = load(".pre-commit-hooks.yaml")
expect(isinstance(hooks, list), "pre-commit: a list of hooks")
by_id = {h.get("id"): h for h in hooks or []}
for hook in hooks or []:
    for key in ("id", "name", "entry", "language"):
        expect(key in hook, f"pre-commit: hook {hook.get('id')} has {key}")
check = by_id.get("pgstate-check", {})
expect(check.get("entry", "").split()[:1] == ["pgstate-check"], "pre-commit: pgstate-check entry")
expect(check.get("pass_filenames") is True, "pre-commit: pgstate-check gets the file names")
expect(check.get("language") == "system", "pre-commit: pgstate-check is language: system")
verify = by_id.get("pgstate-verify", {})
expect("pre-push" in verify.get("stages", []), "pre-commit: pgstate-verify runs on pre-push")
expect(verify.get("pass_filenames") is False, "pre-commit: pgstate-verify takes no file names")
if verify.get("entry"):
    scripts.append(("pre-commit pgstate-verify entry", verify["entry"]))

# Every shell fragment must at least parse (GitHub expressions replaced by a word first).
for i, (where, text) in enumerate(scripts):
    path = os.path.join(tmp, f"fragment-{i}.sh")
    with open(path, "w", encoding="utf-8") as f:
        f.write(re.sub(r"\$\{\{.*?\}\}", "EXPR", text))
    if os.system(f"bash -n '{path}'") != 0:
        problems.append(f"{where}: shell syntax error")

for p in problems:
    print("template problem: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  echo "ok: templates parse"
fi

# --- server-side-merge.sh ------------------------------------------------------------------
bash -n "$merge_script" || fail "server-side-merge.sh has a syntax error"
expect_code 2 bash "$merge_script"
expect_contains "no target branch"
expect_code 2 bash "$merge_script" --target main --push
expect_contains "--push needs --branch"

if [ ! -x "$PGSTATE_BIN_DIR/pgstate-merge" ]; then
  echo "SKIP: $PGSTATE_BIN_DIR/pgstate-merge is not built yet (the merge driver)"
  exit 125
fi

users='CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL
);
'
orders='
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id)
);
'
invoices='
CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  total numeric(12, 2) NOT NULL
);
'

# make_remote NAME INIT: a bare "hosted" repository NAME.git whose main holds db/schema/app.sql
# with one table; with INIT=yes the project ran `pgstate init` and committed it, and each table
# comes with its migration. Branch 'feature' appends table orders to the file, then main appends
# table invoices: git's text merge conflicts at the end of the file, pgstate's merge takes both
# tables.
make_remote() {
  local name=$1 init=$2 work="$E2E_TMP/$1-dev"
  git init -q --bare -b main "$E2E_TMP/$name.git"
  if [ "$init" = yes ]; then pgstate_init_repo "$work"; else new_repo "$work"; fi
  # add_table SQL VERSION SLUG MESSAGE: appends SQL to the desired state (and, in an initialised
  # repository, as a migration) and commits.
  add_table() {
    mkdir -p "$work/db/schema"
    printf '%s' "$1" >>"$work/db/schema/app.sql"
    if [ "$init" = yes ]; then
      printf '%s' "$1" >"$work/db/migrations/${2}_$3.sql"
    fi
    git -C "$work" add -A db
    git -C "$work" commit -q --no-verify -m "$4"
  }
  add_table "$users" 20240101000000 users "users"
  git -C "$work" remote add origin "$E2E_TMP/$name.git"
  git -C "$work" push -q --no-verify origin main
  git -C "$work" checkout -q -b feature
  add_table "$orders" 20240102000000 orders "orders"
  git -C "$work" push -q --no-verify origin feature
  git -C "$work" checkout -q main
  add_table "$invoices" 20240103000000 invoices "invoices"
  git -C "$work" push -q --no-verify origin main
}

# ci_clone NAME DIR BRANCH: a fresh clone checked out detached at BRANCH, as CI checks out.
ci_clone() {
  git clone -q "$E2E_TMP/$1.git" "$2"
  git -C "$2" checkout -q --detach "origin/$3"
}

# 1. A repository set up with `pgstate init`: clean merge, pushed to the pull request's branch.
make_remote hosted yes
ci="$E2E_TMP/ci"
ci_clone hosted "$ci" feature
feature_head=$(git -C "$ci" rev-parse HEAD)
main_head=$(git -C "$ci" rev-parse origin/main)

# Without pgstate's driver configured (as on the hosting service) the text merge conflicts.
if git -C "$ci" -c core.hooksPath=/dev/null merge -q --no-edit origin/main >/dev/null 2>&1; then
  fail "git's text merge did not conflict: the test repository does not show the problem"
fi
git -C "$ci" merge --abort

cd "$ci"
expect_code 0 bash "$merge_script" --target main --branch feature --push \
  --summary "$E2E_TMP/summary.md" --bin-dir "$PGSTATE_BIN_DIR"
expect_contains "the schema merges cleanly: merge commit"
expect_contains "merged by pgstate (changed on both sides): db/schema/app.sql"
merged=$(git rev-parse HEAD)
[ "$(git rev-list --parents -n 1 HEAD)" = "$merged $feature_head $main_head" ] ||
  fail "HEAD is not a merge of feature ($feature_head) and main ($main_head)"
[ "$(git log -1 --format=%s)" = "Merge branch 'main' into feature" ] || fail "merge message"
for table in users orders invoices; do
  [ "$(grep -c "^CREATE TABLE $table (" db/schema/app.sql)" = 1 ] ||
    fail "table $table is not in the merged file exactly once"
done
if grep -qE '^(<<<<<<<|=======|>>>>>>>)' db/schema/app.sql; then fail "conflict markers left"; fi
[ -z "$(git status --porcelain)" ] || { git status --short >&2; fail "work tree not clean"; }
[ "$(git -C "$E2E_TMP/hosted.git" rev-parse refs/heads/feature)" = "$merged" ] ||
  fail "the merge commit was not pushed to feature"
[ "$(git -C "$E2E_TMP/hosted.git" rev-parse refs/heads/main)" = "$main_head" ] || fail "main moved"
grep -q 'is \*\*clean\*\*' "$E2E_TMP/summary.md" || fail "summary does not say clean"
grep -q '`db/schema/app.sql`' "$E2E_TMP/summary.md" || fail "summary does not name the file"
grep -q 'Pushed to `feature`' "$E2E_TMP/summary.md" || fail "summary does not say pushed"

# Run again: the branch already contains main.
expect_code 0 bash "$merge_script" --target main --branch feature --push
expect_contains "already contains 'main'"

# A dirty work tree is refused.
echo "-- edit" >>db/schema/app.sql
expect_code 2 bash "$merge_script" --target main
expect_contains "uncommitted changes"
git checkout -q -- db/schema/app.sql

# 2. Free of conflicts but the merged schema does not verify (a table without its migration):
# nothing is committed or pushed, and the report says how to see why.
dev="$E2E_TMP/hosted-dev"
git -C "$dev" checkout -q -b nomig main
printf '\nCREATE TABLE notes (\n  id bigint PRIMARY KEY\n);\n' >>"$dev/db/schema/app.sql"
git -C "$dev" commit -q --no-verify -am "notes, no migration"
git -C "$dev" push -q --no-verify origin nomig
git -C "$dev" checkout -q main
printf '\nCREATE TABLE tags (\n  id bigint PRIMARY KEY\n);\n' >>"$dev/db/schema/app.sql"
printf 'CREATE TABLE tags (id bigint PRIMARY KEY);\n' >"$dev/db/migrations/20240104000000_tags.sql"
git -C "$dev" add -A db
git -C "$dev" commit -q --no-verify -m "tags"
git -C "$dev" push -q --no-verify origin main
ci4="$E2E_TMP/ci4"
ci_clone hosted "$ci4" nomig
nomig_head=$(git -C "$ci4" rev-parse HEAD)
cd "$ci4"
expect_code 4 bash "$merge_script" --target main --branch nomig --push \
  --summary "$E2E_TMP/summary4.md" --bin-dir "$PGSTATE_BIN_DIR"
expect_contains "table public.notes is in the desired state but baseline + migrations do not create it"
expect_contains "the merged schema does not verify"
[ "$(git rev-parse HEAD)" = "$nomig_head" ] || fail "HEAD moved after a merge that does not verify"
[ -z "$(git status --porcelain)" ] || { git status --short >&2; fail "files left behind"; }
[ "$(git -C "$E2E_TMP/hosted.git" rev-parse refs/heads/nomig)" = "$nomig_head" ] ||
  fail "a merge that does not verify was pushed"
grep -q 'pgstate verify --merge-with origin/main' "$E2E_TMP/summary4.md" ||
  fail "summary does not say how to see why"
# Asked not to verify, the script reports the merge as clean.
expect_code 0 bash "$merge_script" --target main --no-verify-schema --bin-dir "$PGSTATE_BIN_DIR"
expect_contains "the schema merges cleanly"
git reset -q --hard "$nomig_head"

# 3. A real conflict: both sides change the same column differently. Nothing is committed or
# pushed and the checkout is left as it was.
git -C "$dev" checkout -q -b retype main
sed -i 's/email text NOT NULL/email varchar(200) NOT NULL/' "$dev/db/schema/app.sql"
git -C "$dev" commit -q --no-verify -am "email varchar"
git -C "$dev" push -q --no-verify origin retype
git -C "$dev" checkout -q main
sed -i 's/email text NOT NULL/email citext NOT NULL/' "$dev/db/schema/app.sql"
git -C "$dev" commit -q --no-verify -am "email citext"
git -C "$dev" push -q --no-verify origin main
ci2="$E2E_TMP/ci2"
ci_clone hosted "$ci2" retype
retype_head=$(git -C "$ci2" rev-parse HEAD)
cd "$ci2"
expect_code 1 bash "$merge_script" --target main --branch retype --push \
  --summary "$E2E_TMP/summary2.md" --bin-dir "$PGSTATE_BIN_DIR"
expect_contains "the schema does not merge cleanly: a real conflict in db/schema/app.sql"
[ "$(git rev-parse HEAD)" = "$retype_head" ] || fail "HEAD moved after a conflict"
[ -z "$(git status --porcelain)" ] || { git status --short >&2; fail "conflict left files behind"; }
[ "$(git -C "$E2E_TMP/hosted.git" rev-parse refs/heads/retype)" = "$retype_head" ] ||
  fail "a conflicted merge was pushed"
grep -q '\*\*conflicts\*\*' "$E2E_TMP/summary2.md" || fail "summary does not report the conflict"

# 4. A repository that never ran `pgstate init`: the script configures the driver for this merge
# only, and nothing init would write ends up in the merge commit or the work tree.
make_remote plain no
ci3="$E2E_TMP/ci3"
ci_clone plain "$ci3" feature
cd "$ci3"
expect_code 0 bash "$merge_script" --target main --bin-dir "$PGSTATE_BIN_DIR"
expect_contains "the schema merges cleanly"
[ "$(git rev-list --parents -n 1 HEAD | wc -w)" = 3 ] || fail "no merge commit in the plain repo"
[ "$(git diff --name-only HEAD^1 HEAD)" = "db/schema/app.sql" ] ||
  fail "the merge commit changed more than the schema file: $(git diff --name-only HEAD^1 HEAD)"
[ -z "$(git status --porcelain --untracked-files=all)" ] ||
  { git status --short >&2; fail "pgstate init left files in the work tree"; }
for table in users orders invoices; do
  grep -q "^CREATE TABLE $table (" db/schema/app.sql || fail "table $table missing (plain repo)"
done

echo "ok: server-side merge"
