"""A repository's layout is input too: symbolic links out of the project,
a planted or crafted .ormlint_cache, names built to make resolution
quadratic, and README's commands from a checkout other users cannot enter.
Each layout is built in a temporary directory; every run has a timeout and
must exit 0, 1 or 2 (never a signal, never a sanitizer's 98)."""
import json
import os
import random
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ORMLINT, TIMEOUT_SCALE, Ormlint, notes, stats

REPO = Path(__file__).resolve().parents[2]

MODELS = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"), index=True)
"""

# One finding, with an unsafe fix (an IN query before the loop, integer keys on both sides).
VIEWS = """from models import Booking, Chef


def names():
    out = []
    for b in Booking.query.all():
        chef = Chef.query.filter_by(id=b.chef_id).first()
        out.append(chef.name if chef else None)
    return out
"""


def sarif(ormlint, *args, timeout=60, **kw):
    p = ormlint(*args, "--format", "sarif", timeout=timeout, **kw)
    assert p.returncode in (0, 1, 2), f"exit {p.returncode}: {p.stderr[-2000:]}"
    return p, json.loads(p.stdout)["runs"][0]


def result_uris(run):
    return sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]})


def fixable_app(d):
    """models.py and views.py: views.py has a finding with an unsafe fix."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "models.py").write_text(MODELS)
    (d / "views.py").write_text(VIEWS)


