"""[tool.ormlint] in pyproject.toml (DESIGN.md "Configuration", "Exit codes"):
each key changes what the binary reports on a temporary project, the file is
found by walking up from the first path, command-line flags override it, an
excluded file passed explicitly (as pre-commit passes them) is skipped
silently, and a bad file stops the run with exit 2 and file:line:key on
stderr before any analysis.

The CLI reads the file once the lead's integration is in (analyzer/cli.c is
not this module's); until `ormlint --help` mentions pyproject.toml these
tests are skipped with that reason."""
import subprocess
import textwrap

import pytest

from conftest import ORMLINT, Ormlint, located


def _help():
    try:
        return subprocess.run([ORMLINT, "--help"], capture_output=True, encoding="utf-8",
                              timeout=30).stdout
    except OSError:
        return ""


pytestmark = pytest.mark.skipif(
    "pyproject" not in _help(),
    reason="the CLI does not read pyproject.toml yet: waiting for ol_pyproject_load in "
           "analyzer/cli.c (its --help will mention pyproject.toml)")

MODELS = """\
from app import db


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))
    chef = db.relationship("Chef")
"""

# ORM001 on line 5, ORM002 on line 11.
VIEWS = """\
from models import Booking, Chef


def chefs(bookings):
    return [Chef.query.get(b.chef_id) for b in bookings]


def names():
    out = []
    for b in Booking.query.all():
        out.append(b.chef.name)
    return out
"""

QUERY_IN_LOOP = """\
from models import Chef


def chefs(ids):
    return [Chef.query.get(i) for i in ids]
"""


def write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if rel.endswith(".toml") else text)


@pytest.fixture
def app(tmp_path):
    """A project with models.py and views.py; each test writes its pyproject.toml."""
    write(tmp_path, {"models.py": MODELS, "views.py": VIEWS})
    return tmp_path


def run(root, toml, *args, cwd=None):
    (root / "pyproject.toml").write_text(textwrap.dedent(toml))
    return Ormlint(root).json(*args, cwd=cwd)


def codes(results):
    return sorted((r["path"], r["line"], r["code"]) for r in results)


# ---- selection -------------------------------------------------------------------


def test_without_the_table_every_rule_runs(app):
    p, results = run(app, "[project]\nname = 'app'\n", ".")
    assert p.returncode == 1, p.stderr
    assert codes(results) == [("views.py", 5, "ORM001"), ("views.py", 11, "ORM002")]


def test_select_from_the_file(app):
    p, results = run(app, """\
        [tool.ormlint]
        select = ["ORM002"]
        """, ".")
    assert p.returncode == 1, p.stderr
    assert codes(results) == [("views.py", 11, "ORM002")]


def test_ignore_from_the_file(app):
    p, results = run(app, """\
        [tool.ormlint]
        ignore = ["ORM00"]
        """, ".")
    assert p.returncode == 0, p.stderr
    assert results == []


def test_flags_override_the_file(app):
    toml = """\
        [tool.ormlint]
        select = ["ORM002"]
        """
    p, results = run(app, toml, ".", "--select", "ORM001")
    assert p.returncode == 1, p.stderr
    assert codes(results) == [("views.py", 5, "ORM001")]
    p, results = run(app, toml, ".", "--select", "ALL", "--ignore", "ORM002")
    assert codes(results) == [("views.py", 5, "ORM001")]


def test_found_by_walking_up_from_the_first_path(app):
    write(app, {"pkg/jobs/views.py": QUERY_IN_LOOP})
    toml = """\
        [tool.ormlint]
        ignore = ["ORM001"]
        """
    p, results = run(app, toml, "views.py", cwd=app / "pkg" / "jobs")
    assert p.returncode == 0, p.stderr
    assert results == []
    p, results = run(app, toml, "pkg/jobs/views.py")
    assert p.returncode == 0 and results == []


# ---- per-file-ignores and excludes -------------------------------------------------


def test_per_file_ignores(app):
    write(app, {"jobs/worker.py": QUERY_IN_LOOP, "tests/test_views.py": QUERY_IN_LOOP})
    p, results = run(app, """\
        [tool.ormlint]
        [tool.ormlint.per-file-ignores]
        "views.py" = ["ORM001"]          # by name, in any directory
        "tests/*" = ["ALL"]
        """, ".")
    assert p.returncode == 1, p.stderr
    assert codes(results) == [("jobs/worker.py", 5, "ORM001"), ("views.py", 11, "ORM002")]


def test_per_file_ignores_inline_and_noqa_together(app):
    write(app, {"jobs/worker.py": QUERY_IN_LOOP.replace("for i in ids]", "for i in ids]  # noqa")})
    p, results = run(app, """\
        [tool.ormlint]
        per-file-ignores = { "views.py" = ["ORM002"] }
        """, ".")
    assert codes(results) == [("views.py", 5, "ORM001")]


