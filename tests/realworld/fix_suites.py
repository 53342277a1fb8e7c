"""make realworld-fixes: each public application of suites.json that has
been fetched (a bare mirror under $MIRRORS, default /work/.mirror, as
<owner>+<name>/repo), exported at its pinned ref to a scratch directory,
runs its own test suite as written and again after `ormlint --fix
--unsafe-fixes` on a copy; the pass/fail counts are printed side by side
with the fixes applied. Nothing is downloaded: an application not fetched
is skipped with a note. Exit 1 when a test that passed fails after the fixes.

    ORMLINT=build/ormlint /usr/bin/python3 tests/realworld/fix_suites.py
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORMLINT = os.path.abspath(os.environ.get("ORMLINT", HERE.parents[1] / "build" / "ormlint"))
MIRRORS = Path(os.environ.get("MIRRORS", "/work/.mirror"))


def export(mirror, ref, dest):
    archive = subprocess.run(["git", "--git-dir", str(mirror), "archive", ref], capture_output=True, check=True)
    subprocess.run(["tar", "x", "-C", str(dest)], input=archive.stdout, check=True)


def run_suite(app, tests):
    """{test id: outcome} from pytest's report."""
    p = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", tests],
                       cwd=app, capture_output=True, text=True, timeout=1800,
                       env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    outcomes = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)", line)
        if m:
            outcomes[m.group(2)] = m.group(1)
    return outcomes


def counts(outcomes):
    return {k: sum(1 for v in outcomes.values() if v == k) for k in ("PASSED", "FAILED", "ERROR", "SKIPPED")}


def main():
    suites = json.loads((HERE / "suites.json").read_text())
    worse = False
    print(f"{'application':45} {'before':>22} {'after':>22}  fixes")
    for s in suites:
        mirror = MIRRORS / s["repository"].replace("/", "+") / "repo"
        if not mirror.exists():
            print(f"{s['repository']:45} not fetched: skipped")
            continue
        with tempfile.TemporaryDirectory(prefix="ormlint-rwfix.") as tmp:
            before = Path(tmp) / "before"
            before.mkdir()
            export(mirror, s["ref"], before)
            after = Path(tmp) / "after"
            shutil.copytree(before, after)
            app_b, app_a = before / s["app"], after / s["app"]
            fix = subprocess.run([ORMLINT, "--fix", "--unsafe-fixes", "--no-cache", "--format", "json", "."],
                                 cwd=app_a, capture_output=True, text=True, timeout=600)
            diff = subprocess.run(["diff", "-ru", str(app_b), str(app_a)], capture_output=True, text=True).stdout
            applied = [l for l in diff.splitlines() if l.startswith("+++ ")]
            ob, oa = run_suite(app_b, s["tests"]), run_suite(app_a, s["tests"])
            cb, ca = counts(ob), counts(oa)
            fmt = lambda c: f"{c['PASSED']} pass {c['FAILED'] + c['ERROR']} fail"
            print(f"{s['repository']:45} {fmt(cb):>22} {fmt(ca):>22}  {len(applied)} files changed")
            for line in diff.splitlines():
                if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                    print(f"    {line[:150]}")
            newly = sorted(t for t, o in ob.items() if o == "PASSED" and oa.get(t) != "PASSED")
            for t in newly:
                print(f"    NEWLY FAILING: {t}")
            worse |= bool(newly) or ca["PASSED"] < cb["PASSED"]
            if fix.returncode == 2:
                print(f"    ormlint: {fix.stderr.strip()[:300]}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
