"""The literal prefilter and .ormlint_cache/ (issue 9, DESIGN.md "Pipeline"
prefilter, "Budgets"): a skipped parse never costs a finding, and a cache
never changes one.

- Findings that depend on files holding no ORM token of their own: the
  middle helper of a 3-file call chain, a subclass of a model, a loop over
  the rows a helper returns. Each is found with the prefilter on, as with
  --no-prefilter, and the statistics say files were skipped.
- Differential: corpus/, the rule fixtures, a generated project and a slice
  of Debian's Python tree (sqlalchemy itself, flask_sqlalchemy, stdlib
  packages) give byte-identical reports with and without the prefilter.
- The cache: cold, warm and --no-cache runs give identical reports, for one
  checked file and for the project; an edit of an index-only file is seen;
  a damaged cache (cut, flipped bytes, garbage, empty) is ignored and
  replaced; a configuration change invalidates it; it carries its own
  .gitignore; --no-cache and an unmarked root leave no directory behind.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CACHE_MODELS, ORMLINT, Ormlint, damage

REPO = Path(__file__).resolve().parents[2]

MODELS = CACHE_MODELS

FILES = {
    "app/__init__.py": "",
    "app/models.py": MODELS,
    # The query: the only file of the chain with an ORM token.
    "app/queries.py": (
        "from app.models import Review\n\n\n"
        "def reviews_of(chef_id):\n"
        "    return Review.query.filter_by(chef_id=chef_id).all()\n"),
    # No ORM token: the middle of the chain.
    "app/helpers.py": (
        "from app.queries import reviews_of\n\n\n"
        "def rating_of(chef_id):\n"
        "    rows = reviews_of(chef_id)\n"
        "    return sum(r.stars for r in rows) / max(len(rows), 1)\n"),
    # No ORM token: the loop.
    "app/views.py": (
        "from app import helpers\n\n\n"
        "def chef_page(bookings):\n"
        "    out = []\n"
        "    for b in bookings:\n"
        "        out.append(helpers.rating_of(b.chef_id))  # ORM001\n"
        "    return out\n"),
    # No ORM token: a subclass of a model, read through an annotation.
    "app/admin.py": (
        "from app.models import User\n\n\n"
        "class Admin(User):\n"
        "    pass\n"),
    "app/admin_views.py": (
        "from app.admin import Admin\n\n\n"
        "def names(admins: list[Admin]):\n"
        "    return [len(a.posts) for a in admins]  # ORM002\n"),
    # A helper that returns rows; the loop over them has no ORM token.
    "app/feed.py": (
        "from app.models import Post\n\n\n"
        "def recent_posts():\n"
        "    return Post.query.order_by(Post.id.desc()).all()\n"),
    "app/feed_views.py": (
        "from app.feed import recent_posts\n\n\n"
        "def authors():\n"
        "    return [p.author.name for p in recent_posts()]  # ORM002\n"),
    # Nothing to do with the ORM: never parsed.
    "app/text.py": (
        "import re\n\n\n"
        "def slug(s):\n"
        "    return '-'.join(re.findall(r'\\w+', s.lower()))\n"),
}


@pytest.fixture
def app(project):
    for rel, text in FILES.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project


def expected_lines(project):
    out = []
    for rel in FILES:
        for n, line in enumerate((project / rel).read_text().splitlines(), 1):
            if "# ORM00" in line:
                out.append((rel, n, line.split("# ")[-1].strip()))
    return sorted(out)


def found(results):
    return sorted((r["path"], r["line"], r["code"]) for r in results)


def timings(p):
    return [line for line in p.stderr.splitlines() if line.startswith("ormlint ")]


def test_findings_through_files_without_orm_tokens(app, ormlint):
    p, results = ormlint.json("--no-cache", ".")
    assert p.returncode == 1, p.stderr
    assert found(results) == expected_lines(app)
    for r in results:
        if r["path"] == "app/views.py":
            assert "app.helpers.rating_of" in r["message"] and "app/queries.py" in r["message"]
    q, reference = ormlint.json("--no-cache", "--no-prefilter", ".")
    assert q.stdout == p.stdout
    stats = ormlint("--no-cache", "--statistics", ".").stdout
    assert "2 of 10 files not parsed" in stats, stats
    assert "not parsed" not in ormlint("--no-cache", "--no-prefilter", "--statistics", ".").stdout


def test_one_checked_file_sees_the_chain(app, ormlint):
    for rel in ("app/views.py", "app/admin_views.py", "app/feed_views.py"):
        p, results = ormlint.json("--no-cache", rel)
        assert found(results) == [e for e in expected_lines(app) if e[0] == rel], rel


def test_timings_report_the_prefilter(app, ormlint):
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "--no-cache", "."], cwd=app, capture_output=True, text=True, env=env)
    line = [t for t in timings(p) if t.startswith("ormlint prefilter")][0]
    assert "prefilter: on, 2 files not parsed" in line, line


# ---- differential ---------------------------------------------------------------------------


def same_reports(cwd, paths, timeout=600):
    ol = Ormlint(cwd)
    for fmt in ("json", "sarif"):
        on = ol("--no-cache", "--exit-zero", "--format", fmt, *paths, timeout=timeout)
        off = ol("--no-cache", "--exit-zero", "--no-prefilter", "--format", fmt, *paths, timeout=timeout)
        assert on.returncode == off.returncode, (fmt, on.stderr, off.stderr)
        assert on.stdout == off.stdout, fmt
        assert on.stdout.strip()


def test_differential_corpus():
    same_reports(REPO, ["corpus/softfactory"])


def test_differential_fixtures():
    same_reports(REPO, ["rules"])


def test_differential_generated_project(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tests" / "bench_project.py"), str(tmp_path), "12"],
                   check=True)
    same_reports(tmp_path, ["."])


DEBIAN = ["/usr/lib/python3/dist-packages/sqlalchemy", "/usr/lib/python3/dist-packages/flask_sqlalchemy",
          "/usr/lib/python3.11/email", "/usr/lib/python3.11/asyncio", "/usr/lib/python3.11/sqlite3"]


@pytest.mark.skipif(not all(os.path.isdir(d) for d in DEBIAN), reason="Debian's Python packages")
def test_differential_debian_python_tree(tmp_path):
    same_reports(tmp_path, DEBIAN)
    # What the prefilter leaves unparsed, counted (never timed): sqlalchemy's own modules are
    # ORM code, the standard library's are not. 112 of 277 when written (56 before the links
    # started only at files that hold ORM code, and tokens in comments and docstrings stopped
    # counting).
    stats = Ormlint(tmp_path)("--no-cache", "--statistics", "--exit-zero", *DEBIAN).stdout
    unparsed = int(stats.strip().splitlines()[-1].split(" of ")[0])
    assert unparsed >= 100, stats


# ---- the cache ------------------------------------------------------------------------------


def test_cold_warm_and_no_cache_agree(app, ormlint):
    cache = app / ".ormlint_cache"
    for args in (["app/views.py"], ["app/feed_views.py"], ["."]):
        reference = ormlint("--no-cache", "--format", "sarif", *args).stdout
        if cache.exists():
            for f in cache.iterdir():
                f.unlink()
            cache.rmdir()
        cold = ormlint("--format", "sarif", *args).stdout
        assert (cache / "facts").is_file()
        warm = ormlint("--format", "sarif", *args).stdout
        assert reference == cold == warm, args
    assert (cache / ".gitignore").read_text() == "*\n"
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "app/views.py"], cwd=app, capture_output=True, text=True, env=env)
    line = [t for t in timings(p) if "cache:" in t][0]
    assert "cache: on ," in line and "8 files from it" in line, line


def test_a_file_cached_unchecked_is_read_whole_when_checked(app, ormlint):
    """A run reads back, for the files it does not check, only the tables
    read across files (cache.h, ol_facts_deserialize_for): a later run that
    checks such a file, unchanged, reads its record whole, and its own
    checks' tables (ORM004's count statements) are there."""
    (app / "app" / "stats.py").write_text(
        "from app.models import Review\n\n\n"
        "def stats(chef_id):\n"
        "    total = Review.query.count()\n"
        "    mine = Review.query.filter_by(chef_id=chef_id).count()  # ORM004\n"
        "    return total, mine\n")
    old = time.time() - 3600  # committed an hour ago: entries found by size and mtime
    for f in app.rglob("*.py"):
        os.utime(f, (old, old))
    reference = ormlint("--no-cache", "--format", "sarif", "app/stats.py").stdout
    ormlint("app/views.py")
    ormlint("app/views.py")  # warm: stats.py read back unchecked
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "--format", "sarif", "app/stats.py"], cwd=app, capture_output=True,
                       text=True, env=env)
    assert "9 files from it" in [t for t in timings(p) if "cache:" in t][0], p.stderr
    assert p.stdout == reference
    assert [r["ruleId"] for r in json.loads(p.stdout)["runs"][0]["results"]] == ["ORM004"]


def test_an_edited_index_file_is_seen(app, ormlint):
    assert ormlint.json("app/views.py")[1]
    assert ormlint.json("app/views.py")[1]
    queries = app / "app" / "queries.py"
    queries.write_text("def reviews_of(chef_id):\n    return []\n")
    p, results = ormlint.json("app/views.py")
    assert results == [] and p.returncode == 0
    assert ormlint.json("--no-cache", "app/views.py")[1] == []
    # Made relevant again by a name, with no ORM token: the helper now queries
    # through a function the index knows.
    queries.write_text("from app.feed import recent_posts\n\n\ndef reviews_of(chef_id):\n"
                       "    return recent_posts()\n")
    p, results = ormlint.json("app/views.py")
    assert [r["code"] for r in results] == ["ORM001"]
    assert p.stdout == ormlint("--format", "json", "--no-cache", "app/views.py").stdout



@pytest.mark.parametrize("how", ["empty", "garbage", "cut0", "cut10", "cut50", "cut99",
                                 "flip0", "flip2", "flip5", "flip30", "flip60", "flip99"])
def test_a_damaged_cache_is_ignored(app, ormlint, how):
    reference = ormlint("--no-cache", "--format", "sarif", ".").stdout
    assert ormlint("--format", "sarif", ".").stdout == reference
    facts = app / ".ormlint_cache" / "facts"
    damage(facts, how)
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "--format", "sarif", "."], cwd=app, capture_output=True, text=True,
                       env=env, timeout=30)
    assert p.returncode == 1 and p.stdout == reference, p.stderr
    line = [t for t in timings(p) if "cache:" in t][0]
    assert "corrupt" in line or "stale" in line, line
    assert "0 files from it" in line
    p = subprocess.run([ORMLINT, "--format", "sarif", "."], cwd=app, capture_output=True, text=True,
                       env=env, timeout=30)
    assert p.stdout == reference
    assert "8 files from it" in [t for t in timings(p) if "cache:" in t][0], "written again"


def test_a_config_change_invalidates_the_cache(app, ormlint):
    (app / "app" / "base.py").write_text(
        "class BaseModel:\n    pass\n\n\nclass Tag(BaseModel):\n"
        "    owner = relationship('User')\n")
    (app / "app" / "tag_views.py").write_text(
        "from app.base import Tag\n\n\ndef owners(tags: list[Tag]):\n"
        "    return [t.owner for t in tags]\n")
    assert ormlint.json("app/tag_views.py")[1] == []
    (app / "pyproject.toml").write_text('[tool.ormlint]\nmodel-bases = ["BaseModel"]\n')
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "--format", "json", "app/tag_views.py"], cwd=app, capture_output=True,
                       text=True, env=env)
    assert "stale" in [t for t in timings(p) if "cache:" in t][0]
    assert [r["code"] for r in json.loads(p.stdout)] == ["ORM002"]
    assert p.stdout == ormlint("--format", "json", "--no-cache", "app/tag_views.py").stdout


def test_no_cache_and_unmarked_roots_write_nothing(app, ormlint, tmp_path_factory):
    ormlint("--no-cache", ".")
    assert not (app / ".ormlint_cache").exists()
    bare = tmp_path_factory.mktemp("bare")
    (bare / "views.py").write_text(FILES["app/queries.py"])
    Ormlint(bare)(".")
    assert not (bare / ".ormlint_cache").exists()


def test_a_cache_that_cannot_be_written_costs_nothing(app, ormlint):
    """Said once (a repository may plant it: test_hostile_repo.py), then the
    same report as without a cache."""
    reference = ormlint("--no-cache", ".").stdout
    (app / ".ormlint_cache").write_text("not a directory\n")
    p = ormlint(".")
    note = ".ormlint_cache: warning: cache not used: it is not a directory (ormlint runs without it)\n"
    assert p.returncode == 1 and p.stdout.replace(note, "", 1) == reference, p.stderr
    assert (app / ".ormlint_cache").read_text() == "not a directory\n"


def test_unused_noqa_in_a_file_without_other_tokens(app, ormlint):
    """ORM100 judges the noqa of a file whose only tie to the project is a
    call in a loop to a plain function: the noqa's ORM code is a token."""
    (app / "app" / "slugs.py").write_text(
        "from app.text import slug\n\n\ndef slugs(xs):\n    out = []\n    for x in xs:\n"
        "        out.append(slug(x))  # noqa: ORM001\n    return out\n")
    p, results = ormlint.json("--no-cache", "--select", "ORM", "app/slugs.py")
    assert [r["code"] for r in results] == ["ORM100"], p.stderr
    q = ormlint("--no-cache", "--no-prefilter", "--select", "ORM", "--format", "json", "app/slugs.py")
    assert q.stdout == p.stdout


