"""The resolved calls in .ormlint_cache/calls (issue 20, ask 6): a warm run
gives the very bytes of a run without a cache, whatever was edited since the
cache was written, and resolves again only the files whose resolution read
what changed.

Every kind of edit, one after the other on one project, each checked with
the cache the previous run left (the whole project, then one file as
pre-commit passes it) against --no-cache: a function body that changes a
summary (a query appears, then goes), a model (a relationship's loading),
a module's interface (a function renamed away and back: the callers in other
files must see it), a file added, removed and renamed, a class of the same
name added elsewhere (which class a name means), the configuration. Then:
a body-only edit resolves only its own file again; a damaged calls file is
ignored and written again; a calls file from another project's layout is
never trusted.
"""
import os
import shutil
import subprocess

import pytest

from conftest import CACHE_MODELS, ORMLINT, Ormlint, damage, stats

MODELS = CACHE_MODELS

QUERIES = ("from app.models import Review\n\n\n"
           "def reviews_of(chef_id):\n"
           "    return Review.query.filter_by(chef_id=chef_id).all()\n")

HELPERS = ("from app.queries import reviews_of\n\n\n"
           "def rating_of(chef_id):\n"
           "    rows = reviews_of(chef_id)\n"
           "    return sum(r.stars for r in rows) / max(len(rows), 1)\n")

FILES = {
    "app/__init__.py": "",
    "app/models.py": MODELS,
    "app/queries.py": QUERIES,
    "app/helpers.py": HELPERS,
    "app/views.py": (
        "from app import helpers\n"
        "from app.extra import counted\n\n\n"
        "def chef_page(bookings):\n"
        "    out = []\n"
        "    for b in bookings:\n"
        "        out.append(helpers.rating_of(b.chef_id))\n"
        "        out.append(counted(b))\n"
        "    return out\n"),
    "app/feed.py": (
        "from app.models import Post\n\n\n"
        "def recent_posts():\n"
        "    return Post.query.order_by(Post.id.desc()).all()\n"),
    "app/feed_views.py": (
        "from app.feed import recent_posts\n\n\n"
        "def authors():\n"
        "    return [p.author.name for p in recent_posts()]\n"),
    "app/text.py": (
        "import re\n\n\n"
        "def slug(s):\n"
        "    return '-'.join(re.findall(r'\\w+', s.lower()))\n"),
}

EXTRA = ("from app.models import Post\n\n\n"
         "def counted(b):\n"
         "    return Post.query.filter_by(user_id=b.id).count()\n")


@pytest.fixture
def app(project):
    for rel, text in FILES.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project


def timings(app, *args):
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    p = subprocess.run([ORMLINT, "--format", "sarif", *args], cwd=app, capture_output=True,
                       text=True, env=env, timeout=60)
    return p, [t for t in p.stderr.splitlines() if "calls of" in t][0]


def warm_is_cold(app, ormlint, label):
    """Warm (the cache as the last run left it) == no cache, for the
    project and for one checked file; returns the project's report."""
    for args in (["."], ["app/views.py"], ["app/feed_views.py"], ["."]):
        cold = ormlint("--no-cache", "--exit-zero", "--format", "sarif", *args)
        warm = ormlint("--exit-zero", "--format", "sarif", *args)
        assert warm.stdout == cold.stdout, (label, args, warm.stderr)
        assert (app / ".ormlint_cache" / "calls").is_file(), label
    return ormlint("--no-cache", "--exit-zero", "--format", "json", ".").stdout


def codes(report, path):
    import json
    return sorted((r["line"], r["code"]) for r in json.loads(report) if r["path"] == path)