@pytest.fixture
def layout(tmp_path):
    """tmp/project (marked by pyproject.toml) and tmp/outside beside it."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    fixable_app(outside)
    return project, outside


# ---- writes and reads outside the project ------------------------------------


def test_fix_never_writes_through_a_directory_link_out_of_the_project(layout):
    project, outside = layout
    fixable_app(project / "app")
    (project / "vendor").symlink_to("../outside")
    before = (outside / "views.py").read_text()
    ormlint = Ormlint(project)
    p, run = sarif(ormlint, "--fix", "--unsafe-fixes", ".")
    assert (outside / "views.py").read_text() == before
    assert (project / "app" / "views.py").read_text() != VIEWS, "the project's own file is fixed"
    assert ("vendor", None, "warning") in [n[:3] for n in notes(run)], notes(run)
    assert any("outside the project" in n[3] for n in notes(run) if n[0] == "vendor")
    # Named on the command line, the files are analysed as given, never fixed.
    p, run = sarif(ormlint, "--fix", "--unsafe-fixes", "vendor")
    assert (outside / "views.py").read_text() == before
    assert "vendor/views.py" in result_uris(run)
    refused = [n for n in notes(run) if n[0] == "vendor/views.py" and n[2] == "error"]
    assert refused and "outside the project" in refused[0][3], notes(run)


def test_links_to_the_root_and_to_a_parent_are_not_walked(layout):
    project, outside = layout
    fixable_app(project)
    (project / "slash").symlink_to("/")
    (project / "up").symlink_to("..")
    (project / "here").symlink_to(".")  # inside: a loop, walked once
    p, run = sarif(Ormlint(project), ".", timeout=60, stats=True)
    # the project's directory alone ("here" is found a loop), never / nor ..
    walked = stats(p.stderr)["dirs walked"]
    assert walked == 1, f"{walked} directories walked"
    assert result_uris(run) == ["views.py"], "only the project's files"
    skipped = {n[0] for n in notes(run) if "outside the project" in n[3]}
    assert skipped == {"slash", "up"}, notes(run)


def test_a_file_link_out_of_the_project_is_skipped(layout):
    project, outside = layout
    (project / "models.py").write_text(MODELS)
    (project / "views.py").symlink_to(outside / "views.py")
    before = (outside / "views.py").read_text()
    p, run = sarif(Ormlint(project), "--fix", "--unsafe-fixes", ".")
    assert (outside / "views.py").read_text() == before
    assert [n[0] for n in notes(run) if "outside the project" in n[3]] == ["views.py"]


def test_a_file_link_inside_the_project_is_written_through(layout):
    project, _ = layout
    fixable_app(project / "real")
    (project / "views.py").symlink_to("real/views.py")
    (project / "models.py").symlink_to("real/models.py")
    p, run = sarif(Ormlint(project), "--fix", "--unsafe-fixes", "views.py")
    assert (project / "views.py").is_symlink(), "the link is kept"
    assert os.readlink(project / "views.py") == "real/views.py"
    assert (project / "real" / "views.py").read_text() != VIEWS, "the file it names is fixed"
    assert not [n for n in notes(run) if n[2] == "error"], notes(run)


def test_a_hard_linked_file_is_not_split(layout):
    project, _ = layout
    fixable_app(project)
    os.link(project / "views.py", project / "views_again.py")
    p, run = sarif(Ormlint(project), "--fix", "--unsafe-fixes", "views.py")
    a, b = (project / "views.py").stat(), (project / "views_again.py").stat()
    assert (a.st_ino, a.st_nlink) == (b.st_ino, 2), "still one file with two names"
    assert (project / "views.py").read_text() == VIEWS
    refused = [n for n in notes(run) if n[0] == "views.py" and n[2] == "error"]
    assert refused and "hard links" in refused[0][3], notes(run)
    p, run = sarif(Ormlint(project), "--add-noqa", "views.py")
    assert (project / "views.py").read_text() == VIEWS
    assert (project / "views.py").stat().st_ino == (project / "views_again.py").stat().st_ino
    refused = [n for n in notes(run) if n[0] == "views.py" and n[2] == "error"]
    assert refused and refused[0][3].startswith("noqa not added: the file has 2 hard links"), notes(run)


# ---- the cache as a weapon -----------------------------------------------------


def cache_notes(run):
    return [n for n in notes(run) if n[0] == ".ormlint_cache"]


@pytest.mark.parametrize("target", ["../elsewhere", ".", "home"])
def test_a_linked_cache_directory_is_not_used(layout, target):
    project, outside = layout
    fixable_app(project)
    elsewhere = outside.parent / "elsewhere"
    elsewhere.mkdir()
    home = outside.parent / "home"
    home.mkdir()
    (home / "facts").write_text("a file of the user's\n")
    link_to = {"../elsewhere": "../elsewhere", ".": ".", "home": str(home)}[target]
    (project / ".ormlint_cache").symlink_to(link_to)
    pointed = (project / link_to).resolve() if target != "home" else home
    before = sorted(p.name for p in pointed.iterdir())
    for _ in range(2):
        p, run = sarif(Ormlint(project), ".")
        assert result_uris(run) == ["views.py"]
        assert len(cache_notes(run)) == 1 and "symbolic link" in cache_notes(run)[0][3], notes(run)
    assert sorted(p.name for p in pointed.iterdir()) == before, "nothing written where it points"
    assert (home / "facts").read_text() == "a file of the user's\n"
    assert (project / ".ormlint_cache").is_symlink()


def test_a_cache_that_is_a_file_or_another_users_is_not_used(layout):
    project, _ = layout
    fixable_app(project)
    (project / ".ormlint_cache").write_text("not a directory\n")
    p, run = sarif(Ormlint(project), ".")
    assert result_uris(run) == ["views.py"]
    assert len(cache_notes(run)) == 1, notes(run)
    assert (project / ".ormlint_cache").read_text() == "not a directory\n"
    if os.geteuid() != 0:
        return
    (project / ".ormlint_cache").unlink()
    (project / ".ormlint_cache").mkdir(mode=0o777)
    os.chown(project / ".ormlint_cache", 65534, 65534)
    p, run = sarif(Ormlint(project), ".")
    assert "another user" in cache_notes(run)[0][3], notes(run)
    assert list((project / ".ormlint_cache").iterdir()) == []


def hash_words(b):
    """ol_hash_words (analyzer/hash.h)."""
    m = (1 << 64) - 1
    h = 0x9E3779B97F4A7C15 ^ len(b)
    i = 0
    while len(b) - i >= 8:
        (w,) = struct.unpack_from("<Q", b, i)
        h = ((h ^ w) * 0xFF51AFD7ED558CCD) & m
        h ^= h >> 32
        i += 8
    w = int.from_bytes(b[i:] + bytes(8 - (len(b) - i)), "little")
    h = ((h ^ w) * 0xC4CEB9FE1A85EC53) & m
    return h ^ (h >> 29)


def checksum(b):
    """ol_cache_checksum (analyzer/cache.c): four lanes of 8 bytes, the tail
    by ol_hash_words."""
    m = (1 << 64) - 1
    h = [0x9E3779B97F4A7C15 ^ len(b), 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x2545F4914F6CDD1D]
    i = 0
    while len(b) - i >= 32:
        for lane in range(4):
            (w,) = struct.unpack_from("<Q", b, i + 8 * lane)
            h[lane] = ((h[lane] ^ w) * 0xFF51AFD7ED558CCD) & m
            h[lane] ^= h[lane] >> 32
        i += 32
    t = hash_words(b[i:])
    for lane in range(4):
        t = ((t ^ h[lane]) * 0xC4CEB9FE1A85EC53) & m
        t ^= t >> 29
    return t


class Cache:
    """.ormlint_cache/facts (analyzer/cache.c): a header (magic, key, payload
    length, checksum), the name set, then entries; each parsed entry ends
    with its facts record. Edits keep the checksum valid."""

    def __init__(self, path):
        self.path = path
        self.data = bytearray(path.read_bytes())
        assert self.data[:8] == b"OLCACH12"  # the header analyzer/cache.c writes (MAGIC)
        self.records = {}  # rel -> (offset, length) of its facts record
        at = 32
        (n_names,) = struct.unpack_from("<I", self.data, at)
        at += 4 + 8 * n_names
        (n,) = struct.unpack_from("<I", self.data, at)
        at += 4
        for _ in range(n):
            (rl,) = struct.unpack_from("<I", self.data, at)
            rel = self.data[at + 4:at + 4 + rl].decode()
            at += 4 + rl + 8 + 8 + 4 + 8 + 4 + 4 + 4
            (fl,) = struct.unpack_from("<I", self.data, at)
            self.records[rel] = (at + 4, fl)
            at += 4 + fl

    def write(self, data=None):
        data = bytearray(data if data is not None else self.data)
        payload = bytes(data[32:])
        struct.pack_into("<QQ", data, 16, len(payload), checksum(payload))
        self.path.write_bytes(bytes(data))


def cached_project(project, source, name="views.py", settled=False):
    """A project with models.py and name (source), its cache written. When
    settled, the files are older than the cache, so it keys them by mtime too
    (a file written in the cache's own second is keyed by its content only)."""
    fixable_app(project)
    (project / name).write_text(source)
    if settled:
        old = time.time() - 60
        for f in project.glob("*.py"):
            os.utime(f, (old, old))
    ormlint = Ormlint(project)
    p, baseline = ormlint.json(".", "--no-cache")
    p2, again = ormlint.json(".")
    assert again == baseline
    return ormlint, baseline, Cache(project / ".ormlint_cache" / "facts")


def test_a_cache_from_another_checkout_is_stale(layout):
    """A committed (or copied) cache holds facts someone else chose: its key
    names the directory it was written in, so a clone never reads it."""
    project, outside = layout
    fixable_app(project)
    Ormlint(project)(".")
    clone = outside.parent / "clone"
    shutil.copytree(project, clone, symlinks=True)
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "."], cwd=clone, capture_output=True, text=True, env=env,
                       timeout=30 * TIMEOUT_SCALE)
    assert "cache: on stale, 0 files from it" in p.stderr, p.stderr
    p = subprocess.run([ORMLINT, "."], cwd=project, capture_output=True, text=True, env=env,
                       timeout=30 * TIMEOUT_SCALE)
    assert "cache: on , 2 files from it" in p.stderr, p.stderr