# ---- the import graph -----------------------------------------------------------------------

CHAIN = {
    "app/__init__.py": "",
    "app/models.py": MODELS,
    "app/views.py": ("from app.models import User\nfrom app.relay import pass_on\n\n\n"
                     "def authors():\n    for user in User.query.all():\n        pass_on(user)\n"),
    # no token, no name that matters until the module it imports is parsed
    "app/relay.py": "from app.reader import read_it\n\n\ndef pass_on(thing):\n    return read_it(thing)\n",
    "app/reader.py": "def read_it(obj):\n    return len(obj.posts)\n",
    # a relationship's name in code no import connects to the application
    "other/__init__.py": "",
    "other/lib.py": "def count(x):\n    return len(x.posts)\n",
}


def unprefiltered_run(root, files):
    """files written under root (a project): ormlint, its JSON run, which is --no-prefilter's."""
    (root / ".git").mkdir()
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    ol = Ormlint(root)
    p, results = ol.json("--no-cache", ".")
    assert ol("--no-cache", "--no-prefilter", "--format", "json", ".").stdout == p.stdout
    return ol, p, results


def test_a_chain_through_the_import_graph_and_code_it_does_not_reach(tmp_path):
    ol, p, results = unprefiltered_run(tmp_path, CHAIN)
    assert found(results) == [("app/views.py", 7, "ORM002")], p.stdout
    assert "app/reader.py" in results[0]["message"]
    stats = ol("--no-cache", "--statistics", ".").stdout
    assert "3 of 7 files not parsed" in stats, stats  # the two __init__.py and other/lib.py
    for _ in range(2):  # cold, then warm cache
        assert ol("--format", "json", ".").stdout == p.stdout
        assert ol("--format", "json", "app/views.py").stdout == ol(
            "--no-cache", "--format", "json", "app/views.py").stdout


