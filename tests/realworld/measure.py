#!/usr/bin/python3
"""make realworld: ormlint's precision and recall on public applications.

labels.json holds an expert's verdicts on findings (locations only, never
code): `tp` (a maintainer would act on it), `fp` (noise), `fn` (a real
problem ormlint should report there). For every repository it names whose
git mirror has been fetched (ORMLINT_MIRRORS, default /work/.mirror, one
<owner>+<name>/repo bare directory each), the labelled commit is exported to
build/realworld/, ormlint runs on it, and each finding is matched to a label
by path, line and rule. Repositories not fetched are skipped with a message.
Never part of make test or CI: it needs the mirrors and reads no network.
With --templates: only findings in Jinja templates, against template_labels.json.
With --classes (or CLASSES=1 make realworld): how many of the problems
labelled as missed (`fn`, with the construct as their class) are found now.
VERBOSE=1 lists the findings nobody labelled yet.
"""
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MIRRORS = Path(os.environ.get("ORMLINT_MIRRORS", "/work/.mirror"))
WORK = Path(os.environ.get("B", ROOT / "build")).resolve() / "realworld"
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
RULES = ["ORM001", "ORM002", "ORM003", "ORM004", "ORM005", "ORM006", "ORM007"]


def export(repo, commit):
    """The commit's tree under build/realworld/<owner+name>-<commit>, or None."""
    git_dir = MIRRORS / repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        return None
    out = WORK / f"{repo.replace('/', '+')}-{commit[:12]}"
    if not (out / ".exported").exists():
        out.mkdir(parents=True, exist_ok=True)
        # Blobs the snapshot lacks (files of 4 MiB and more) are left out:
        # git archive stops at the first missing one, so export file by file.
        names = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z",
                                "--name-only", commit], capture_output=True, check=True).stdout
        for name in filter(None, names.split(b"\0")):
            rel = name.decode("utf-8", "surrogateescape")
            if not (rel.endswith(".py") or rel.endswith((".toml", ".cfg", ".txt", "Pipfile"))
                    or "templates/" in rel):
                continue
            blob = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{rel}"],
                                  capture_output=True)
            if blob.returncode:
                continue
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(blob.stdout)
        (out / ".exported").write_text(commit)
    # The export is its own project (a repository without pyproject.toml or
    # setup.cfg would otherwise take this repository's root, around it).
    (out / ".git").mkdir(exist_ok=True)
    return out


def run(tree):
    p = subprocess.run([ORMLINT, "--no-cache", "--format", "json", "."], cwd=tree,
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"realworld: ormlint failed on {tree}: {p.stderr[-500:]}")
    return json.loads(p.stdout)


def main():
    # `--templates`: the findings in Jinja templates only, against template_labels.json.
    templates = "--templates" in sys.argv[1:]
    labels = json.loads((HERE / ("template_labels.json" if templates else "labels.json")).read_text())
    by_repo = collections.defaultdict(list)
    for lab in labels:
        by_repo[(lab["repository"], lab["commit"])].append(lab)
    tp, fp, unl, fn_all, fn_found, cls_all, cls_found, unsure = (
        collections.Counter() for _ in range(8))
    unlabeled = []
    for (repo, commit), labs in sorted(by_repo.items()):
        tree = export(repo, commit)
        if tree is None:
            print(f"realworld: {repo} not fetched ({MIRRORS}), skipped")
            continue
        verdict = {(l["path"], l["line"], l["rule"]): l["verdict"] for l in labs}
        doubt = {(l["path"], l["line"], l["rule"]) for l in labs if "unsure" in l.get("reason", "")}
        found = set()
        for f in run(tree):
            if templates and f["path"].endswith(".py"):
                continue
            key = (f["path"], f["line"], f["code"])
            found.add(key)
            v = verdict.get(key)
            if v == "tp" or v == "fn":
                tp[f["code"]] += 1
            elif v == "fp":
                fp[f["code"]] += 1
                unsure[f["code"]] += key in doubt
            else:
                unl[f["code"]] += 1
                unlabeled.append(f"{repo} {f['path']}:{f['line']} {f['code']} {f['message'][:110]}")
        for l in labs:
            if l["verdict"] in ("tp", "fn"):
                fn_all[l["rule"]] += 1
                fn_found[l["rule"]] += (l["path"], l["line"], l["rule"]) in found
            if l["verdict"] == "fn":
                cls_all[(l["rule"], l["class"] or "-")] += 1
                cls_found[(l["rule"], l["class"] or "-")] += (l["path"], l["line"], l["rule"]) in found
        print(f"realworld: {repo} @ {commit[:12]}: {len(found)} findings")
    # `unsure`: fp verdicts whose reason says the reviewer was unsure (a judgement call:
    # the cost does grow with the data, but a maintainer may well not act). They count as fp.
    print(f"{'rule':8} {'tp':>5} {'fp':>5} {'unlab':>6} {'precision':>10} {'recall':>12} {'fp unsure':>10}")
    for r in RULES:
        n = tp[r] + fp[r]
        prec = f"{tp[r] / n:.2f}" if n else "-"
        rec = f"{fn_found[r]}/{fn_all[r]} {fn_found[r] / fn_all[r]:.2f}" if fn_all[r] else "-"
        print(f"{r:8} {tp[r]:5} {fp[r]:5} {unl[r]:6} {prec:>10} {rec:>12} {unsure[r]:10}")
    if "--classes" in sys.argv[1:] or os.environ.get("CLASSES"):
        print("missed problems (verdict fn) found now, by rule and construct:")
        for k in sorted(cls_all):
            print(f"  {k[0]:8} {k[1]:24} {cls_found[k]:3}/{cls_all[k]}")
    if unlabeled and os.environ.get("VERBOSE"):
        print("unlabeled findings:")
        print("\n".join(unlabeled))


if __name__ == "__main__":
    main()