RELATIVE = ("from " + "." * 13 + "helpers import helper\n\n" + VIEWS +
            "\n\ndef many(bookings):\n    for b in bookings:\n" + "        helper(b)\n" * 20)


@pytest.mark.parametrize("settled", [False, True], ids=["racy", "settled"])
def test_a_crafted_import_level_is_refused(layout, settled):
    """Refused once, whichever key found the record (mtime, then content)."""
    project, _ = layout
    ormlint, baseline, cache = cached_project(project, RELATIVE, settled=settled)
    at, n = cache.records["views.py"]
    record = bytes(cache.data[at:at + n])
    # The relative import's item: three pointers written as 0, then its level
    # (13; the padding after it is cleared by GCC only).
    item = bytes(24) + struct.pack("<I", 13)
    assert record.count(item) == 1
    i = at + record.index(item) + 24
    struct.pack_into("<I", cache.data, i, 0xFFFFFFFF)
    cache.write()
    p, found = ormlint.json(".", timeout=30, stats=True)
    assert p.returncode == 1 and found == baseline, "the record is dropped, the file parsed"
    work = stats(p.stderr)
    assert work["cache records refused"] == 1 and work["files parsed"] == 1, work
    # no module path of 4 billion levels: what the resolution made is the project's paths
    assert work["binding bytes"] < 10_000, work