# ---- code beside the application (issue 20: a monorepo's non-ORM code) ----------------------

BESIDE = {
    "app/__init__.py": "",
    "app/models.py": MODELS + (
        "\n\nclass Identity(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))\n"
        "    user = db.relationship('User')\n"),
    # `random` is the standard library's here, not lib/core/random.py (lib/core is a package)
    "app/views.py": ("import random\n\nfrom app.models import Identity\n\n\n"
                     "def pick():\n    rows = Identity.query.all()\n"
                     "    return random.choice(rows)\n\n\n"
                     "def users():\n    return [i.user.name for i in Identity.query.all()]  # ORM002\n"),
    "lib/__init__.py": "from lib.core import *\n",
    "lib/core/__init__.py": "from lib.core.random import choice\n",
    # a relationship's name read on a parameter: a name that matters, in code no import connects
    "lib/core/random.py": "def choice(seq):\n    return [s.user for s in seq][0]\n",
    # an ORM token in code: parsed, yet it holds no ORM code, so what it imports is not linked
    "lib/notes.py": ("from lib.core.random import choice\nfrom lib.matrices import GenericIdentity\n\n"
                     "session = {}  # a notebook's, nothing of a database\n\n\n"
                     "def first(xs):\n    \"\"\"The relationship of a Column to a db.\"\"\"\n"
                     "    return choice(xs)\n"),
    # ORM words in comments and docstrings only: not parsed
    "lib/prose.py": ("# the session, its Column and Model\n\n\n"
                     "def rel():\n    \"\"\"A relationship, a backref, a db.\"\"\"\n    return 1\n"),
    # a class of the model's name, and one deriving from it: neither is a model
    "lib/matrices.py": ("class Identity:\n    def __init__(self, n):\n        self.n = n\n\n\n"
                        "class GenericIdentity(Identity):\n    pass\n"),
    "lib/shapes.py": ("from lib.matrices import Identity\n\n\n"
                      "def sizes(items):\n    return [i.user for i in items]\n"),
}