def test_excluded_file_passed_explicitly_is_skipped(app):
    write(app, {"legacy/old_views.py": QUERY_IN_LOOP, "legacy/deep/more.py": QUERY_IN_LOOP})
    toml = """\
        [tool.ormlint]
        extend-exclude = ["legacy"]
        """
    for args in (["legacy/old_views.py"], ["legacy/deep/more.py"], ["legacy"],
                 ["legacy/old_views.py", "legacy/deep/more.py"]):
        p, results = run(app, toml, *args)
        assert p.returncode == 0, (args, p.stderr)
        assert results == []
        p = Ormlint(app)(*args)
        assert p.returncode == 0 and p.stderr == ""  # silently: no note about the file
    p, results = run(app, toml, "legacy/old_views.py", "views.py")
    assert codes(results) == [("views.py", 5, "ORM001"), ("views.py", 11, "ORM002")]
    p, results = run(app, toml, ".")
    assert all(not r["path"].startswith("legacy/") for r in results)


def test_exclude_replaces_the_built_in_list(app):
    write(app, {"build/gen_views.py": QUERY_IN_LOOP, "scripts/env.py": QUERY_IN_LOOP})
    p, results = run(app, "[tool.ormlint]\n", ".")
    assert "build/gen_views.py" not in {r["path"] for r in results}  # built-in: build/
    assert "scripts/env.py" in {r["path"] for r in results}
    p, results = run(app, """\
        [tool.ormlint]
        exclude = ["scripts"]
        """, ".")
    paths = {r["path"] for r in results}
    assert "build/gen_views.py" in paths  # the built-in list is replaced, as in ruff
    assert "scripts/env.py" not in paths
    p, results = run(app, """\
        [tool.ormlint]
        extend-exclude = ["scripts"]
        """, ".")
    paths = {r["path"] for r in results}
    assert "build/gen_views.py" not in paths and "scripts/env.py" not in paths


def test_excluded_models_are_not_indexed(app):
    toml = """\
        [tool.ormlint]
        extend-exclude = ["models.py"]
        """
    p, results = run(app, toml, ".")
    assert "ORM002" not in {r["code"] for r in results}  # Booking is no longer a known model


# ---- what the engine recognises ---------------------------------------------------


CUSTOM_BASE = """\
from app.base import BaseModel


class Chef(BaseModel):
    id = Column(Integer, primary_key=True)
    name = Column(String)


class Booking(BaseModel):
    id = Column(Integer, primary_key=True)
    chef_id = Column(Integer, ForeignKey("chef.id"))
    chef = relationship("Chef")
"""


def test_model_bases_make_a_class_a_model(app):
    write(app, {"models.py": CUSTOM_BASE})
    p, results = run(app, "[tool.ormlint]\n", ".", "--select", "ORM002")
    assert results == []
    for name in ("BaseModel", "app.base.BaseModel"):
        toml = f"""\
            [tool.ormlint]
            model-bases = ["{name}"]
            """
        p, results = run(app, toml, ".", "--select", "ORM002")
        assert codes(results) == [("views.py", 11, "ORM002")], name
        (app / "pyproject.toml").write_text(textwrap.dedent(toml))
        models = Ormlint(app)("--show-models", ".").stdout
        assert "Booking" in models and ".chef -> Chef" in models


def test_query_terminals(app):
    write(app, {"views.py": "from models import Chef\n\n\ndef chefs(ids):\n"
                            "    for i in ids:\n"
                            "        Chef.query.filter_by(id=i).fetch_one_cached()\n"})
    p, results = run(app, "[tool.ormlint]\n", ".")
    assert results == []
    p, results = run(app, """\
        [tool.ormlint]
        query-terminals = ["fetch_one_cached"]
        """, ".")
    assert p.returncode == 1, p.stderr
    assert codes(results) == [("views.py", 6, "ORM001")]


def test_session_names(app):
    write(app, {"views.py": "from models import Chef\n\n\ndef chefs(ids, store):\n"
                            "    for i in ids:\n"
                            "        store.get(Chef, i)\n"})
    p, results = run(app, "[tool.ormlint]\n", ".")
    assert results == []
    p, results = run(app, """\
        [tool.ormlint]
        session-names = '^store$'
        """, ".")
    assert codes(results) == [("views.py", 6, "ORM001")]


def test_dialect_is_accepted(app):
    p, results = run(app, """\
        [tool.ormlint]
        dialect = "sqlite"
        """, ".")
    assert p.returncode == 1, p.stderr


SERIAL_COUNTS = ("from models import Chef, Booking, db\n\n\ndef stats():\n"
                 "    chefs = Chef.query.count()\n    bookings = Booking.query.count()\n"
                 "    return chefs, bookings\n")


