"""Hostile input: what any repository can hold, through the built binary.
ormlint runs unattended on other people's code, so for each input: no
crash (exit 0, 1 or 2 only, never a signal), no hang (every run has a
timeout), the exit code DESIGN.md gives ("Exit codes"), a notification
naming the file for each problem, and every good file's findings still
reported. The races a real file system cannot stage (a file that vanishes
or changes between discovery and reading) are in tests/unit/test_scan.c,
through the fake ol_fs; syntax errors, invalid UTF-8, NUL bytes, CR line
endings, empty files, FIFOs, symlink loops and unreadable files in
test_inputs.py; a malformed, huge or wrongly typed pyproject.toml in
test_config.py and tests/unit/test_pyproject.c; crash regressions found by
the fuzzers in tests/fuzz/corpus/ (scanned here too)."""
import json
import os
import random
import shutil
import socket
import stat
import time
from pathlib import Path

import pytest

from conftest import Ormlint, located, notes
from test_inputs import LOOP, world_readable_project  # noqa: F401 (a fixture)

REPO = Path(__file__).resolve().parents[2]


def run_sarif(ormlint, *args, timeout=120):
    """(exit code, run, seconds) of a SARIF run; the exit code is never a signal."""
    t0 = time.monotonic()
    p = ormlint(*args, "--format", "sarif", timeout=timeout)
    took = time.monotonic() - t0
    assert p.returncode in (0, 1, 2), f"exit {p.returncode}: {p.stderr[-2000:]}"
    return p.returncode, json.loads(p.stdout)["runs"][0], took


def uris(run):
    return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]


def test_random_bytes_named_py(project, ormlint):
    rng = random.Random(10)
    for i in range(40):
        n = rng.choice([1, 7, 100, 4096, 65536])
        if i % 2:  # text-like: printable, brackets, quotes, indentation, invalid UTF-8
            alphabet = b"()[]{}:'\"\\#\n\r\t    abcforinwhile.=,0123456789\xff\xc3\xe2\x80"
            data = bytes(rng.choice(alphabet) for _ in range(n))
        else:
            data = bytes(rng.getrandbits(8) for _ in range(n))
        (project / f"random_{i:02}.py").write_bytes(data)
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".")
    assert code == 1, "random files are notifications only; views.py's finding decides"
    assert "views.py" in uris(run)
    assert run["invocations"][0]["executionSuccessful"] is True
    for uri, _, level, text in notes(run):
        assert uri and uri.startswith("random_") and level == "warning", (uri, text)


def test_fuzzer_crash_regressions(project, ormlint):
    """Every input a fuzzer crashed on, as a file of a project."""
    seeds = sorted((REPO / "tests/fuzz/corpus/analyze").iterdir())
    assert seeds
    for i, seed in enumerate(seeds):
        shutil.copy(seed, project / f"seed_{i}.py")
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, "--fix", "--unsafe-fixes", ".")
    assert code in (0, 1)
    assert run["invocations"][0]["executionSuccessful"] is True


def test_deeply_nested_parentheses(project, ormlint):
    (project / "deep.py").write_text("x = " + "(" * 20_000 + "1" + ")" * 20_000 + "\n")
    (project / "open.py").write_text("x = " + "(" * 20_000 + "\n")  # never closed
    (project / "views.py").write_text(LOOP)
    code, run, took = run_sarif(ormlint, ".", timeout=60)
    assert code == 1 and uris(run) == ["views.py"]
    assert all(n[0] in ("deep.py", "open.py") for n in notes(run)), notes(run)


def test_deeply_nested_loops(project, ormlint):
    """3,000 nested loops (one space per level: 4.5 MB). The grammar's
    indentation stack gives up long before that: no findings are promised,
    only an end in bounded time and views.py still reported."""
    lines = [" " * i + f"for a{i} in rows:\n" for i in range(3000)]
    (project / "loops.py").write_text("".join(lines) + " " * 3000 + "Chef.query.get(a0)\n")
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".", timeout=180)
    assert code == 1 and "views.py" in uris(run)


def test_five_megabyte_line(project, ormlint):
    rng = random.Random(5)
    items, size = [], 0
    while size < 5 << 20:
        items.append('"%s"' % "".join(rng.choice("abcdefghij") for _ in range(16)))
        size += len(items[-1]) + 2
    (project / "data.py").write_text("DATA = [" + ", ".join(items) + "]\n")
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".", timeout=180)
    assert code == 1 and uris(run) == ["views.py"] and notes(run) == []