def test_code_beside_the_application_is_not_parsed(tmp_path):
    """A file parsed for a token that holds no ORM code links nothing; a
    module name below a package is not the standard library's; a class
    named like a model matters only in a class statement; a class deriving
    from its own file's class of a model's name is no model. The reports
    are those of --no-prefilter."""
    ol, p, results = unprefiltered_run(tmp_path, BESIDE)
    assert found(results) == [("app/views.py", 12, "ORM002")], p.stdout
    stats = ol("--no-cache", "--statistics", ".").stdout
    # lib/__init__.py, lib/core/__init__.py, lib/core/random.py, lib/shapes.py, lib/prose.py and
    # the empty app/__init__.py; lib/matrices.py is parsed: its class statement names a model's name
    assert "6 of 10 files not parsed" in stats, stats
    for args in ([], ["--no-prefilter"]):
        models = ol("--no-cache", "--show-models", *args, ".").stdout
        assert "GenericIdentity" not in models and "Identity" in models, models


# ---- outside work defined where no ORM token is (issue 20's guarantee) -------------------------

OUTSIDE = {
    "app/__init__.py": "",
    "app/models.py": MODELS,
    # No ORM token: outside work two calls down, through an imported helper and a method of an
    # object a constructor made.
    "app/files.py": (
        "from app.disk import wipe\n\n\n"
        "class Cache:\n"
        "    def drop(self, name):\n"
        "        wipe(name)\n\n\n"
        "def archive(name):\n"
        "    wipe(name)\n"),
    "app/disk.py": (
        "from os import remove\n\n\n"
        "def wipe(name):\n"
        "    remove(f'/tmp/{name}')\n"),
    # No ORM token and nothing outside: the commits of its caller's loop stay findings.
    "app/text.py": "def title_of(name):\n    return name.title()\n",
    "app/jobs.py": (
        "from app.files import Cache, archive\n"
        "from app.models import Post, db\n"
        "from app.text import title_of\n\n\n"
        "def purge(posts):\n"
        "    cache = Cache()\n"
        "    for post in posts:\n"
        "        cache.drop(str(post.id))\n"
        "        db.session.delete(post)\n"
        "        db.session.commit()\n\n\n"
        "def archive_all():\n"
        "    for post in Post.query.all():\n"
        "        archive(str(post.id))\n"
        "        db.session.commit()\n\n\n"
        "def retitle():\n"
        "    for post in Post.query.all():\n"
        "        post.title = title_of(post.title)\n"
        "        db.session.commit()\n"),
}


def test_outside_work_where_no_orm_token_is(tmp_path):
    """A loop that commits per item and also removes a file through helpers in files that hold
    no ORM token: those files are parsed (what the loop calls unresolved is a name that
    matters), so the commits are exempt as with --no-prefilter; a helper that does nothing
    outside leaves its loop's commit reported."""
    ol, p, results = unprefiltered_run(tmp_path, OUTSIDE)
    assert [r for r in found(results) if r[2] == "ORM006"] == [("app/jobs.py", 23, "ORM006")], \
        p.stdout
    stats = ol("--no-cache", "--statistics", ".").stdout
    # app/__init__.py only: text.py is parsed too, since a committing loop calls into it
    assert "1 of 6 files not parsed" in stats, stats
