"""Hostile and unusual inputs, through the built binary (DESIGN.md
"Pipeline" and "Exit codes"): a file that is partly parsed (syntax errors,
invalid UTF-8) or skipped (binary, not a regular file) is a notification
and leaves the exit code to the findings; a missing or unreadable path is
reported, everything else is still analysed, and the exit is 2. Positions
are lines and UTF-16 columns whatever the line endings. Fixes on disk: a
read-only file is refused and left intact, a fixed file keeps its mode,
--diff writes nothing and prints a diff `git apply` accepts, and a second
--fix run changes nothing."""
import ast
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import Ormlint, located, notes

# One query per iteration, on line 3, column 9 (8 spaces before it).
LOOP = "def f(bookings):\n    for b in bookings:\n        Chef.query.get(b.chef_id)\n"

# A project whose one finding has an unsafe fix (an IN query before the loop).
MODELS = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"), index=True)


def names(bookings: list[Booking]):
    out = []
    for b in bookings:
        chef = Chef.query.filter_by(id=b.chef_id).first()
        out.append(chef.name if chef else None)
    return out
'''


def utf16_col(prefix):
    """1-based UTF-16 column of the character after `prefix` on its line."""
    return len(prefix.encode("utf-16-le")) // 2 + 1


# ---- partly parsed files -------------------------------------------------


def test_syntax_errors_leave_the_rest_of_the_file_analysed(project, ormlint):
    (project / "views.py").write_text(
        "def broken(:\n"          # 1: error
        "    pass\n"
        "\n"
        "def f(bookings):\n"
        "    for b in bookings:\n"
        "        Chef.query.get(b.chef_id)\n"     # 6
        "\n"
        "x = (1,\n"                               # 8: never closed
        "def g(ids):\n"
        "    return [Chef.query.get(i) for i in ids]\n")
    p, run = ormlint.sarif(".")
    assert p.returncode == 1, p.stderr
    lines = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"])
    assert 6 in lines
    ns = [n for n in notes(run) if n[0] == "views.py"]
    assert len(ns) == 1, notes(run)
    uri, line, level, text = ns[0]
    assert line == 1 and level == "warning" and "syntax error" in text
    assert run["invocations"][0]["executionSuccessful"] is True


def test_syntax_error_after_the_finding(project, ormlint):
    (project / "views.py").write_text(LOOP + "\n\nclass Broken(\n")
    p, run = ormlint.sarif(".")
    assert p.returncode == 1
    assert [(n[0], n[1]) for n in notes(run)] == [("views.py", 6)]
    p, results = ormlint.json(".")
    assert located(results) == [("views.py", 3, 9)]


def test_invalid_utf8(project, ormlint):
    (project / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + LOOP.encode())
    (project / "same_line.py").write_bytes(
        b"def f(bookings):\n    for b in bookings:\n        x = '\xff\xfe'; Chef.query.get(b.chef_id)\n")
    (project / "ident.py").write_bytes(b"n\xe9 = 1\n" + LOOP.encode())  # breaks the parse too
    p, run = ormlint.sarif(".")
    assert p.returncode == 1, p.stderr
    assert sorted((n[0], n[1], n[2]) for n in notes(run) if "UTF-8" in n[3]) == [
        ("ident.py", 1, "warning"), ("latin.py", 2, "warning"), ("same_line.py", 3, "warning")]
    assert [n[:3] for n in notes(run) if "UTF-8" not in n[3]] == [("ident.py", 1, "warning")]
    # Output stays valid UTF-8 (json.loads above read it strictly); each
    # invalid byte counts as one UTF-16 unit, as its U+FFFD would.
    p, results = ormlint.json(".")
    assert located(results) == [("ident.py", 4, 9), ("latin.py", 5, 9), ("same_line.py", 3, 19)]
    text = ormlint(".")
    assert "same_line.py:3:19:" in text.stdout


# ---- skipped files ------------------------------------------------------------


def test_nul_byte_is_binary_and_skipped(project, ormlint):
    (project / "blob.py").write_bytes(b"x = 1\ny = '\x00'\n" + LOOP.encode())
    (project / "views.py").write_text(LOOP)
    p, run = ormlint.sarif(".")
    assert p.returncode == 1  # the findings of views.py decide
    assert [(n[0], n[1], n[2]) for n in notes(run)] == [("blob.py", 2, "warning")]
    assert "binary" in notes(run)[0][3]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["views.py"]
    (project / "views.py").unlink()
    p, run = ormlint.sarif(".")
    assert p.returncode == 0, "a skipped file is not an error"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_empty_file(project, ormlint):
    (project / "empty.py").write_bytes(b"")
    (project / "__init__.py").write_bytes(b"")
    p, run = ormlint.sarif(".")
    assert p.returncode == 0, p.stdout + p.stderr
    assert run["results"] == [] and notes(run) == []
    p, results = ormlint.json("empty.py")
    assert p.returncode == 0 and results == []


def test_fifo_is_skipped_and_never_blocks(project, ormlint):
    os.mkfifo(project / "x.py")
    (project / "views.py").write_text(LOOP)
    p, run = ormlint.sarif(".", timeout=20)
    assert p.returncode == 1
    assert [(n[0], n[2]) for n in notes(run)] == [("x.py", "warning")]
    assert "not a regular file" in notes(run)[0][3]
    p, results = ormlint.json("x.py", "views.py", timeout=20)  # named explicitly, as pre-commit does
    assert p.returncode == 1 and located(results) == [("views.py", 3, 9)]


def test_symlink_loops_are_not_followed(project, ormlint):
    pkg = project / "pkg"
    pkg.mkdir()
    (pkg / "views.py").write_text(LOOP)
    (pkg / "up").symlink_to("..", target_is_directory=True)  # pkg/up/pkg/up/...
    (pkg / "d1").symlink_to("d2")
    (pkg / "d2").symlink_to("d1")                            # a cycle of directory links
    (pkg / "a.py").symlink_to("b.py")
    (pkg / "b.py").symlink_to("a.py")                        # a cycle of file links
    (pkg / "self.py").symlink_to("self.py")
    p, results = ormlint.json(".", timeout=20)
    assert p.returncode == 1, p.stderr
    assert located(results) == [("pkg/views.py", 3, 9)], "reported once, never through the loop"
    p, run = ormlint.sarif(".", timeout=20)
    assert run["invocations"][0]["executionSuccessful"] is True
    assert all(n[2] == "warning" for n in notes(run)), notes(run)


# ---- line endings and columns ------------------------------------------------------


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings(project, ormlint, eol):
    src = ("def f(bookings):\n"
           "    for b in bookings:\n"
           "        Chef.query.get(b.chef_id)\n"
           "\n"
           "def g(ids):\n"
           "    return [Chef.query.get(i) for i in ids]\n")
    (project / "views.py").write_bytes(src.replace("\n", eol).encode())
    p, results = ormlint.json(".")
    assert p.returncode == 1
    assert located(results) == [("views.py", 3, 9), ("views.py", 6, 13)]
    assert all(r["end_line"] == r["line"] for r in results)
    p, run = ormlint.sarif(".")
    assert notes(run) == [], "Python reads these endings: no syntax error"
    text = ormlint(".").stdout
    assert "views.py:3:9:" in text and "views.py:6:13:" in text
    assert "\r" not in "".join(r["message"] for r in results)


def test_tabs_count_one_column(project, ormlint):
    (project / "views.py").write_text("def f(bookings):\n\tfor b in bookings:\n\t\tx = 1;\tChef.query.get(b.chef_id)\n")
    p, results = ormlint.json(".")
    assert located(results) == [("views.py", 3, 10)]
    assert results[0]["end_column"] == 10 + len("Chef.query.get(b.chef_id)")


@pytest.mark.parametrize("prefix", [
    "        \u00e9t\u00e9 = 1; ",                # 2-byte letters
    "        \u66f8\u7c4d = '\u20ac'; ",          # 3-byte letters and a 3-byte symbol
    "        \U0001d518 = '\U0001f600'; ",        # astral: two UTF-16 units each
    "        \u00e9 = '\U0001f600\u00e9\u4e2d'; ",
], ids=["2-byte", "3-byte", "astral", "mixed"])
def test_non_ascii_before_the_query_utf16_columns(project, ormlint, prefix):
    query = "Chef.query.get(b.chef_id)"
    (project / "views.py").write_text(f"def f(bookings):\n    for b in bookings:\n{prefix}{query}\n",
                                      encoding="utf-8")
    col = utf16_col(prefix)
    p, results = ormlint.json(".")
    assert located(results) == [("views.py", 3, col)]
    assert results[0]["end_column"] == col + len(query)
    p, run = ormlint.sarif(".")
    assert run["columnKind"] == "utf16CodeUnits"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (3, col, col + len(query))
    line_start = len("def f(bookings):\n    for b in bookings:\n".encode())
    assert region["byteOffset"] == line_start + len(prefix.encode())
    assert region["byteLength"] == len(query)


# ---- paths that cannot be read ----------------------------------------------------


def test_missing_path(project, ormlint):
    (project / "views.py").write_text(LOOP)
    p, run = ormlint.sarif("missing.py", "views.py")
    assert p.returncode == 2
    assert run["invocations"][0]["executionSuccessful"] is False
    assert [(n[0], n[2]) for n in notes(run)] == [("missing.py", "error")]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["views.py"]
    p = ormlint("views.py", "no/such/dir")
    assert p.returncode == 2
    assert "views.py:3:9:" in p.stdout and "no/such/dir" in p.stdout + p.stderr


@pytest.fixture
def world_readable_project():
    """A project user nobody can traverse (pytest's own tmp_path sits under a
    root-only directory)."""
    d = Path(tempfile.mkdtemp(prefix="ormlint-e2e-"))
    d.chmod(0o755)
    (d / "pyproject.toml").write_text("")
    try:
        yield d
    finally:
        for p in d.rglob("*"):
            if not p.is_symlink():
                p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(d)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_unreadable_file_as_nobody(world_readable_project):
    d = world_readable_project
    pkg = d / "pkg"
    pkg.mkdir(mode=0o755)
    (pkg / "views.py").write_text(LOOP)
    (pkg / "secret.py").write_text(LOOP)
    (pkg / "secret.py").chmod(0)
    for f in (d / "pyproject.toml", pkg / "views.py"):
        f.chmod(0o644)
    ormlint = Ormlint(d)
    p, run = ormlint.sarif(".", as_nobody=True)
    assert p.returncode == 2, p.stderr
    assert run["invocations"][0]["executionSuccessful"] is False
    assert [(n[0], n[2]) for n in notes(run)] == [("pkg/secret.py", "error")]
    assert "Permission denied" in notes(run)[0][3]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == ["pkg/views.py"]
    p = ormlint("pkg/secret.py", "pkg/views.py", as_nobody=True)  # named explicitly
    assert p.returncode == 2
    assert "pkg/views.py:3:9:" in p.stdout


# ---- fixes on disk ------------------------------------------------------------------


@pytest.fixture
def fixable(project):
    f = project / "app.py"
    f.write_text(MODELS)
    return f


def test_fix_refuses_a_read_only_file(fixable, ormlint):
    fixable.chmod(0o444)
    before = fixable.read_bytes()
    p, run = ormlint.sarif("--fix", "--unsafe-fixes", ".")
    assert p.returncode != 0
    errors = [n for n in notes(run) if n[2] == "error"]
    assert [n[0] for n in errors] == ["app.py"], notes(run)
    assert fixable.read_bytes() == before
    assert stat.S_IMODE(fixable.stat().st_mode) == 0o444
    assert [r["ruleId"] for r in run["results"]] == ["ORM001"], "the finding remains"
    assert sorted(os.listdir(fixable.parent)) == [".ormlint_cache", "app.py", "pyproject.toml"], \
        "no temporary file left"


def test_fix_keeps_the_mode(fixable, ormlint):
    fixable.chmod(0o640)
    p = ormlint("--fix", "--unsafe-fixes", ".")
    assert p.returncode == 0, p.stdout + p.stderr
    fixed = fixable.read_text()
    assert fixed != MODELS
    ast.parse(fixed)
    assert stat.S_IMODE(fixable.stat().st_mode) == 0o640
    assert sorted(os.listdir(fixable.parent)) == [".ormlint_cache", "app.py", "pyproject.toml"]


def test_diff_writes_nothing_and_applies_with_git(fixable, ormlint, project, tmp_path_factory):
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    mtime = fixable.stat().st_mtime_ns
    p = ormlint("--diff", "--unsafe-fixes", ".")
    assert p.returncode == 1, p.stderr
    assert fixable.read_text() == MODELS and fixable.stat().st_mtime_ns == mtime
    assert p.stdout.startswith("--- a/app.py\n+++ b/app.py\n@@ ")
    patch = project / ".." / (project.name + ".diff")
    patch.write_text(p.stdout)
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=project, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=project, check=True)
    via_diff = fixable.read_text()
    # The same as what --fix writes.
    other = tmp_path_factory.mktemp("fix")
    (other / "pyproject.toml").write_text("")
    (other / "app.py").write_text(MODELS)
    assert Ormlint(other)("--fix", "--unsafe-fixes", ".").returncode == 0
    assert via_diff == (other / "app.py").read_text()
    # Without --unsafe-fixes only safe fixes are shown: none here.
    fixable.write_text(MODELS)
    p = ormlint("--diff", ".")
    assert "+++" not in p.stdout


def test_second_fix_run_changes_nothing(fixable, ormlint):
    ormlint("--fix", "--unsafe-fixes", ".")
    once = fixable.read_bytes()
    mtime = fixable.stat().st_mtime_ns
    p = ormlint("--fix", "--unsafe-fixes", ".")
    assert p.returncode == 0, p.stdout
    assert fixable.read_bytes() == once
    assert fixable.stat().st_mtime_ns == mtime, "an unchanged file is not rewritten"
    p = ormlint("--diff", "--unsafe-fixes", ".")
    assert p.stdout == "" and p.returncode == 0


def test_fix_alone_applies_only_safe_fixes(fixable, ormlint):
    p = ormlint("--fix", ".")
    assert p.returncode == 1, "the unsafe fix was not applied, so the finding remains"
    assert fixable.read_text() == MODELS


def test_fix_regions_are_utf16_and_bytes_agree(project, ormlint):
    """SARIF replacements on a line with non-ASCII text: applying them by byte
    offsets, or by line and UTF-16 column, gives what --fix writes."""
    src = MODELS.replace("        chef = Chef", "        n\u00e9 = '\U0001f600'; chef = Chef")
    f = project / "app.py"
    f.write_text(src, encoding="utf-8")
    p, run = ormlint.sarif(".")
    (result,) = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = src.splitlines()[region["startLine"] - 1]
    assert region["startColumn"] == utf16_col(line[:line.index("Chef.query")])
    data = src.encode()
    lines = data.splitlines(keepends=True)

    def offset(line_no, col16):
        start = sum(len(x) for x in lines[:line_no - 1])
        text = lines[line_no - 1].decode()
        units = 0
        for i, ch in enumerate(text):
            if units >= col16 - 1:
                return start + len(text[:i].encode())
            units += len(ch.encode("utf-16-le")) // 2
        return start + len(text.encode())

    by_bytes, by_cols = data, data
    reps = [r for c in result["fixes"][0]["artifactChanges"] for r in c["replacements"]]
    for rep in sorted(reps, key=lambda r: r["deletedRegion"]["byteOffset"], reverse=True):
        d, new = rep["deletedRegion"], rep["insertedContent"]["text"].encode()
        by_bytes = by_bytes[:d["byteOffset"]] + new + by_bytes[d["byteOffset"] + d["byteLength"]:]
        a, b = offset(d["startLine"], d["startColumn"]), offset(d["endLine"], d["endColumn"])
        assert (a, b - a) == (d["byteOffset"], d["byteLength"])
        by_cols = by_cols[:a] + new + by_cols[b:]
    assert ormlint("--fix", "--unsafe-fixes", ".").returncode == 0
    assert by_bytes == by_cols == f.read_bytes()