# `self.x` reads are dropped from the calls after the walk; an argument built
# on a call (`query = narrow(query)` then `chef_ids(query)`) names that call by
# its index, which must move with it.
PLAIN_READS_BEFORE_A_CALL_CHAIN = """from models import Booking


def narrow(query):
    return query.filter(Booking.chef_id > 0)


def chef_ids(bookings):
    return [b.chef_id for b in bookings]


class Listing:
    def __init__(self, size):
        self.size = size
        self.page = 1

    def rows(self):
        first = self.page * self.size
        last = first + self.size
        query = Booking.query
        query = narrow(query)
        return chef_ids(query), last
"""


@pytest.mark.parametrize("settled", [False, True], ids=["racy", "settled"])
def test_a_warm_run_reads_every_record_it_wrote(layout, settled):
    """What a run writes, the next run takes back whole: no record refused, no
    file parsed again (the record of a call chain after dropped reads once held
    an index past the end of its calls, and every warm run parsed the file)."""
    project, _ = layout
    ormlint, baseline, _ = cached_project(project, PLAIN_READS_BEFORE_A_CALL_CHAIN,
                                          name="service.py", settled=settled)
    p, found = ormlint.json(".", timeout=30, stats=True)
    work = stats(p.stderr)
    assert found == baseline
    assert work["cache records refused"] == 0 and work["files parsed"] == 0, work


def test_crafted_cache_records_never_crash_or_hang(layout):
    """Hostile values (a length past the end, an index past its table, a
    huge count, a flag of 2) written at random places of a record with a
    valid checksum: every run ends, with an exit code, and a record the
    checks refuse leaves the findings of a parse."""
    project, _ = layout
    ormlint, baseline, cache = cached_project(project, RELATIVE)
    at, n = cache.records["views.py"]
    pristine = bytes(cache.data)
    rng = random.Random(19)
    values = [0xFFFFFFFF, 0x7FFFFFFF, 1000, 2, 0x80000000]
    runs = int(os.environ.get("ORMLINT_CRAFTED_CACHE_RUNS", "150"))
    for k in range(runs):
        data = bytearray(pristine)
        off = at + rng.randrange(0, n - 4)
        v = values[k % len(values)]
        if v == 2:
            data[off] = 2
        else:
            struct.pack_into("<I", data, off, v)
        cache.write(data)
        p = ormlint("--format", "json", ".", timeout=30)
        assert p.returncode in (0, 1, 2), f"offset {off - at} value {v:#x}: exit {p.returncode} {p.stderr[-1500:]}"
        json.loads(p.stdout)


