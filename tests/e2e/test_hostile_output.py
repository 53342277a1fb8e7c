"""Hostile input, part 2: what ormlint writes (SQL scripts, terminal text,
annotations, diffs, baselines, report files) and what it holds in memory
and time while it does. Each test is an attack a repository can mount on
whoever runs ormlint over it; the mechanism it checks is named in the
test's docstring. The language server's share is in test_lsp_hostile.py."""
import json
import os
import re
import sqlite3
import subprocess
import time

import pytest

from conftest import ORMLINT, TIMEOUT_SCALE, Ormlint, notes, stats
from test_inputs import LOOP

MODELS_HEAD = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)

'''

# Table and column names a model may declare: a newline that would end the
# `--` comment (and then the statement) the name is written in, quotes of
# every dialect, SQL after a `;`, a reserved word, non-ASCII.
HOSTILE_MODELS = MODELS_HEAD + '''
class Injected(db.Model):
    __tablename__ = """users_x
DROP TABLE users;
--"""
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String)


class Quoted(db.Model):
    __tablename__ = 'we"ird`; DROP TABLE users; --'
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column('na"me`); DROP TABLE users; --', db.String)


class Reserved(db.Model):
    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)
    order = db.Column(db.Integer)


class Accented(db.Model):
    __tablename__ = "café"
    id = db.Column(db.Integer, primary_key=True)
    prénom = db.Column(db.String)


def lookups(e, n, o, p):
    return (Injected.query.filter_by(email=e).first(), Quoted.query.filter_by(name=n).first(),
            Reserved.query.filter_by(order=o).first(), Accented.query.filter_by(prénom=p).first())
'''

# What SQLite needs for the script to have something to index: the tables as
# the models name them, and the table the injected name would drop.
TABLES = {"users": ["id"], 'we"ird`; DROP TABLE users; --': ["id", 'na"me`); DROP TABLE users; --'],
          "user": ["id", "order"], "café": ["id", "prénom"]}


def quoted(name):
    return '"' + name.replace('"', '""') + '"'


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_emit_sql_names_cannot_run_as_sql(project, ormlint, dialect):
    """Identifiers are quoted per dialect (reserved words too), rejected when
    no quoting can hold them, and comments never carry a line break: every
    script runs on SQLite (which reads all three quoting styles) and leaves
    the `users` table standing."""
    (project / "models.py").write_text(HOSTILE_MODELS)
    p = ormlint("-q", "--emit-sql", "indexes.sql", "--dialect", dialect, ".")
    assert p.returncode == 1, p.stderr
    sql = (project / "indexes.sql").read_text()
    for line in sql.splitlines():
        assert line == "" or line.startswith("-- ") or line.startswith("CREATE INDEX"), line
    db = sqlite3.connect(":memory:")
    for table, cols in TABLES.items():
        db.execute(f"CREATE TABLE {quoted(table)} ({', '.join(map(quoted, cols))})")
    db.executescript(sql)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "users" in tables, "the script dropped a table"
    indexed = {(r[0], r[1]) for r in db.execute(
        "SELECT m.tbl_name, i.name FROM sqlite_master m, pragma_index_info(m.name) i "
        "WHERE m.type = 'index'")}
    assert indexed == {('we"ird`; DROP TABLE users; --', 'na"me`); DROP TABLE users; --'),
                       ("user", "order"), ("café", "prénom")}
    assert "not written" in sql  # the name with a newline


ESC_SOURCE = MODELS_HEAD + '''
def f(bookings):
    for b in bookings:
        Chef.query.filter_by(id="\x1b]0;owned\x07\x1b[2J").first()
