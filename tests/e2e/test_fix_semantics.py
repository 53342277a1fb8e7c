"""Fixes proven by running them: each case under semantics/cases/ is a
function run() over a small Flask-SQLAlchemy app (semantics/models.py, data
in semantics/runner.py), on in-memory SQLite and on a throwaway PostgreSQL
15 cluster (semantics/pg.py; SQLite accepts and coerces what PostgreSQL
does not). The case as written and
the case after `ormlint --fix --unsafe-fixes` must return the same result;
the fixed one must not issue more SQL statements, except where the original
was answered from the session's identity map (documented below).

Fixes through calls are proven the same way: a helper, a method and a
property that read a relationship of the rows, and rows returned by a
function in the case's file or in models.py (whose query the fix edits).
Cases known not to be covered yet are left out: a poll loop without a sleep."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import sys
sys.path.insert(0, str(Path(__file__).resolve().parent / "semantics"))
import pg  # noqa: E402

HERE = Path(__file__).resolve().parent / "semantics"
ORMLINT = os.environ["ORMLINT"]
CASES = sorted((HERE / "cases").glob("*.py"))
# session.get(M, key) for rows already in the identity map costs no SQL before
# the fix; the batched IN query is one statement more.
IDENTITY_MAP = {"c15_selectinload_import", "c27_nested"}


@pytest.fixture(scope="module")
def postgres():
    if not pg.available():
        pytest.skip("PostgreSQL 15 or python3-psycopg2 is not installed")
    cluster = pg.Cluster()
    yield cluster
    cluster.stop()


def run_case(d: Path, url=None):
    env = dict(os.environ, **({"SEMANTICS_DB_URL": url} if url else {}))
    p = subprocess.run(["/usr/bin/python3", str(HERE / "runner.py"), str(d)], capture_output=True, text=True,
                       timeout=60, env=env)
    lines = p.stdout.splitlines()
    result = [l for l in lines if l.startswith(("RESULT", "EXC"))]
    count = [int(l.split()[1]) for l in lines if l.startswith("STATEMENTS")]
    assert result and count, p.stdout + p.stderr
    return result[0], count[0]


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fix_keeps_results(tmp_path, case, db, request):
    urls = [None, None]
    if db == "postgresql":
        cluster = request.getfixturevalue("postgres")
        urls = [cluster.new_database(), cluster.new_database()]
    for name in ("orig", "fixed"):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(case, d / "case.py")
        shutil.copy(HERE / "models.py", d / "models.py")
        (d / "pyproject.toml").write_text("")
        # `# requirements: SQLAlchemy>=1.3,<1.4` in a case: the project's requirements.txt
        for line in case.read_text().splitlines():
            if line.startswith("# requirements: "):
                (d / "requirements.txt").write_text(line[len("# requirements: "):] + "\n")
    subprocess.run([ORMLINT, "--fix", "--unsafe-fixes", "."], cwd=tmp_path / "fixed", capture_output=True, timeout=60)
    fixed = (tmp_path / "fixed" / "case.py").read_text()
    compile(fixed, "case.py", "exec")
    compile((tmp_path / "fixed" / "models.py").read_text(), "models.py", "exec")
    before, n_before = run_case(tmp_path / "orig", urls[0])
    after, n_after = run_case(tmp_path / "fixed", urls[1])
    assert after == before, f"the fix changed the result\n--- fixed code:\n{fixed}"
    if case.stem not in IDENTITY_MAP:
        assert n_after <= n_before, f"{n_before} -> {n_after} statements\n--- fixed code:\n{fixed}"
