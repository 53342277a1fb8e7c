"""Every rule fixture and the corpus, run through the built binary.

- every `# expect: CODE` marker of a rule this build has is reported on that
  line, and nothing else is reported (`# todo-expect:` marks known gaps);
  a rule's fixture is its fixture.py, or a project directory fixture_<name>/
  (packages, imports across files) with markers in any of its files;
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
FIXTURES = sorted([*ROOT.glob("rules/*/fixture.py"),
                   *(d for d in ROOT.glob("rules/*/fixture_*") if d.is_dir())])


ARGS = re.compile(r"^#\s*ormlint-args:\s*(.+)$", re.M)


def args_of(fixture):
    """Options a fixture runs with: a `# ormlint-args: --select ORM` line in
    its fixture.py (or a fixture directory's ormlint-args file)."""
    f = fixture if fixture.is_file() else fixture / "ormlint-args"
    if not f.exists():
        return []
    m = ARGS.search(f.read_text(encoding="utf-8")) if f.suffix == ".py" else None
    return (m.group(1) if m else f.read_text(encoding="utf-8") if f.suffix != ".py" else "").split()


def fixture_id(p):
    return p.parent.name if p.is_file() else f"{p.parent.name}.{p.name}"
MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*(?:#|$)")


def run(*args, cwd=None, check_codes=(0, 1)):
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode in check_codes, f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
    return p


def known_rules():
    return {c for c in (f"ORM{n:03d}" for n in range(1, 200)) if subprocess.run(
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


def project(tmp_path, files):
    """A throwaway project (pyproject.toml marks its root) holding files, or
    the tree of a fixture directory."""
    (tmp_path / "pyproject.toml").write_text("")
    for src in files:
        if src.is_dir():
            shutil.copytree(src, tmp_path, dirs_exist_ok=True)
        else:
            shutil.copy(src, tmp_path / src.name)
    return tmp_path


TEMPLATE_SUFFIXES = {".html", ".htm", ".jinja", ".jinja2", ".j2"}


def sources(fixture):
    """(path relative to the project, file) of every Python file and Jinja
    template (`{# expect: ORM002 #}` markers) of a fixture."""
    if fixture.is_file():
        return [(fixture.name, fixture)]
    return [(f.relative_to(fixture).as_posix(), f) for f in sorted(fixture.rglob("*"))
            if f.is_file() and (f.suffix == ".py" or f.suffix in TEMPLATE_SUFFIXES)
            and not f.name.endswith(".fixed.py")]


def expected_in(fixture):
    """(path, line, code) -> how many findings, over every file of a fixture."""
    exp = Counter()
    for rel, f in sources(fixture):
        exp.update({(rel, line, code): n for (line, code), n in expected(f).items()})
    return exp


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_fixture_markers(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    p = run("--format", "json", *args_of(fixture), ".", cwd=proj)
    assert "ormlint bug" not in p.stderr, p.stderr  # a fix withheld for a reason of ours
    results = json.loads(p.stdout)
    exp = expected_in(fixture)
    got = Counter((r["path"], r["line"], r["code"]) for r in results)
    assert not exp - got, f"expected but not reported: {sorted((exp - got).elements())}"
    assert not got - exp, f"reported but not expected: {sorted((got - exp).elements())}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_fixture_fixes_converge(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    extra = args_of(fixture)
    before = json.loads(run("--format", "json", *extra, ".", cwd=proj).stdout)
    run("--fix", "--unsafe-fixes", *extra, ".", cwd=proj)
    fixed = {}
    for rel, src in sources(fixture):
        target = proj / rel
        fixed[rel] = target.read_text(encoding="utf-8")
        if src.suffix in TEMPLATE_SUFFIXES:
            assert fixed[rel] == src.read_text(encoding="utf-8"), "a fix edited a template"
            continue
        ast.parse(fixed[rel], filename=str(target))  # Python's own parser is the judge
        golden = src.with_name(src.stem + ".fixed.py")
        if golden.exists():
            assert fixed[rel] == golden.read_text(encoding="utf-8"), rel
    after = json.loads(run("--format", "json", *extra, ".", cwd=proj).stdout)
    assert not [r for r in after if r["fix"]], "a second run still has fixes"
    assert len(after) < len(before) or not [r for r in before if r["fix"]]
    run("--fix", "--unsafe-fixes", *extra, ".", cwd=proj)
    for rel, _ in sources(fixture):
        assert (proj / rel).read_text(encoding="utf-8") == fixed[rel], "a second --fix changed " + rel


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_fixture_after_snippets_parse(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    for r in json.loads(run("--format", "json", *args_of(fixture), ".", cwd=proj).stdout):
        if r["fix"]:
            ast.parse(r["fix"]["after"])
            ast.parse(r["fix"]["before"])


def test_corpus_markers():
    app = ROOT / "corpus" / "softfactory"
    results = json.loads(run("--format", "json", ".", cwd=app).stdout)
    exp = expected_in(app)
    got = Counter((r["path"], r["line"], r["code"]) for r in results)
    assert not exp - got, f"expected but not reported: {sorted((exp - got).elements())}"
    assert not got - exp, f"reported but not expected: {sorted((got - exp).elements())}"


def sarif_of(tmp_path, fixture):
    proj = project(tmp_path, [fixture])
    out = tmp_path / "out.sarif"
    run("--format", "sarif", "-o", str(out), *args_of(fixture), ".", cwd=proj)
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_sarif_golden(tmp_path, fixture):
    out = sarif_of(tmp_path, fixture)
    norm = subprocess.run(["/usr/bin/python3", str(ROOT / "tests/sarif/normalize.py"), str(out)],
                          capture_output=True, text=True, check=True).stdout
    golden = ROOT / "tests" / "golden" / f"{fixture_id(fixture)}.sarif"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(norm, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with UPDATE_GOLDEN=1"
    assert norm == golden.read_text(encoding="utf-8"), f"SARIF differs from {golden}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
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