@pytest.mark.parametrize("requirements, setting, flag, spelling", [
    ("SQLAlchemy>=1.3,<1.4\n", None, None, "select([func.count()])"),
    ("SQLAlchemy>=1.3,<1.4\n", "2.0", None, "select(func.count())"),
    ("SQLAlchemy>=1.3,<1.4\n", "2.0", "1.3", "select([func.count()])"),
    (None, None, None, "select(func.count())"),
    ("sqlalchemy==2.0.1\n", None, "1.3", "select([func.count()])"),
])
def test_fixes_follow_the_projects_sqlalchemy(app, requirements, setting, flag, spelling):
    """requirements.txt, then target-sqlalchemy, then --target-sqlalchemy."""
    write(app, {"stats.py": SERIAL_COUNTS})
    if requirements:
        (app / "requirements.txt").write_text(requirements)
    (app / "pyproject.toml").write_text(f"[tool.ormlint]\ntarget-sqlalchemy = '{setting}'\n" if setting else "")
    p = Ormlint(app)("--diff", "--unsafe-fixes", "--select", "ORM004", *(["--target-sqlalchemy", flag] if flag else []),
                     "stats.py")
    assert spelling in p.stdout, p.stdout + p.stderr
    assert (".as_scalar()" in p.stdout) == spelling.startswith("select([")


def test_bad_target_sqlalchemy_flag(app):
    p = Ormlint(app)("--target-sqlalchemy", "3.1", ".")
    assert p.returncode == 2
    assert "--target-sqlalchemy: expected 1.3, 1.4 or 2.0, got '3.1'" in p.stderr


# ---- errors: exit 2, file:line:key, before any analysis ---------------------------------


@pytest.mark.parametrize("toml, message", [
    ("[project]\nname = 'app'\n\n[tool.ormlint]\nselct = ['ORM001']\n",
     "pyproject.toml:5: [tool.ormlint] unknown key 'selct' (did you mean 'select'?)"),
    ("[tool.ormlint]\nselect = 'ORM001'\n",
     "pyproject.toml:2: [tool.ormlint] 'select' must be an array of rule codes, not a string"),
    ("[tool.ormlint]\nignore = [\n  'ORM001',\n  'ORM999',\n]\n",
     "pyproject.toml:4: [tool.ormlint] 'ignore': unknown rule code or prefix 'ORM999'"),
    ("[tool.ormlint.per-file-ignores]\n'tests/*' = ['E501']\n",
     "pyproject.toml:2: [tool.ormlint.per-file-ignores] 'tests/*': unknown rule code or "
     "prefix 'E501'"),
    ("[tool.ormlint]\nsession-names = '(session'\n",
     "pyproject.toml:2: [tool.ormlint] 'session-names': invalid pattern '(session' at offset 8: "
     "missing closing parenthesis"),
    ("[tool.ormlint]\ndialect = 'oracle'\n",
     "pyproject.toml:2: [tool.ormlint] 'dialect' must be \"postgresql\", \"sqlite\" or "
     "\"mysql\", not 'oracle'"),
    ("[tool.ormlint]\ntarget-sqlalchemy = '1.5'\n",
     "pyproject.toml:2: [tool.ormlint] 'target-sqlalchemy' must be \"1.3\", \"1.4\" or \"2.0\", "
     "not '1.5'"),
    ("[tool.ormlint]\nselect = ['ORM001'\nignore = []\n",
     "pyproject.toml:3: invalid TOML near 'ignore = ['"),
])
def test_bad_file_is_exit_2_before_analysis(app, toml, message):
    (app / "pyproject.toml").write_text(toml)
    p = Ormlint(app)(".", "--format", "sarif", "-o", "out.sarif")
    assert p.returncode == 2
    assert p.stderr == f"ormlint: {message}\n"
    assert p.stdout == ""
    assert not (app / "out.sarif").exists()  # stopped before analysis and output


def test_error_names_the_file_from_the_current_directory(app):
    write(app, {"pkg/views.py": QUERY_IN_LOOP})
    (app / "pyproject.toml").write_text("[tool.ormlint]\nselct = []\n")
    p = Ormlint(app)("views.py", cwd=app / "pkg")
    assert p.returncode == 2
    assert f"{app}/pyproject.toml:2: [tool.ormlint] unknown key 'selct'" in p.stderr
    p = Ormlint(app)("pkg/views.py")
    assert "ormlint: pyproject.toml:2: [tool.ormlint] unknown key 'selct'" in p.stderr


def test_help_and_version_ignore_a_bad_file(app):
    (app / "pyproject.toml").write_text("[tool.ormlint]\nselct = []\n")
    assert Ormlint(app)("--version").returncode == 0
    assert Ormlint(app)("--help").returncode == 0


def test_hostile_files_end_quickly(app):
    """Too large, too deep, binary: each an error naming the file, in bounded time."""
    hostile = {
        "large": "[tool.ormlint]\n" + "# " + "x" * 400_000 + "\n",
        "deep": "[tool.ormlint]\nselect = " + "[" * 100_000 + "\n",
        "binary": "[tool.ormlint]\nselect = ['\x00']\n",
    }
    for name, text in hostile.items():
        (app / "pyproject.toml").write_text(text)
        p = Ormlint(app)(".", timeout=20)
        assert p.returncode == 2, name
        assert p.stderr.startswith("ormlint: pyproject.toml"), (name, p.stderr)
