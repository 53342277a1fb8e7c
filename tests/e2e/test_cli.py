"""The command line (issue 2 "CLI", DESIGN.md "Exit codes"): exit codes
0 / 1 / 2 with usage errors caught before any analysis, --exit-zero,
rule selection, --statistics, --quiet, --version, --help, `ormlint rule`,
-o, the GitHub format, --session-names, and output that does not depend
on the thread count."""
import json
import re

import pytest

from conftest import Ormlint, located, notes

LOOP = "def f(bookings):\n    for b in bookings:\n        Chef.query.get(b.chef_id)\n"
TWO = LOOP + "\n\ndef g(ids):\n    return [Chef.query.get(i) for i in ids]\n"  # lines 3 and 7
CLEAN = "def f(bookings):\n    return [b.id for b in bookings]\n"

DOC_HEADINGS = ["What it does", "Why is this slow", "Example", "Use instead", "Fix safety"]


@pytest.fixture
def dirty(project):
    (project / "views.py").write_text(TWO)
    return project


@pytest.fixture
def clean(project):
    (project / "views.py").write_text(CLEAN)
    return project


def orm001(results):
    return [r for r in results if r["code"] == "ORM001"]


# ---- exit codes ----------------------------------------------------------------


def test_exit_0_when_clean(clean, ormlint):
    p = ormlint(".")
    assert p.returncode == 0, p.stdout
    p, results = ormlint.json(".")
    assert p.returncode == 0 and results == []


def test_exit_1_on_findings(dirty, ormlint):
    p, results = ormlint.json(".")
    assert p.returncode == 1
    assert located(results) == [("views.py", 3, 9), ("views.py", 7, 13)]


def test_default_path_is_the_current_directory(dirty, ormlint):
    assert ormlint().stdout == ormlint(".").stdout