# ---- quadratic names -----------------------------------------------------------


def counted_run(ormlint, project, text):
    """The counts of work (ORMLINT_STATS) of a run with big.py holding text."""
    (project / "big.py").write_text(text)
    p = ormlint("--no-cache", "--format", "json", ".", timeout=120, stats=True)
    assert p.returncode in (0, 1), p.stderr[-1000:]
    return stats(p.stderr)


@pytest.mark.parametrize("shape", ["dots", "module"])
def test_long_names_cost_linear_time(project, ormlint, shape):
    """A binding 500,000 bytes long and 2,000 calls of it in a loop: each call
    resolves the binding, so the file must cost what the same file costs
    when the calls name something else, not the name's length times the
    calls. Counted, not timed (a ratio of two times flaked on a shared
    machine): the bytes of module paths the resolution of imported names
    made, which a recorded binding of that length would make 2,000 times
    (10^9 bytes)."""
    binding = {
        "dots": "from " + "." * 500_000 + "mod import helper\n",
        "module": "from " + ".".join(["m"] * 250_000) + " import helper\n",
    }[shape]
    head = "from sqlalchemy.orm import Session\n" + binding  # an ORM token: the file is parsed
    loop = "def run(rows):\n    for r in rows:\n" + "        {}(r)\n" * 2000
    (project / "models.py").write_text(MODELS)
    unbound = counted_run(ormlint, project, head + loop.format(*["nothing"] * 2000))
    bound = counted_run(ormlint, project, head + loop.format(*["helper"] * 2000))
    assert bound["files parsed"] == unbound["files parsed"] == 2, (bound, unbound)
    # at most one real module path (OL_MAX_NAME_BYTES, 1,024 bytes) per call
    assert bound["binding bytes"] <= unbound["binding bytes"] + 2000 * 1024, (bound, unbound)
    assert bound["binding bytes"] < 500_000, "the 500,000-byte binding was resolved"


# ---- README's commands from a checkout others cannot enter ---------------------

