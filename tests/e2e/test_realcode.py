"""Real code (DESIGN.md "Real code"): what is not the product stays out of
the report and out of the model index, and project-specific memoizers can be
named in the config. Rule-level cases (memoized calls, bounded loops, error
paths) live in the rules' fixtures; these need a project layout."""
import textwrap

from conftest import located

MODELS = """\
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()

    class Chef(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String, index=True)

    class Booking(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"), index=True)
    """

QUERY_IN_LOOP = """\
    from app.models import Booking

    def per_chef(chefs):
        for c in chefs:
            Booking.query.filter_by(chef_id=c.id).all()
    """

# A revision's snapshot of Chef, with a relationship the real model lacks.
REVISION = """\
    from alembic import op
    import sqlalchemy as sa
    from sqlalchemy.orm import declarative_base, relationship

    revision = "1a2b3c"
    down_revision: str = "0f0f0f"
    Base = declarative_base()

    class Chef(Base):
        __tablename__ = "chef"
        id = sa.Column(sa.Integer, primary_key=True)
        bookings = relationship("Booking")

    def upgrade():
        for row in op.get_bind().execute(sa.text("select id from chef")):
            op.execute(sa.text("update chef set name = 'x'"))
    """

READS_RELATION = """\
    from app.models import Chef

    def names():
        return [len(c.bookings) for c in Chef.query.all()]
    """


def write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))


def test_tests_and_migrations_are_not_the_product(project, ormlint):
    write(project, {
        "app/__init__.py": "", "app/models.py": MODELS, "app/jobs.py": QUERY_IN_LOOP,
        "tests/test_jobs.py": QUERY_IN_LOOP, "app/test_views.py": QUERY_IN_LOOP,
        "app/views_test.py": QUERY_IN_LOOP, "conftest.py": QUERY_IN_LOOP,
        "testing/helpers.py": QUERY_IN_LOOP, "migrations/env.py": QUERY_IN_LOOP,
        "db/alembic/versions/0001_init.py": QUERY_IN_LOOP,
        "scripts/revision_1a2b3c.py": REVISION, "app/report.py": READS_RELATION,
    })
    p, found = ormlint.json(".")
    assert p.returncode == 1, p.stderr
    # Only the product's query; the revision's Chef.bookings did not merge
    # into the real Chef (no ORM002 on app/report.py), and its loop is silent.
    assert [(f["path"], f["code"]) for f in found] == [("app/jobs.py", "ORM001")]
    # Passed explicitly, as pre-commit passes changed files: still skipped.
    p, found = ormlint.json("tests/test_jobs.py", "app/test_views.py", "scripts/revision_1a2b3c.py")
    assert p.returncode == 0 and found == [], p.stdout
    # `exclude` replaces the built-in list: the tests come back.
    (project / "pyproject.toml").write_text('[tool.ormlint]\nexclude = ["migrations", "db"]\n')
    p, found = ormlint.json(".")
    paths = sorted({f["path"] for f in found})
    assert "tests/test_jobs.py" in paths and "conftest.py" in paths and "app/jobs.py" in paths
    assert "migrations/env.py" not in paths


MEMOIZED = """\
    from app.models import Chef
    from app.caching import remember

    @remember(ttl=60)
    def chef_named(name):
        return Chef.query.filter_by(name=name).first()

    def labels(bookings):
        return [chef_named("house").name for b in bookings]
    """


def test_memoizers_from_the_config(project, ormlint):
    write(project, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": MEMOIZED,
                    "app/caching.py": "def remember(ttl):\n    return lambda f: f\n"})
    p, found = ormlint.json(".")
    assert located(found) == [("app/views.py", 9, 13)], p.stdout
    (project / "pyproject.toml").write_text('[tool.ormlint]\nmemoizers = ["remember"]\n')
    p, found = ormlint.json(".")
    assert p.returncode == 0 and found == [], p.stdout
    (project / "pyproject.toml").write_text('[tool.ormlint]\nmemoizers = ["@remember(1)"]\n')
    p = ormlint(".")
    assert p.returncode == 2 and "pyproject.toml:2" in p.stderr and "memoizers" in p.stderr, p.stderr


UNKNOWN_SESSIONS = """\
    from app.models import Chef

    def lookups(conn, ids):
    """ + "".join(f"    a{i} = conn.query(Chef).get({i})\n" for i in range(12))


def test_unknown_session_names_are_said_once(project, ormlint):
    write(project, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": UNKNOWN_SESSIONS})
    p = ormlint(".")
    assert p.returncode == 0, p.stdout
    assert p.stderr.count("session-names") == 1, p.stderr
    assert "12 calls of `.query(...)`" in p.stderr
    assert "session-names" not in p.stdout  # stdout holds findings only
    (project / "pyproject.toml").write_text('[tool.ormlint]\nsession-names = "(?:^|\\\\.)conn$"\n')
    p, found = ormlint.json(".")
    assert [f["code"] for f in found] == [], found  # not in a loop: no finding, and no notice
    assert "session-names" not in p.stderr, p.stderr


def test_text_notifications_go_to_stderr(project, ormlint):
    write(project, {"app/__init__.py": "", "app/models.py": MODELS, "app/jobs.py": QUERY_IN_LOOP,
                    "app/bad.py": "def f(:\n"})
    (project / "app" / "blob.py").write_bytes(b"\x00\x01binary")
    p = ormlint(".")
    assert p.returncode == 1
    assert "ORM001" in p.stdout
    assert "app/blob.py" not in p.stdout and "app/blob.py" in p.stderr, (p.stdout, p.stderr)