@pytest.mark.parametrize("args, message", [
    (["--no-such-option"], "--no-such-option"),
    (["-Z"], "-Z"),
    (["--format", "xml"], "xml"),
    (["--format=yaml"], "yaml"),
    (["--select", "XYZ123"], "XYZ123"),
    (["--select", "ORM001,BOGUS"], "BOGUS"),
    (["--ignore", "E501"], "E501"),
    (["--session-names", "(unclosed"], "(unclosed"),
    (["--session-names", "[a-"], "[a-"),
    (["-j", "0"], "0"),
    (["-j", "-1"], "-1"),
    (["-j", "two"], "two"),
    (["--jobs=100000"], "100000"),
    (["-j"], "-j"),
    (["--format"], "--format"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_exit_2_before_analysis(dirty, ormlint, args, message):
    # A missing path too: a usage error stops before it is even looked at.
    p = ormlint(*args, "views.py", "missing.py")
    assert p.returncode == 2
    assert p.stdout == "", "nothing analysed, nothing written"
    assert message in p.stderr
    assert "missing.py" not in p.stderr


def test_exit_zero(dirty, ormlint):
    p, results = ormlint.json("--exit-zero", ".")
    assert p.returncode == 0
    assert len(orm001(results)) == 2, "findings are still reported"
    p = ormlint("--exit-zero", "views.py", "missing.py")
    assert p.returncode == 2, "an error is not a finding"
    assert ormlint("--exit-zero", "--format", "xml", ".").returncode == 2


# ---- rule selection ----------------------------------------------------------------


@pytest.mark.parametrize("args, reported", [
    ([], True),
    (["--select", "ORM001"], True),
    (["--select=ORM001"], True),
    (["--select", "ORM"], True),
    (["--select", "ORM00"], True),
    (["--select", "ALL"], True),
    (["--select", " ORM001 , ORM "], True),
    (["--ignore", "ORM001"], False),
    (["--ignore", "ORM0"], False),
    (["--ignore", "ORM"], False),
    (["--ignore=ALL"], False),
    (["--select", "ORM001", "--ignore", "ORM001"], False),
    (["--select", "ORM", "--ignore", "ORM00"], False),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_select_and_ignore(dirty, ormlint, args, reported):
    p, results = ormlint.json(*args, ".")
    assert bool(orm001(results)) == reported
    if not reported:
        assert p.returncode == 0 and results == []


# ---- output options ----------------------------------------------------------------


def test_statistics(dirty, ormlint):
    p = ormlint("--statistics", ".")
    assert p.returncode == 1
    assert re.search(r"^\s*2\s+ORM001\b.*query-in-loop", p.stdout, re.M), p.stdout
    assert "Chef.query.get" not in p.stdout, "counts instead of the findings"
    (dirty / "views.py").write_text(CLEAN)
    p = ormlint("--statistics", ".")
    assert p.returncode == 0 and "ORM001" not in p.stdout


def test_quiet(dirty, ormlint):
    loud, quiet = ormlint("."), ormlint("--quiet", ".")
    assert quiet.returncode == loud.returncode == 1
    assert "views.py:3:9: ORM001" in quiet.stdout and "views.py:7:13: ORM001" in quiet.stdout
    assert "Found 2" in loud.stdout and "Found" not in quiet.stdout
    assert len(quiet.stdout) < len(loud.stdout)
    assert ormlint("-q", ".").stdout == quiet.stdout
    (dirty / "views.py").write_text(CLEAN)
    p = ormlint("-q", ".")
    assert p.returncode == 0 and p.stdout == ""


def test_version(project, ormlint):
    p = ormlint("--version")
    assert p.returncode == 0
    m = re.fullmatch(r"ormlint (\d+\.\d+\.\d+)\n", p.stdout)
    assert m, p.stdout
    _, run = ormlint.sarif(".")
    assert run["tool"]["driver"]["version"] == m.group(1)


def test_help(project, ormlint):
    for flag in ("--help", "-h"):
        p = ormlint(flag)
        assert p.returncode == 0
        assert p.stdout.startswith("Usage: ormlint")
        for option in ("--format", "-o", "--select", "--ignore", "--fix", "--unsafe-fixes", "--diff",
                       "--statistics", "--exit-zero", "--quiet", "--session-names", "--version",
                       "--help", "ormlint rule"):
            assert option in p.stdout, option


def test_rule_doc(project, ormlint):
    p = ormlint("rule", "ORM001")
    assert p.returncode == 0
    assert p.stdout.startswith("# ORM001")
    for heading in DOC_HEADINGS:
        assert re.search(r"^#+ " + heading, p.stdout, re.M), heading
    assert "```python" in p.stdout
    _, run = ormlint.sarif(".")
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "ORM001")
    assert rule["help"]["markdown"] == p.stdout


@pytest.mark.parametrize("args", [["rule", "ORM999"], ["rule", "orm001"], ["rule", "XYZ"], ["rule"],
                                  ["rule", "ORM001", "ORM002"]])
def test_rule_doc_errors(project, ormlint, args):
    p = ormlint(*args)
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_file(dirty, ormlint, fmt):
    to_stdout = ormlint("--format", fmt, ".")
    out = dirty / "report.out"
    p = ormlint("--format", fmt, "-o", out, ".")
    assert p.returncode == to_stdout.returncode == 1
    assert p.stdout == ""
    assert out.read_text() == to_stdout.stdout
    out.unlink()
    p = ormlint("--format", fmt, "--output=" + str(out), ".")
    assert out.read_text() == to_stdout.stdout


def test_output_file_unwritable(dirty, ormlint):
    p = ormlint("-o", dirty / "no" / "such" / "dir" / "report.txt", ".")
    assert p.returncode == 2
    assert "report.txt" in p.stderr


def test_github_format(dirty, ormlint):
    (dirty / "broken.py").write_text(LOOP + "\nclass Broken(\n")
    p = ormlint("--format", "github", ".")
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    finding = re.compile(r"::warning file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
                         r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),"
                         r"title=ORM001 \(query-in-loop\)::(?P<msg>.+)")
    found = [m.groupdict() for m in map(finding.fullmatch, lines) if m]
    assert [(f["file"], f["line"], f["col"]) for f in found] == [
        ("broken.py", "3", "9"), ("views.py", "3", "9"), ("views.py", "7", "13")]
    assert all(f["end_line"] == f["line"] for f in found)
    assert found[0]["end_col"] == str(9 + len("Chef.query.get(b.chef_id)"))
    assert all("%0A" not in f["msg"] and "every iteration" in f["msg"] for f in found)
    rest = [line for line in lines if not finding.fullmatch(line)]
    assert len(rest) == 1 and re.fullmatch(r"::warning file=broken\.py,line=5::.*syntax error.*", rest[0]), rest


def test_session_names(project, ormlint):
    (project / "views.py").write_text(
        "def f(dbs, ids):\n"
        "    for i in ids:\n"
        "        dbs.get(User, i)\n"
        "        app.dbs.query(User).filter_by(id=i).first()\n")
    p, results = ormlint.json(".")
    assert p.returncode == 0 and results == [], "dbs is no session by default"
    p, results = ormlint.json("--session-names", r"(?:^|\.)dbs$", ".")
    assert p.returncode == 1
    assert located(results) == [("views.py", 3, 9), ("views.py", 4, 9)]
    p, results = ormlint.json(r"--session-names=(?:^|\.)(?:session|dbs)$", ".")
    assert len(orm001(results)) == 2


# ---- determinism -------------------------------------------------------------------------

MODELS = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))
'''

VIEW = '''from app.models import Booking, Chef, db


def view_{n}(bookings, ids):
    out = []
    for b in bookings:
        out.append(Chef.query.filter_by(id=b.chef_id).first())
        out.append(db.session.get(Chef, b.chef_id))
    setting = [Booking.query.filter(Booking.chef_id == i).all() for i in ids]
    return out, setting, {extra}
'''


def make_tree(root):
    """~50 files in nested packages: findings with fixes that need the models
    of another file, clean files, and files with notifications."""
    (root / "pyproject.toml").write_text("")
    app = root / "app"
    (app / "views" / "deep").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS)
    for n in range(40):
        sub = app / "views" / ("deep" if n % 3 == 0 else "")
        extra = ["None", "'caf\u00e9 \U0001f600'", "Chef.query.count()"][n % 3]
        (sub / f"v{n:02d}.py").write_text(VIEW.format(n=n, extra=extra))
    for n in range(6):
        (app / f"clean{n}.py").write_text(CLEAN)
    (app / "broken.py").write_text(LOOP + "\ndef broken(:\n")
    (app / "latin.py").write_bytes(b"x = 'caf\xe9'\n" + LOOP.encode())
    (app / "blob.py").write_bytes(b"\x00\x01\x02")
    (app / "empty.py").write_text("")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_identical_for_any_thread_count(project, ormlint, fmt):
    make_tree(project)
    runs = [ormlint("--format", fmt, "-j", j, ".", timeout=60) for j in ("1", "2", "1", "2")]
    assert {p.returncode for p in runs} == {1}
    assert all(p.stdout == runs[0].stdout for p in runs), f"--format {fmt} differs between -j 1 and -j 2"
    if fmt == "json":
        assert len(json.loads(runs[0].stdout)) >= 40 * 3
    if fmt == "sarif":
        run = json.loads(runs[0].stdout)["runs"][0]
        assert {n[0] for n in notes(run)} == {"app/broken.py", "app/latin.py", "app/blob.py"}


def test_statistics_and_diff_identical_for_any_thread_count(project, ormlint):
    make_tree(project)
    for args in (["--statistics"], ["--diff", "--unsafe-fixes"]):
        one, two = (ormlint(*args, "-j", j, ".", timeout=60) for j in ("1", "2"))
        assert one.returncode == two.returncode
        assert one.stdout == two.stdout, args