def edit(app, rel, text):
    path = app / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_warm_equals_cold_after_every_kind_of_edit(app, ormlint):
    base = warm_is_cold(app, ormlint, "first")
    assert codes(base, "app/views.py") == [(8, "ORM001")]  # counted(): no such module yet
    # A function edit that changes a summary: the query goes, then comes back.
    edit(app, "app/queries.py", "def reviews_of(chef_id):\n    return []\n")
    assert codes(warm_is_cold(app, ormlint, "summary loses its query"), "app/views.py") == []
    edit(app, "app/queries.py", QUERIES)
    assert warm_is_cold(app, ormlint, "summary gets it back") == base
    # A model edit: the relationship is loaded with its rows.
    edit(app, "app/models.py", MODELS.replace(
        'relationship("User", back_populates="posts")',
        'relationship("User", back_populates="posts", lazy="joined")'))
    assert codes(warm_is_cold(app, ormlint, "model"), "app/feed_views.py") == []
    edit(app, "app/models.py", MODELS)
    assert warm_is_cold(app, ormlint, "model back") == base
    # An interface change in helpers.py: views.py, not edited, calls it.
    edit(app, "app/helpers.py", HELPERS.replace("def rating_of", "def rating"))
    assert codes(warm_is_cold(app, ormlint, "renamed away"), "app/views.py") == []
    edit(app, "app/helpers.py", HELPERS)
    assert warm_is_cold(app, ormlint, "renamed back") == base
    # A file added (views.py imported it all along), removed, renamed.
    edit(app, "app/extra.py", EXTRA)
    added = warm_is_cold(app, ormlint, "file added")
    assert codes(added, "app/views.py") == [(8, "ORM001"), (9, "ORM003")]
    (app / "app" / "extra.py").unlink()
    assert warm_is_cold(app, ormlint, "file removed") == base
    edit(app, "app/extra.py", EXTRA)
    warm_is_cold(app, ormlint, "file added again")
    (app / "app" / "extra.py").rename(app / "app" / "extras.py")
    assert codes(warm_is_cold(app, ormlint, "file renamed"), "app/views.py") == [(8, "ORM001")]
    (app / "app" / "extras.py").rename(app / "app" / "extra.py")
    assert warm_is_cold(app, ormlint, "renamed back") == added
    # A class of the same name in another file: which class `Review` means.
    edit(app, "app/aaa.py", "class Review:\n    def stars(self):\n        return 1\n")
    warm_is_cold(app, ormlint, "class added")
    (app / "app" / "aaa.py").unlink()
    assert warm_is_cold(app, ormlint, "class removed") == added
    # The configuration: every record is stale.
    edit(app, "pyproject.toml", '[tool.ormlint]\nmemoizers = ["app.helpers.rating_of"]\n')
    warm_is_cold(app, ormlint, "config")
    (app / "pyproject.toml").write_text("[tool.ormlint]\n")
    assert warm_is_cold(app, ormlint, "config back") == added


def test_only_what_an_edit_reaches_is_resolved_again(app, ormlint):
    ormlint("--exit-zero", ".")
    p, line = timings(app, ".")
    assert "calls of 0 of 8 files resolved (the rest from the cache)" in line, line
    # A body-only edit: its own file, nothing else.
    edit(app, "app/queries.py", QUERIES.replace("chef_id=chef_id", "chef_id=chef_id, stars=5"))
    p, line = timings(app, ".")
    assert "calls of 1 of 8 files resolved" in line, line
    # An interface edit of helpers.py: it and the files whose calls looked into it.
    edit(app, "app/helpers.py", HELPERS + "\n\ndef another():\n    return 1\n")
    p, line = timings(app, "app/views.py")
    assert "calls of 2 of 8 files resolved" in line, line  # helpers.py and views.py
    assert p.stdout == ormlint("--no-cache", "--format", "sarif", "app/views.py").stdout



@pytest.mark.parametrize("how", ["empty", "garbage", "cut0", "cut50", "cut99", "flip0", "flip10",
                                 "flip30", "flip60", "flip99"])
def test_a_damaged_calls_file_is_ignored(app, ormlint, how):
    reference = ormlint("--no-cache", "--exit-zero", "--format", "sarif", ".").stdout
    assert ormlint("--exit-zero", "--format", "sarif", ".").stdout == reference
    damage(app / ".ormlint_cache" / "calls", how)
    p, line = timings(app, ".")
    assert p.stdout == reference, p.stderr
    assert "no cache of them" in line, line
    p, line = timings(app, ".")
    assert p.stdout == reference and "the rest from the cache" in line, "written again: " + line