PG_CHECK = '''
import os
import psycopg2


def test_the_cluster_answers():
    c = psycopg2.connect(host=os.environ["ORACLE_PG_HOST"], port=os.environ["ORACLE_PG_PORT"],
                         user=os.environ["ORACLE_PG_USER"], dbname="postgres")
    cur = c.cursor()
    cur.execute("create table t (x int); insert into t values (19); select x from t")
    assert cur.fetchone() == (19,)
    c.close()
    with open(os.environ["PG_CHECK_OUT"], "w") as f:
        f.write(os.environ["ORACLE_PG_HOST"])
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="the cluster runs as `postgres` only when run as root")
@pytest.mark.skipif(not Path("/usr/lib/postgresql/15/bin/initdb").exists(), reason="no PostgreSQL 15")
def test_the_oracle_runs_from_a_directory_postgres_cannot_enter(tmp_path):
    """Root's home is 0700: a checkout (and its build/) there is closed to
    the `postgres` user, so the oracle's cluster must live elsewhere."""
    home = tmp_path / "root-home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    build = home / "ormlint" / "build"
    build.mkdir(parents=True)
    check = tmp_path / "pgcheck"
    check.mkdir()
    (check / "test_pg.py").write_text(PG_CHECK)
    env = dict(os.environ, B=str(build), ORMLINT=ORMLINT, ORACLE_PG_PORT="54391",
               PG_CHECK_OUT=str(check / "host"))
    p = subprocess.run(["sh", str(REPO / "corpus/oracle/run.sh"), "-p", "no:cacheprovider",
                        str(check / "test_pg.py")], env=env, capture_output=True, text=True,
                       timeout=300 * TIMEOUT_SCALE)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert "1 passed" in p.stdout
    cluster = Path((check / "host").read_text()).parent
    assert not str(cluster).startswith(str(home)), "the cluster lives outside the checkout"
    assert not cluster.exists(), "and is removed afterwards"


# ---- what a company's review asks first ------------------------------------------


def check_notices(pins, *libs):
    return subprocess.run(["sh", str(REPO / "tools/check_notices.sh"), str(REPO / "THIRD_PARTY_NOTICES"),
                           str(pins), *libs], capture_output=True, text=True)


def test_license_and_notices_match_what_the_binary_is_built_from(tmp_path):
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
    vsix = json.loads((REPO / "vscode/package.json").read_text())
    assert vsix["license"] == "MIT"
    pins = REPO / "grammars/pins.mk"
    libs = ["-lpcre2-8", "-lcjson"]  # the tree-sitter runtime is embedded from its npm pin
    assert check_notices(pins, *libs).returncode == 0
    # A pin bumped, a library added or dropped, without its notice: refused.
    bumped = tmp_path / "pins.mk"
    text = pins.read_text()
    version = [l.split(":=")[1].strip() for l in text.splitlines() if l.startswith("PY_GRAMMAR_VERSION")][0]
    bumped.write_text(text.replace(version, version + "1"))
    p = check_notices(bumped, *libs)
    assert p.returncode == 1 and "no entry for embedded tree-sitter-python" in p.stderr
    p = check_notices(pins, *libs, "-lyaml")
    assert p.returncode == 1 and "no entry for link -lyaml" in p.stderr
    runtime = [l.split(":=")[1].strip() for l in text.splitlines() if l.startswith("TS_RUNTIME_VERSION")][0]
    newer = tmp_path / "newer.mk"  # the runtime bumped without its notice
    newer.write_text(text.replace(f"TS_RUNTIME_VERSION   := {runtime}", "TS_RUNTIME_VERSION   := 9.9.9"))
    p = check_notices(newer, *libs)
    assert p.returncode == 1 and "no entry for embedded tree-sitter 9.9.9" in p.stderr, p.stderr
    assert f"embedded tree-sitter {runtime}, which the build no longer uses" in p.stderr
    p = check_notices(pins, *libs, "-ltree-sitter")  # Debian's runtime linked again
    assert p.returncode == 1 and "no entry for link -ltree-sitter" in p.stderr


def test_diamonds_of_bases_cost_their_size(project, ormlint):
    """Sixteen levels of ten mixins, each deriving from all ten above: a
    walk up the bases that visits a base once per path to it takes 10^15
    steps; each class is walked once, so the run ends as the file is read
    (the subprocess timeout is the guard, not a measured time)."""
    width, depth = 10, 16
    lines = ["from flask_sqlalchemy import SQLAlchemy", "db = SQLAlchemy()", "",
             "class L0_0(db.Model):", "    __abstract__ = True",
             "    id = db.Column(db.Integer, primary_key=True)", ""]
    for d in range(1, depth):
        for i in range(width):
            bases = ", ".join(f"L{d - 1}_{j}" for j in range(width)) if d > 1 else "L0_0"
            lines += [f"class L{d}_{i}({bases}):", "    __abstract__ = True",
                      "    def helper(self):", "        return 1", ""]
    leaf_bases = ", ".join(f"L{depth - 1}_{j}" for j in range(width))
    lines += ["class Owner(db.Model):", "    id = db.Column(db.Integer, primary_key=True)", "",
              f"class Leaf({leaf_bases}):", "    __tablename__ = 'leaf'",
              "    owner_id = db.Column(db.Integer, db.ForeignKey('owner.id'))",
              "    owner = db.relationship('Owner', backref='leaves')", "",
              "def show():", "    for x in Leaf.query.all():",
              "        print(x.owner.id, x.helper(), x.missing())"]
    (project / "models.py").write_text("\n".join(lines) + "\n")
    p = ormlint("--no-cache", "--format", "json", ".", timeout=120)
    assert p.returncode == 1, p.stderr[-1000:]
    found = [(f["line"], f["code"]) for f in json.loads(p.stdout)]
    assert (len(lines), "ORM002") in found, found