def test_fifty_thousand_count_queries(project, ormlint):
    body = "".join(f"        n{i} = Post.query.filter_by(user_id=u.id).count()\n" for i in range(50_000))
    (project / "counts.py").write_text("def f(users):\n    for u in users:\n" + body)
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".", timeout=180)
    assert code == 1
    assert uris(run).count("views.py") == 1, "the other file's finding is not crowded out"
    assert uris(run).count("counts.py") == 5000
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]
             if uris({"results": [r]}) == ["counts.py"]]
    assert lines == list(range(3, 5003)), "the first 5,000 by position"
    assert notes(run) == [("counts.py", None, "warning",
                           "45000 more findings in this file were left out: at most 5000 are "
                           "reported per file")]


def test_thousands_of_sites_under_one_memo(project, ormlint):
    """Each `if` is read once however many sites sit under it: a memo's block
    with thousands of queries (its flag set last), and a loop of hundreds of
    run-once flags (`if not s: commit; s = 1`). Nothing here runs per row."""
    model = ("from app import db\n\n\nclass Post(db.Model):\n"
             "    id = db.Column(db.Integer, primary_key=True)\n\n")
    body = "".join(f"            self.y{i} = Post.query.get({i})\n" for i in range(6000))
    (project / "memo.py").write_text(model + "class Feed:\n    def load(self):\n"
                                     "        if self.x is None:\n" + body + "            self.x = 1\n")
    flags = "".join(f"        if not s{i}:\n            db.session.commit()\n            s{i} = 1\n"
                    for i in range(850))
    (project / "once.py").write_text(model + "def f(users):\n    for u in users:\n" + flags)
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".", timeout=180)
    assert code == 1 and uris(run) == ["views.py"] and notes(run) == []


def test_special_files_are_skipped_never_read(project, ormlint):
    """Sockets and devices (FIFOs: test_inputs.py) are never opened for a
    blocking read: /dev/zero would never end, a socket would block."""
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(project / "sock.py"))
    try:
        (project / "zero.py").symlink_to("/dev/zero")
        (project / "tty.py").symlink_to("/dev/tty")
        try:
            os.mknod(project / "null.py", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except OSError:
            (project / "null.py").symlink_to("/dev/null")
        (project / "views.py").write_text(LOOP)
        code, run, _ = run_sarif(ormlint, ".", timeout=30)
        assert code == 1 and uris(run) == ["views.py"]
        skipped = {n[0]: n for n in notes(run)}
        assert sorted(skipped) == ["null.py", "sock.py", "tty.py", "zero.py"], notes(run)
        assert all(n[2] == "warning" and "not a regular file" in n[3] for n in skipped.values())
        # Named explicitly, as pre-commit does.
        p = ormlint("zero.py", "sock.py", "null.py", "views.py", timeout=30)
        assert p.returncode == 1 and "views.py:3:9:" in p.stdout
    finally:
        sock.close()


def test_dangling_symlinks(project, ormlint):
    (project / "gone.py").symlink_to("nowhere.py")
    (project / "pkg").symlink_to("no_such_dir", target_is_directory=True)
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, ".")
    assert code == 1 and uris(run) == ["views.py"]
    assert [(n[0], n[2]) for n in notes(run)] == [("gone.py", "warning")]
    assert "broken symbolic link" in notes(run)[0][3]
    # Named explicitly it is a path that cannot be read: exit 2, the rest still reported.
    code, run, _ = run_sarif(ormlint, "gone.py", "views.py")
    assert code == 2 and uris(run) == ["views.py"]
    assert [(n[0], n[2]) for n in notes(run)] == [("gone.py", "error")]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_unreadable_directory_as_nobody(world_readable_project):  # noqa: F811
    d = world_readable_project
    for sub in ("ok", "locked"):
        (d / sub).mkdir(mode=0o755)
        (d / sub / "views.py").write_text(LOOP)
        (d / sub / "views.py").chmod(0o644)
    (d / "pyproject.toml").chmod(0o644)
    (d / "locked").chmod(0)
    ormlint = Ormlint(d)
    p = ormlint(".", "--format", "sarif", as_nobody=True)
    run = json.loads(p.stdout)["runs"][0]
    assert p.returncode == 2, "an unreadable directory is an error"
    assert uris(run) == ["ok/views.py"]
    assert [(n[0], n[2]) for n in notes(run)] == [("locked", "error")]
    assert "Permission denied" in notes(run)[0][3]