def test_a_calls_file_of_another_layout_is_not_trusted(app, ormlint, tmp_path_factory):
    """The calls of a project with other files at the same places: the
    paths differ, every file is resolved again."""
    ormlint("--exit-zero", ".")
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(app, other, dirs_exist_ok=True)
    edit(other, "app/zzz.py", "def z():\n    return 0\n")
    shutil.copy(app / ".ormlint_cache" / "calls", other / ".ormlint_cache" / "calls")
    p, line = timings(other, ".")
    assert p.stdout == Ormlint(other)("--no-cache", "--format", "sarif", ".").stdout


GUARDED = ("from app.models import Review\n\n\n"
           "def reviews_of(chef_id, load=False, mode=None, quiet=False):\n"
           "    if not load:\n"
           "        return []\n"
           "    if mode == \"all\":\n"
           "        return Review.query.all()\n"
           "    if not quiet:\n"
           "        return Review.query.filter_by(chef_id=chef_id).all()\n"
           "    return []\n")


def test_a_branch_the_arguments_make_dead_is_kept_through_the_cache(app, ormlint):
    """The tests a callee's queries run under (a literal compared, a
    parameter's default) are facts of the cache too: warm == cold, and the
    call that makes them false stays silent in both."""
    edit(app, "app/queries.py", GUARDED)
    edit(app, "app/helpers.py", HELPERS.replace("reviews_of(chef_id)",
                                                "reviews_of(chef_id, load=True, quiet=True)"))
    report = warm_is_cold(app, ormlint, "guarded")
    assert codes(report, "app/views.py") == []  # mode None, quiet True: both queries dead
    edit(app, "app/helpers.py", HELPERS.replace("reviews_of(chef_id)",
                                                "reviews_of(chef_id, True, \"all\", True)"))
    report = warm_is_cold(app, ormlint, "guarded, mode all")
    assert codes(report, "app/views.py") == [(8, "ORM001")]


def test_pre_commit_edits_of_a_callee_warm_equals_cold(app, ormlint):
    """Pre-commit's run: a few staged files in a larger project, which a
    warm run parses on a thread of its own while the cache is read. The
    staged callee's edits change what its caller's findings are (a query
    that comes and goes, a guard, a syntax error, a rename away): each warm
    run gives the bytes of --no-cache, with one thread and two, parses only
    the staged files the cache does not hold unchanged, and writes fixes
    (--diff) on the text it parsed."""
    for i in range(16):  # two staged files of 24: few, parsed whatever their tokens
        edit(app, f"app/util_{i}.py", f"def util_{i}(x):\n    return x + {i}\n")
    staged = ["app/queries.py", "app/helpers.py", "app/views.py"]
    ormlint("--exit-zero", ".")
    versions = [
        ("query goes", "def reviews_of(chef_id):\n    return []\n"),
        ("query back", QUERIES),
        ("guarded", GUARDED),
        ("syntax error", QUERIES + "\ndef broken(:\n    pass\n"),
        ("renamed away", QUERIES.replace("def reviews_of", "def reviews")),
        ("back", QUERIES),
    ]
    seen = set()
    for label, text in versions:
        edit(app, "app/queries.py", text)
        for args in (["app/queries.py", "app/helpers.py"], ["app/helpers.py", "app/queries.py"],
                     ["app/views.py", "app/queries.py"]):
            cold = ormlint("--no-cache", "--exit-zero", "--format", "sarif", *args)
            for jobs in ("-j1", "-j2"):
                warm = ormlint("--exit-zero", "--format", "sarif", jobs, *args, stats=True)
                assert warm.stdout == cold.stdout, (label, args, jobs, warm.stderr)
                # the edited file is parsed once, the run before left the other one cached
                assert stats(warm.stderr)["files parsed"] <= 1, (label, args, jobs, warm.stderr)
            seen.add(cold.stdout)
        diff_cold = ormlint("--no-cache", "--exit-zero", "--diff", *staged)
        diff_warm = ormlint("--exit-zero", "--diff", *staged)
        assert diff_warm.stdout == diff_cold.stdout, (label, diff_warm.stderr)
    assert len(seen) >= 3  # the edits changed the reports
