#!/usr/bin/env python3
"""Generates the benchmark repository for tests/bench/changes_bench.sh.

A large tree (--files small text files under src/) and a long history (--commits commits, each
touching a few of those files). The real schema file of the corpus (bike_index's
db/structure.sql, 130 versions sorted by merge date) is committed as db/schema/structure.sql,
one version every few commits, and a migration is added now and then, so that a range of
commits touches the schema the way a real project's history does.

The repository is written in one `git fast-import` run; nothing else is needed.
Usage: changes_gen.py <out-dir> <corpus-dir> [--files N] [--commits N]
"""

import argparse
import glob
import json
import os
import random
import subprocess
import sys


def schema_versions(corpus):
    cases = []
    for meta_path in glob.glob(os.path.join(corpus, "merges", "bike_index", "*", "meta.json")):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("path") != "db/structure.sql":
            continue
        case = os.path.dirname(meta_path)
        cases.append((meta.get("merge_date", ""), os.path.basename(case), case))
    cases.sort()
    versions = []
    for _, _, case in cases:
        with open(os.path.join(case, "actual.sql"), "rb") as f:
            versions.append(f.read())
    return versions


def data(out, payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("corpus")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--commits", type=int, default=3000)
    args = ap.parse_args()

    versions = schema_versions(args.corpus)
    if not versions:
        sys.exit("no bike_index cases under %s" % args.corpus)
    rng = random.Random(42)
    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    proc = subprocess.Popen(["git", "-C", args.out, "fast-import", "--quiet"],
                            stdin=subprocess.PIPE)
    out = proc.stdin

    per_dir = 100
    paths = ["src/d%03d/f%05d.txt" % (i // per_dir, i) for i in range(args.files)]
    # Schema versions are spread evenly over the history.
    every = max(1, args.commits // len(versions))
    version = 0
    when = 1500000000
    for n in range(args.commits):
        when += 600
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % when)
        data(out, b"commit %d" % n)
        if n == 0:
            for p in paths:
                out.write(b"M 100644 inline %s\n" % p.encode())
                data(out, ("file %s\n" % p).encode() * 8)
            out.write(b"M 100644 inline db/schema/structure.sql\n")
            data(out, versions[0])
            out.write(b"M 100644 inline db/baseline.sql\n")
            data(out, b"")
        else:
            for p in rng.sample(paths, 3):
                out.write(b"M 100644 inline %s\n" % p.encode())
                data(out, ("file %s changed in %d\n" % (p, n)).encode() * 8)
            if n % every == 0 and version + 1 < len(versions):
                version += 1
                out.write(b"M 100644 inline db/schema/structure.sql\n")
                data(out, versions[version])
            if n % 97 == 0:
                name = "db/migrations/%d_step_%d.sql" % (20200101000000 + n, n)
                out.write(b"M 100644 inline %s\n" % name.encode())
                data(out, b"SELECT %d;\n" % n)
        out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", args.out, "checkout", "-q", "-f", "main"], check=True)
    print("%d commits, %d files, %d schema versions" % (args.commits, args.files + 2, version + 1))


if __name__ == "__main__":
    main()
