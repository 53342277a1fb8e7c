"""The oracle's session: build the variants of the app, run them, report.

Variants of corpus/softfactory, each run in its own process (runner.py):
  original   the app as written (in place)
  reference  a copy with the hand-written fixes of reference/ laid over it
  ormlint    a copy fixed by `$ORMLINT --fix --unsafe-fixes`
A service is judged on ormlint's fix when the binary exists and has every
rule the service needs (`$ORMLINT rule ORM00N` exits 0), else on the
reference fix. Results are collected once, in parallel, before the first
test; the tests only compare.
"""
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import catalog  # noqa: E402

APP = catalog.APP
REFERENCE = catalog.REFERENCE
RUNNER = os.path.join(HERE, "runner.py")
RUN_TIMEOUT = 300


def _databases():
    dbs = ["sqlite"]
    if os.environ.get("ORACLE_PG_HOST"):
        dbs.append("postgresql")
    return dbs


def _copy_app(dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(APP, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.db"))


def _tree_diff(a, b):
    """Unified diff of the .py files of two trees (what a fix changed)."""
    out = []
    for dirpath, _, files in os.walk(b):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            new = os.path.join(dirpath, name)
            rel = os.path.relpath(new, b)
            old = os.path.join(a, rel)
            old_lines = open(old, encoding="utf-8").readlines() if os.path.exists(old) else []
            new_lines = open(new, encoding="utf-8", errors="replace").readlines()
            out.extend(difflib.unified_diff(old_lines, new_lines, "a/" + rel, "b/" + rel))
    return "".join(out)


class Ormlint:
    """The ormlint binary under test, or its absence."""

    def __init__(self, path):
        self.path = path
        self.present = False
        self.reason = ""
        self.rules = {}
        if not path:
            self.reason = "ORMLINT is not set"
        else:
            found = path if os.sep in path else shutil.which(path)
            if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
                self.reason = f"{path} does not exist or is not executable"
            else:
                self.path = os.path.abspath(found)
                self.present = True

    def has_rule(self, code):
        if not self.present:
            return False
        if code not in self.rules:
            try:
                rc = subprocess.run([self.path, "rule", code], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=30).returncode
            except (OSError, subprocess.TimeoutExpired):
                rc = -1
            self.rules[code] = rc == 0
        return self.rules[code]

    def fix(self, tree, log_path):
        """Run --fix --unsafe-fixes on tree; return an error text or None."""
        cmd = [self.path, "--fix", "--unsafe-fixes", tree]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(cmd)}: {exc}"
        with open(log_path, "w", encoding="utf-8") as f:
            f.write(f"$ {' '.join(cmd)}\nexit {proc.returncode}\n--- stdout\n{proc.stdout}\n"
                    f"--- stderr\n{proc.stderr}\n")
        if proc.returncode not in (0, 1):
            return (f"{' '.join(cmd)} exited {proc.returncode} (0 or 1 expected)\n"
                    f"{proc.stderr[-3000:]}")
        return None


class Oracle:
    def __init__(self, work):
        self.work = work
        self.ormlint = Ormlint(os.environ.get("ORMLINT", ""))
        self.databases = _databases()
        self.fix_kind = {}
        for service in catalog.SERVICES:
            covered = self.ormlint.present and all(self.ormlint.has_rule(r) for r in service.rules)
            self.fix_kind[service.name] = "ormlint" if covered else "reference"
        self.trees = {"original": APP}
        self.tree_error = {}
        self.results = {}
        self.notes = []
        self.lines = {}

    # -- variants --------------------------------------------------------
    def build_trees(self):
        ref = os.path.join(self.work, "reference", "softfactory")
        _copy_app(ref)
        for dirpath, _, files in os.walk(REFERENCE):
            for name in files:
                if name.endswith(".py"):
                    src = os.path.join(dirpath, name)
                    dst = os.path.join(ref, os.path.relpath(src, REFERENCE))
                    if not os.path.exists(dst):
                        raise RuntimeError(f"reference {src} overlays no module of the app")
                    shutil.copyfile(src, dst)
        self.trees["reference"] = ref
        if "ormlint" in self.fix_kind.values():
            tree = os.path.join(self.work, "ormlint", "softfactory")
            _copy_app(tree)
            log = os.path.join(self.work, "ormlint-fix.log")
            error = self.ormlint.fix(tree, log)
            diff = _tree_diff(APP, tree)
            with open(os.path.join(self.work, "ormlint-fix.diff"), "w", encoding="utf-8") as f:
                f.write(diff)
            changed = sum(1 for line in diff.splitlines() if line.startswith("+++ "))
            self.notes.append(f"oracle: ormlint --fix --unsafe-fixes changed {changed} file(s); "
                              f"log {log}, diff {os.path.join(self.work, 'ormlint-fix.diff')}")
            self.trees["ormlint"] = tree
            if error:
                self.tree_error["ormlint"] = error

    # -- runs ------------------------------------------------------------
    def run_all(self):
        started = time.perf_counter()
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        jobs = []
        for db in self.databases:
            for variant, tree in self.trees.items():
                if variant in self.tree_error:
                    continue
                if variant == "original":
                    names = [s.name for s in catalog.SERVICES]
                else:
                    names = [n for n, kind in self.fix_kind.items() if kind == variant]
                if names:
                    jobs.append((variant, db, ["--services", ",".join(names)]))
            jobs.append(("pattern3", db, ["--check", "pattern3"]))
        procs = []
        for variant, db, extra in jobs:
            root = self.trees["original" if variant == "pattern3" else variant]
            out = os.path.join(self.work, f"result-{variant}-{db}.json")
            cmd = [sys.executable, RUNNER, "--root", root, "--db", db, "--tag", variant,
                   "--out", out] + extra
            log = open(os.path.join(self.work, f"runner-{variant}-{db}.log"), "w")
            procs.append((variant, db, out, log,
                          subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                           cwd=self.work)))
        for variant, db, out, log, proc in procs:
            try:
                rc = proc.wait(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = "timeout"
            log.close()
            if os.path.exists(out):
                with open(out, encoding="utf-8") as f:
                    self.results[(variant, db)] = json.load(f)
            else:
                with open(log.name, encoding="utf-8", errors="replace") as f:
                    self.results[(variant, db)] = {
                        "error": f"runner exited {rc} without a result:\n{f.read()[-3000:]}",
                        "services": {}}
        self.notes.append(f"oracle: {len(jobs)} app runs in {time.perf_counter() - started:.1f}s "
                          f"(work dir {self.work})")

    def result(self, variant, db, service=None):
        if variant in self.tree_error:
            return {"error": self.tree_error[variant]}
        run = self.results.get((variant, db), {"error": "not run"})
        if run.get("error"):
            return {"error": run["error"]}
        if service is None:
            return run
        return run["services"].get(service, {"error": f"service {service} missing from the run"})


_ORACLE = None


@pytest.fixture(scope="session")
def oracle():
    global _ORACLE
    work = os.environ.get("ORACLE_WORK") or tempfile.mkdtemp(prefix="ormlint-oracle-")
    os.makedirs(work, exist_ok=True)
    _ORACLE = Oracle(work)
    if not _ORACLE.ormlint.present:
        _ORACLE.notes.append(f"oracle: ormlint not available ({_ORACLE.ormlint.reason}): "
                             "every rule treated as absent, reference fixes used")
    else:
        present = sorted(code for code, ok in _ORACLE.ormlint.rules.items() if ok)
        _ORACLE.notes.append(f"oracle: ormlint {_ORACLE.ormlint.path}, rules present among those "
                             f"needed: {', '.join(present) or 'none'}")
    if "postgresql" not in _ORACLE.databases:
        _ORACLE.notes.append("oracle: ORACLE_PG_HOST not set: PostgreSQL skipped "
                             "(corpus/oracle/run.sh starts a cluster)")
    _ORACLE.build_trees()
    _ORACLE.run_all()
    return _ORACLE


def pytest_terminal_summary(terminalreporter):
    if _ORACLE is None:
        return
    write = terminalreporter.write_line
    for note in _ORACLE.notes:
        write(note)
    for service in catalog.SERVICES:
        for db in ("sqlite", "postgresql"):
            if (service.name, db) in _ORACLE.lines:
                write(_ORACLE.lines[(service.name, db)])
