"""Shared by test_inputs.py and test_cli.py: the built binary, a throwaway
project (an empty pyproject.toml marks its root), and readers for the JSON
findings and the SARIF notifications."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ORMLINT = os.environ.get("ORMLINT") or str(Path(__file__).resolve().parents[2] / "build" / "ormlint")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
# Under valgrind (make valgrind) every run takes ~20 times as long.
TIMEOUT_SCALE = float(os.environ.get("ORMLINT_TIMEOUT_SCALE", "1"))


class Ormlint:
    """Runs the binary in one directory; every run has a timeout, so an input
    that blocks (a FIFO) fails the test instead of hanging the suite."""

    def __init__(self, cwd):
        self.cwd = Path(cwd)

    def __call__(self, *args, cwd=None, timeout=30, as_nobody=False, stats=False):
        cmd = [ORMLINT, *map(str, args)]
        if as_nobody:
            cmd = NOBODY + cmd
        env = dict(os.environ, ORMLINT_STATS="1") if stats else None
        return subprocess.run(cmd, cwd=cwd or self.cwd, capture_output=True, timeout=timeout * TIMEOUT_SCALE,
                              encoding="utf-8", errors="surrogateescape", env=env)

    def json(self, *args, **kw):
        """(process, findings) of a `--format json` run."""
        p = self(*args, "--format", "json", **kw)
        return p, json.loads(p.stdout)

    def sarif(self, *args, **kw):
        """(process, runs[0]) of a `--format sarif` run."""
        p = self(*args, "--format", "sarif", **kw)
        return p, json.loads(p.stdout)["runs"][0]



def stats(stderr):
    """The counts of work of a run with ORMLINT_STATS=1 (analyzer/stats.h),
    {name: count}: what a test of linear cost compares instead of times,
    which a shared machine makes flaky."""
    for line in stderr.splitlines():
        if line.startswith("ormlint stats: "):
            return {k.rsplit(" ", 1)[0]: int(k.rsplit(" ", 1)[1])
                    for k in line[len("ormlint stats: "):].split(", ")}
    raise AssertionError(f"no `ormlint stats:` line in {stderr[-2000:]!r}")


# A small Flask-SQLAlchemy app the cache tests edit file by file.
CACHE_MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    posts = db.relationship("Post", back_populates="author")


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))  # ORM007
    author = db.relationship("User", back_populates="posts")


class Review(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer)  # ORM007
    stars = db.Column(db.Integer)
"""


def damage(path, how):
    """Damages a cache file: empty, garbage, cutN (keep N per cent) or
    flipN (flip a byte at N per cent of the file)."""
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how.startswith("cut"):
        path.write_bytes(data[:int(how[3:]) * len(data) // 100])
    else:
        at = int(how[4:]) * (len(data) - 1) // 100
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x5a]) + data[at + 1:])

def notes(run):
    """The SARIF run's toolExecutionNotifications as (uri, startLine or None, level, text)."""
    out = []
    for n in run["invocations"][0].get("toolExecutionNotifications", []):
        loc = (n.get("locations") or [{}])[0].get("physicalLocation", {})
        out.append((loc.get("artifactLocation", {}).get("uri"), loc.get("region", {}).get("startLine"),
                    n.get("level"), n["message"]["text"]))
    return out


def located(results, code="ORM001"):
    """(path, line, column) of each JSON finding of one rule, sorted."""
    return sorted((r["path"], r["line"], r["column"]) for r in results if r["code"] == code)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


@pytest.fixture
def ormlint(project):
    return Ormlint(project)