def test_thousands_of_paths(project, ormlint):
    """A pre-commit run on a big change: 3,000 files named on the command
    line, and 50 that do not exist."""
    names = []
    for i in range(3000):
        f = project / f"m{i // 100}" / f"v{i}.py"
        f.parent.mkdir(exist_ok=True)
        f.write_text(LOOP)
        names.append(str(f.relative_to(project)))
    missing = [f"missing_{i}.py" for i in range(50)]
    code, run, _ = run_sarif(ormlint, *names, *missing, timeout=180)
    assert code == 2, "missing paths are errors"
    assert sorted(uris(run)) == sorted(names)
    assert sorted(n[0] for n in notes(run)) == sorted(missing)
    assert all(n[2] == "error" for n in notes(run))
    p, results = ormlint.json(*names, timeout=180)
    assert p.returncode == 1 and len(located(results)) == 3000


def test_max_file_size(project, ormlint):
    (project / "big.py").write_text(LOOP + "x = 1\n" * 200_000)  # 1.1 MiB
    (project / "views.py").write_text(LOOP)
    code, run, _ = run_sarif(ormlint, "--max-file-size", "1M", ".")
    assert code == 1 and uris(run) == ["views.py"]
    assert notes(run) == [("big.py", None, "warning",
                           "skipped: 1.1 MiB, larger than max-file-size (1 MiB)")]
    code, run, _ = run_sarif(ormlint, ".")  # the default, 10 MiB
    assert code == 1 and sorted(uris(run)) == ["big.py", "views.py"] and notes(run) == []
    (project / "pyproject.toml").write_text('[tool.ormlint]\nmax-file-size = "512K"\n')
    code, run, _ = run_sarif(ormlint, ".")
    assert uris(run) == ["views.py"] and notes(run)[0][0] == "big.py"
    code, run, _ = run_sarif(ormlint, "--max-file-size", "2M", ".")  # the flag wins
    assert sorted(uris(run)) == ["big.py", "views.py"]
    p = ormlint("--max-file-size", "0", ".")
    assert p.returncode == 2 and "--max-file-size" in p.stderr


def test_eleven_megabytes_skipped_by_default(project, ormlint):
    (project / "huge.py").write_text(LOOP + "#" * (11 << 20) + "\n")
    (project / "views.py").write_text(LOOP)
    code, run, took = run_sarif(ormlint, ".", timeout=60)
    assert code == 1 and uris(run) == ["views.py"]
    assert notes(run) == [("huge.py", None, "warning",
                           "skipped: 11.0 MiB, larger than max-file-size (10 MiB)")]


def test_output_is_identical_across_runs_and_thread_counts(tmp_path):
    """The corpus and every fixture as one project: byte-identical SARIF
    (and text) with one thread, two, eight, and again."""
    shutil.copytree(REPO / "corpus" / "softfactory", tmp_path / "softfactory")
    for fixture in sorted(REPO.glob("rules/*/fixture*")):
        dest = tmp_path / "fixtures" / fixture.parent.name
        dest.mkdir(parents=True, exist_ok=True)
        if fixture.is_dir():
            shutil.copytree(fixture, dest / fixture.name)
        else:
            shutil.copy(fixture, dest / fixture.name)
    (tmp_path / "pyproject.toml").write_text("")
    ormlint = Ormlint(tmp_path)
    outs = []
    for jobs in ("1", "2", "8", "2", "1"):
        p = ormlint("-j", jobs, "--format", "sarif", ".", timeout=120)
        assert p.returncode == 1, p.stderr
        outs.append(p.stdout)
    assert len(json.loads(outs[0])["runs"][0]["results"]) > 100
    assert all(o == outs[0] for o in outs), "SARIF differs between runs or thread counts"
    texts = {ormlint("-j", jobs, "--color", "never", ".").stdout for jobs in ("1", "2", "8")}
    assert len(texts) == 1
