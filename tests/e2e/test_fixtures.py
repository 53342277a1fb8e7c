"""Every rule fixture and the corpus, run through the built binary.

- every `# expect: CODE` marker of a rule this build has is reported on that
  line, and nothing else is reported (`# todo-expect:` marks known gaps);
- fixes applied with --fix --unsafe-fixes leave code that Python parses, that
  equals fixture.fixed.py where one exists, and on which a second run has
  nothing left to fix;
- the SARIF of each fixture matches its golden snapshot and validates
  against the SARIF 2.1.0 schemas.
"""
import ast
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
BUILD = Path(os.environ.get("B", ROOT / "build"))
FIXTURES = sorted(ROOT.glob("rules/*/fixture.py"))
MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*(?:#|$)")


def run(*args, cwd=None, check_codes=(0, 1)):
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode in check_codes, f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p


def known_rules():
    return {c for c in (f"ORM{n:03d}" for n in range(1, 100)) if subprocess.run(
        [ORMLINT, "rule", c], capture_output=True).returncode == 0}


RULES = known_rules()


def expected(path):
    """(line, code) -> how many findings: `# expect: ORM002, ORM002` is two."""
    out = Counter()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.search(line)
        if m:
            out.update((i, c.strip()) for c in m.group(1).split(",") if c.strip() in RULES)
    return out


def reported(results):
    return Counter((r["line"], r["code"]) for r in results)


def project(tmp_path, files):
    """A throwaway project (pyproject.toml marks its root) holding files."""
    (tmp_path / "pyproject.toml").write_text("")
    for src in files:
        shutil.copy(src, tmp_path / src.name)
    return tmp_path


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_fixture_markers(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    results = json.loads(run("--format", "json", ".", cwd=proj).stdout)
    exp = expected(fixture)
    got = reported(results)
    assert not exp - got, f"expected but not reported: {sorted((exp - got).elements())}"
    assert not got - exp, f"reported but not expected: {sorted((got - exp).elements())}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_fixture_fixes_converge(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    target = proj / fixture.name
    before = json.loads(run("--format", "json", ".", cwd=proj).stdout)
    run("--fix", "--unsafe-fixes", ".", cwd=proj)
    fixed = target.read_text(encoding="utf-8")
    ast.parse(fixed, filename=str(target))  # Python's own parser is the judge
    golden = fixture.with_name("fixture.fixed.py")
    if golden.exists():
        assert fixed == golden.read_text(encoding="utf-8")
    after = json.loads(run("--format", "json", ".", cwd=proj).stdout)
    assert not [r for r in after if r["fix"]], "a second run still has fixes"
    assert len(after) < len(before) or not [r for r in before if r["fix"]]
    run("--fix", "--unsafe-fixes", ".", cwd=proj)
    assert target.read_text(encoding="utf-8") == fixed, "a second --fix changed the file"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_fixture_after_snippets_parse(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    for r in json.loads(run("--format", "json", ".", cwd=proj).stdout):
        if r["fix"]:
            ast.parse(r["fix"]["after"])
            ast.parse(r["fix"]["before"])


def test_corpus_markers():
    app = ROOT / "corpus" / "softfactory"
    results = json.loads(run("--format", "json", ".", cwd=app).stdout)
    exp = Counter()
    for f in sorted(app.rglob("*.py")):
        rel = f.relative_to(app).as_posix()
        exp.update({(rel, line, code): n for (line, code), n in expected(f).items()})
    got = Counter((r["path"], r["line"], r["code"]) for r in results)
    assert not exp - got, f"expected but not reported: {sorted((exp - got).elements())}"
    assert not got - exp, f"reported but not expected: {sorted((got - exp).elements())}"


def sarif_of(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    out = tmp_path / "out.sarif"
    run("--format", "sarif", "-o", str(out), ".", cwd=proj)
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_sarif_golden(tmp_path, fixture):
    out = sarif_of(tmp_path, fixture)
    norm = subprocess.run(["/usr/bin/python3", str(ROOT / "tests/sarif/normalize.py"), str(out)],
                          capture_output=True, text=True, check=True).stdout
    golden = ROOT / "tests" / "golden" / f"{fixture.parent.name}.sarif"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(norm, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with UPDATE_GOLDEN=1"
    assert norm == golden.read_text(encoding="utf-8"), f"SARIF differs from {golden}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_sarif_schema(tmp_path, fixture):
    out = sarif_of(tmp_path, fixture)
    p = subprocess.run(["sh", str(ROOT / "tests/sarif/validate.sh"), str(out), str(BUILD)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr


def test_corpus_sarif_schema(tmp_path):
    out = tmp_path / "corpus.sarif"
    run("--format", "sarif", "-o", str(out), ".", cwd=ROOT / "corpus" / "softfactory")
    p = subprocess.run(["sh", str(ROOT / "tests/sarif/validate.sh"), str(out), str(BUILD)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