'''
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def test_text_and_github_output_carry_no_control_characters(project, ormlint):
    """The message quotes the source and the location names the file: ESC,
    BEL and CR in either are replaced before they reach a terminal or a
    workflow log (the snippet under the message already was)."""
    (project / "v\x1b[2Jiews\r.py").write_text(ESC_SOURCE)
    for fmt in ("text", "github"):
        p = ormlint("--color", "never", "--format", fmt, ".")
        assert p.returncode == 1, p.stderr
        assert "Chef.query.filter_by" in p.stdout
        lines = p.stdout.split("\n")
        bad = [line for line in lines if CONTROL.search(line)]
        assert not bad, (fmt, bad)
    p = ormlint("--color", "always", "--format", "text", ".")
    # Colour is the writer's own escapes only: SGR sequences, nothing else.
    assert not CONTROL.search(re.sub(r"\x1b\[[0-9;]*m", "", p.stdout))
    p = ormlint("--show-models", ".")
    assert "Chef" in p.stdout and not CONTROL.search(p.stdout.replace("\n", "")), p.stdout


def git(cwd, *args, stdin=None):
    return subprocess.run(["git", "-c", "core.quotepath=true", *args], cwd=cwd, input=stdin,
                          capture_output=True)


@pytest.mark.parametrize("where", ["x\tb.py", "sub\ndir/v\r.py", "q\"uo\\te.py",
                                   "x\n+++ b/other.py\n/v.py"])
def test_diff_headers_quote_odd_paths_as_git_does(project, ormlint, where):
    """A TAB, CR or LF in a path is quoted in the diff headers ("a/x\\tb.py"),
    so `git apply` takes the diff and it changes that file, never another."""
    from test_inputs import MODELS
    f = project / where
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(MODELS)
    (project / "other.py").write_text("x = 1\n")
    assert git(project, "init", "-q").returncode == 0
    p = ormlint("--diff", "--unsafe-fixes", ".")
    assert p.returncode == 1, p.stderr
    assert p.stdout.count("\n--- ") + p.stdout.startswith("--- ") == 1, p.stdout
    diff = p.stdout.encode("utf-8", "surrogateescape")
    check = git(project, "apply", "--check", "-v", stdin=diff)
    assert check.returncode == 0, check.stderr
    assert git(project, "apply", stdin=diff).returncode == 0
    assert f.read_text() != MODELS and "Chef.query" in f.read_text()
    assert (project / "other.py").read_text() == "x = 1\n"


def fill_up(limit):
    """For a child: writes beyond limit bytes fail (EFBIG), as on a full disk."""
    def pre():
        import resource
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


@pytest.mark.parametrize("option", ["--write-baseline", "-o", "--emit-sql"])
def test_a_failed_write_leaves_the_previous_file_whole(project, ormlint, option):
    """-o, --write-baseline and --emit-sql write a temporary file renamed over
    the target: when the disk fills up, the previous good file stays."""
    for i in range(40):
        (project / f"v{i}.py").write_text(MODELS_HEAD + LOOP.replace("def f", "def f%d" % i))
    (project / "models.py").write_text(HOSTILE_MODELS)
    target = project / "out.file"
    args = [option, str(target), "--format", "sarif", "--no-cache", "."]
    p = ormlint(*args)
    assert p.returncode in (0, 1), p.stderr
    good = target.read_bytes()
    assert len(good) > 600
    (project / "w.py").write_text(MODELS_HEAD + LOOP.replace("def f", "def more"))
    p = subprocess.run([ORMLINT, *args], cwd=project, capture_output=True, text=True, timeout=60,
                       preexec_fn=fill_up(400))
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert target.read_bytes() == good, "the previous file was truncated"
    assert not [x for x in os.listdir(project) if "ormlint-" in x], "a temporary file was left"


@pytest.mark.parametrize("name", ["my views.py", "café.py", "100%.py", "a#b.py", "q?x.py",
                                  "sp ace/ünï %41.py"])
def test_baseline_matches_percent_encoded_uris(project, ormlint, name):
    """The baseline's SARIF URIs are percent-encoded; they are decoded before
    they are compared with the findings' paths."""
    f = project / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(MODELS_HEAD + LOOP)
    p = ormlint("--write-baseline", "base.sarif", ".")
    assert p.returncode == 0, p.stderr
    uri = json.loads((project / "base.sarif").read_text())["runs"][0]["results"][0][
        "locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri != name or name.isascii() and " " not in name
    p, results = ormlint.json("--baseline", "base.sarif", ".")
    assert p.returncode == 0 and results == [], results


# ---- memory and time ---------------------------------------------------------

GIB = 1 << 30


def sanitized():
    """ASan reserves terabytes of address space: no ulimit -v under it, nor
    under valgrind (ORMLINT_TIMEOUT_SCALE), whose own tables count."""
    if os.environ.get("ASAN_OPTIONS") or os.environ.get("ORMLINT_TIMEOUT_SCALE", "1") != "1":
        return True
    with open(ORMLINT, "rb") as f:
        return b"__asan_init" in f.read()


under_ulimit = pytest.mark.skipif(sanitized(), reason="a sanitizer or valgrind build")


def run_limited(cwd, *args, vmem=GIB, timeout=120):
    """(process, seconds) of a run under `ulimit -v vmem`, stdout to a file."""
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (vmem, vmem))
    with open(cwd / "out.log", "wb") as out:
        t0 = time.monotonic()
        p = subprocess.run([ORMLINT, "--no-cache", *args], cwd=cwd, stdout=out,
                           stderr=subprocess.PIPE, timeout=timeout, preexec_fn=limit)
    return p, time.monotonic() - t0


def long_lines(n_lines, per_line, pad):
    """n_lines loops, each with one line of per_line queries padded apart."""
    fill = "x" * pad
    out = [MODELS_HEAD]
    for k in range(n_lines):
        items = ", ".join(f"Chef.query.get({i}) if '{fill}' else 0" for i in range(per_line))
        out.append(f"def f{k}(us):\n    for u in us:\n        a = [{items}]\n")
    return "".join(out)


@under_ulimit
@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_memory_many_findings_on_one_long_line_under_ulimit(project, fmt):
    """100 findings on one 2 MB line: each finding quotes an excerpt of the
    line and its fix a window of it (it held, and printed, the whole line
    three times per finding: 200 MB of text, most of a GiB)."""
    (project / "long.py").write_text(long_lines(1, 100, 20_000))
    p, took = run_limited(project, "--format", fmt, ".")
    assert p.returncode == 1, p.stderr[-2000:]
    size = (project / "out.log").stat().st_size
    assert size < 4 << 20, f"{size} bytes of output for a 2 MB file"


@under_ulimit
def test_memory_a_ten_megabyte_file_under_ulimit(project):
    """A 9.9 MB file (under the default max-file-size) of long lines with
    500 findings: peak memory a small multiple of the file, not 4.8 GB."""
    (project / "big.py").write_text(long_lines(5, 100, 19_700))
    assert (project / "big.py").stat().st_size < 10 << 20
    p, took = run_limited(project, "--format", "sarif", ".", timeout=180)
    assert p.returncode == 1, p.stderr[-2000:]
    run = json.loads((project / "out.log").read_text())["runs"][0]
    assert len(run["results"]) == 500
    assert any("withheld" in n[3] for n in notes(run)), "the proof budget ran out and said so"
    assert (project / "out.log").stat().st_size < 16 << 20


@under_ulimit
def test_memory_nested_conditional_expressions_under_ulimit(project):
    """3,000 nested conditional expressions, each with a query (116 KB): a
    fix per finding used to copy and parse the whole statement (1.1 GB,
    four minutes); proofs now have a budget of a few times the file."""
    e = "0"
    for i in range(3000):
        e = f"Chef.query.get({i}) if u.ok else ({e})"
    (project / "nested.py").write_text(MODELS_HEAD + "def f(us):\n    for u in us:\n        a = "
                                       + e + "\n")
    p, took = run_limited(project, "--format", "json", ".", timeout=60)
    assert p.returncode == 1, p.stderr[-2000:]
    findings = json.loads((project / "out.log").read_text())
    assert len(findings) == 3000
    assert sum(1 for f in findings if f.get("fix")) < 3000


def test_messages_cap_what_they_quote(project, ormlint):
    """A column attribute with a 300 KB name: the message names it in at most
    a kilobyte, with "..." where it was cut, in every format."""
    name = "c" * 300_000
    (project / "m.py").write_text(MODELS_HEAD.replace(
        "primary_key=True)\n", f'primary_key=True)\n    {name} = db.Column(db.String)\n')
        + f"\ndef f(e):\n    return Chef.query.filter_by({name}=e).first()\n")
    p, findings = ormlint.json(".")
    assert [f["code"] for f in findings] == ["ORM007"]
    assert len(findings[0]["message"]) <= 1024 and "..." in findings[0]["message"]
    assert len(p.stdout) < 20_000
    # SARIF carries every rule's documentation: the bound is what a report
    # without findings weighs, plus what the text formats may take.
    (project / "quiet").mkdir()
    (project / "quiet" / "empty.py").write_text("")
    docs = len(ormlint("--format", "sarif", "quiet").stdout)
    for fmt, most in (("text", 20_000), ("github", 20_000), ("sarif", docs + 20_000)):
        assert len(ormlint("--format", fmt, ".").stdout) < most, fmt


# ---- line endings ------------------------------------------------------------

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]
FIXTURES = sorted(f for f in REPO.glob("rules/*/fixture*") if not f.name.endswith(".fixed.py"))


def with_line_endings(fixture, dest, newline):
    import shutil
    dest.mkdir(parents=True)
    (dest / "pyproject.toml").write_text("")
    if fixture.is_dir():
        shutil.copytree(fixture, dest / fixture.name)
    else:
        shutil.copy(fixture, dest / fixture.name)
    for f in dest.rglob("*.py"):
        f.write_bytes(f.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline))
    return dest


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.parent.name[:6] + "/" + f.name)
def test_line_endings_never_change_findings_or_fixes(tmp_path, fixture):
    """A rule fixture with CR-only or CRLF line endings: the same findings
    and, once fixed, the same code as with LF (lines are split as the parser
    splits them, on \\r, \\n and \\r\\n alike)."""
    got = {}
    for name, newline in (("lf", b"\n"), ("cr", b"\r"), ("crlf", b"\r\n")):
        d = with_line_endings(fixture, tmp_path / name, newline)
        ormlint = Ormlint(d)
        p, findings = ormlint.json("--no-cache", "--select", "ALL", ".")
        assert p.returncode in (0, 1), p.stderr
        ormlint("--no-cache", "-q", "--select", "ALL", "--fix", "--unsafe-fixes", ".")
        fixed = {str(f.relative_to(d)): f.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                 for f in sorted(d.rglob("*.py"))}
        got[name] = (sorted((f["path"], f["line"], f["column"], f["code"]) for f in findings), fixed)
    assert got["cr"][0] == got["lf"][0], set(got["cr"][0]) ^ set(got["lf"][0])
    assert got["crlf"][0] == got["lf"][0]
    for name in ("cr", "crlf"):
        for path, text in got["lf"][1].items():
            assert got[name][1][path] == text, (name, path)


# ---- amplifications ------------------------------------------------------------

def test_session_names_pattern_that_backtracks_is_refused(project, ormlint):
    """A nested quantifier in session-names cost ~35 ms per receiver: every
    match now has PCRE2 match and depth limits, and a pattern that reaches
    them on a long name is refused when it is read (flag or pyproject)."""
    lines = [MODELS_HEAD, "def f(xs):\n    for x in xs:\n"]
    lines += [f"        abcdefghijklmnopqrstuvwxyz_abcdefghij_{i}.execute(x)\n" for i in range(100)]
    (project / "v.py").write_text("".join(lines) + LOOP)
    bad = r"^([a-z_0-9]+)*session$"
    # Refused before any file is read, not after 100 receivers were matched
    # (no scan: no counts of work printed; counted, never timed).
    p = ormlint("--session-names", bad, ".", stats=True)
    assert p.returncode == 2 and "too costly" in p.stderr and "match limit" in p.stderr, p.stderr
    assert "ormlint stats:" not in p.stderr, p.stderr
    (project / "pyproject.toml").write_text(f"[tool.ormlint]\nsession-names = '{bad}'\n")
    p = ormlint(".", stats=True)
    assert p.returncode == 2 and "pyproject.toml:2" in p.stderr and "too costly" in p.stderr
    assert "ormlint stats:" not in p.stderr, p.stderr
    (project / "pyproject.toml").write_text("[tool.ormlint]\nsession-names = '^(\\w+\\.)*session$'\n")
    p = ormlint(".")
    assert p.returncode == 1, p.stderr


def counted(cwd, *args, timeout=120):
    """(process, counts of work) of a run (ORMLINT_STATS, analyzer/stats.h):
    counts, unlike times, do not move when other work shares the machine."""
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout * TIMEOUT_SCALE, env=dict(os.environ, ORMLINT_STATS="1"))
    return p, stats(p.stderr)


def test_discovery_is_linear_in_directories(tmp_path):
    """60,000 directories cost about ten times what 6,000 do: each is looked
    up in a set of those walked (a list, compared one by one, made the walk
    quadratic: 1.5 s of CPU for 100,000). Counted: the slots the set looked
    at (a list would look at n^2 / 2 of them: 100 times as many for ten
    times the directories)."""
    probes = {}
    for n in (6_000, 60_000):
        root = tmp_path / f"p{n}"
        root.mkdir()
        (root / "pyproject.toml").write_text("")
        for i in range(n):
            os.makedirs(root / f"d{i // 500}" / f"e{i}")
        (root / "views.py").write_text(MODELS_HEAD + LOOP)
        p, work = counted(root, "--no-cache", ".")
        assert p.returncode == 1, p.stderr
        assert work["dirs walked"] == n + n // 500 + 1, work
        probes[n] = work["dir set probes"]
    assert probes[60_000] < 30 * probes[6_000], probes


def test_prefilter_rounds_are_bounded(project):
    """A chain of calls through 3,000 files took a prefilter round per file,
    each reading every file not parsed yet and indexing the project again
    (quadratic: 40 times --no-prefilter on 10,000 files). After a few rounds
    the rest is parsed, as --no-prefilter does: same report, comparable
    work (counted: files read and indexes built, never a time)."""
    (project / "models.py").write_text(MODELS_HEAD)
    n = 3000
    for i in range(n):
        nxt = (f"from m{i + 1} import g{i + 1}\n\n\ndef g{i}(x):\n    return g{i + 1}(x)\n"
               if i + 1 < n else f"from models import Chef\n\n\ndef g{i}(x):\n    return Chef.query.get(x)\n")
        (project / f"m{i}.py").write_text(nxt)
    (project / "views.py").write_text(MODELS_HEAD + LOOP)
    p, on = counted(project, "--no-cache", "--format", "json", ".")
    q, off = counted(project, "--no-cache", "--no-prefilter", "--format", "json", ".")
    assert p.returncode == q.returncode == 1 and p.stdout == q.stdout
    assert off["files read"] == off["files parsed"] == n + 2 and off["index builds"] == 1, off
    # OL_MAX_ROUNDS (8) rounds, each reading the files still pending, then the rest parsed
    assert on["index builds"] <= 10, on
    assert on["files read"] <= 10 * off["files read"], on
    assert on["files parsed"] == n + 2, on
