"""--emit-sql and --dialect: the index advice of ORM007's findings as a SQL
script that a database accepts — per column, composite where one query looks
up several unindexed columns of a table, no foreign keys on MySQL."""
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

ORMLINT = os.environ["ORMLINT"]
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "rules" / "orm007_unindexed_lookup" / "fixture.py"
MODELS = ROOT / "rules" / "orm007_unindexed_lookup" / "fixture_models"


def project(tmp_path, src=FIXTURE):
    (tmp_path / "pyproject.toml").write_text("")
    if src.is_dir():
        shutil.copytree(src, tmp_path, dirs_exist_ok=True)
    else:
        shutil.copy(src, tmp_path / src.name)
    return tmp_path


def emit(proj, *args):
    out = proj / "indexes.sql"
    p = subprocess.run([ORMLINT, "-q", "--emit-sql", str(out), *args, "."], cwd=proj,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stderr
    return out.read_text()


def statements(sql):
    return [line for line in sql.splitlines() if line.startswith("CREATE INDEX")]


def test_one_index_per_column_and_a_composite(tmp_path):
    sql = emit(project(tmp_path))
    got = statements(sql)
    assert "CREATE INDEX IF NOT EXISTS ix_applications_campaign_id ON applications (campaign_id);" in got
    assert "CREATE INDEX IF NOT EXISTS ix_comments_application_id ON comments (application_id);" in got
    assert "CREATE INDEX IF NOT EXISTS ix_memberships_member_id ON memberships (member_id);" in got
    # by_status(): one query looks up status (==) and score (>): equality first
    assert "CREATE INDEX IF NOT EXISTS ix_applications_status_score ON applications (status, score);" in got
    assert "-- applications: one query looks up status and score together (fixture.py:91)" in sql
    # the mixin's column, in the table of the model queried; status beside it is
    # compared to "active", a value the code names: no index, and not in a composite
    assert "CREATE INDEX IF NOT EXISTS ix_campaigns_created_at ON campaigns (created_at);" in got
    assert not any("ix_campaigns_status" in s for s in got), got
    # covered or never a key: no index
    for column in ("user_id", "reviewer_id", "slug", "archived", "notes", "updated_at", "posted_at"):
        assert not any(f"({column}" in s or f", {column})" in s for s in got), column
    assert "-- applications.campaign_id (foreign key): fixture.py:81" in sql


def test_the_script_runs_on_sqlite(tmp_path):
    sql = emit(project(tmp_path), "--dialect", "sqlite")
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE campaigns (id INTEGER PRIMARY KEY, status TEXT, created_at TEXT, region TEXT,
                                code TEXT, budget INT);
        CREATE TABLE applications (id INTEGER PRIMARY KEY, campaign_id INT, status TEXT, score INT);
        CREATE TABLE comments (id INTEGER PRIMARY KEY, application_id INT);
        CREATE TABLE memberships (group_id INT, member_id INT, PRIMARY KEY (group_id, member_id));
    """)
    db.executescript(sql)
    db.executescript(sql)  # IF NOT EXISTS: a second run changes nothing
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_applications_campaign_id", "ix_applications_status_score",
            "ix_comments_application_id", "ix_memberships_member_id"} <= names
    plan = db.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM applications WHERE campaign_id = 1").fetchall()
    assert "ix_applications_campaign_id" in plan[0][-1]


def test_mysql_leaves_foreign_keys_out(tmp_path):
    proj = project(tmp_path)
    sql = emit(proj, "--dialect", "mysql")
    got = statements(sql)
    assert not any("campaign_id" in s or "application_id" in s for s in got), got
    assert "CREATE INDEX ix_memberships_member_id ON memberships (member_id);" in got
    assert "InnoDB" in sql
    p = subprocess.run([ORMLINT, "--format", "json", "--dialect", "mysql", "."], cwd=proj,
                       capture_output=True, text=True, timeout=60)
    lines = {r["line"] for r in json.loads(p.stdout) if r["code"] == "ORM007"}
    assert 50 not in lines and 63 not in lines and 55 in lines  # the findings agree


def test_snake_case_table_and_cross_file_models(tmp_path):
    sql = emit(project(tmp_path, MODELS), "--dialect", "postgresql")
    got = statements(sql)
    assert "CREATE INDEX IF NOT EXISTS ix_customer_country ON customer (country);" in got
    assert "CREATE INDEX IF NOT EXISTS ix_order_lines_order_id ON order_lines (order_id);" in got
    assert "CREATE INDEX IF NOT EXISTS ix_purchase_orders_placed_at ON purchase_orders (placed_at);" in got
    # the database's name of the column; a ForeignKey(Customer.id) is a foreign key too
    assert "CREATE INDEX IF NOT EXISTS ix_order_lines_line_kind ON order_lines (line_kind);" in got
    assert "-- order_lines.customer_id (foreign key): shop/views.py:44" in sql


def test_dialect_from_the_config_and_bad_values(tmp_path):
    proj = project(tmp_path)
    (proj / "pyproject.toml").write_text('[tool.ormlint]\ndialect = "mysql"\n')
    assert "for mysql" in emit(proj)
    assert "for sqlite" in emit(proj, "--dialect", "sqlite")  # the flag wins
    p = subprocess.run([ORMLINT, "--dialect", "oracle", "."], cwd=proj, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2 and "--dialect" in p.stderr


def test_nothing_to_recommend(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text("x = 1\n")
    sql = emit(tmp_path)
    assert statements(sql) == [] and "None" in sql


def test_unwritable_file_is_an_error(tmp_path):
    proj = project(tmp_path)
    p = subprocess.run([ORMLINT, "-q", "--emit-sql", str(proj / "no" / "such" / "x.sql"), "."],
                       cwd=proj, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "cannot write the SQL" in p.stderr


SETTINGS = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Setting(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(40))
    body = db.Column(db.Text)
    rank = db.Column(db.Integer)


def find(k, b, r):
    return (Setting.query.filter_by(key=k).first(), Setting.query.filter_by(body=b).first(),
            Setting.query.filter_by(rank=r).first())
'''


def test_mysql_quotes_reserved_words_and_indexes_a_text_prefix(tmp_path):
    """MySQL rejects `key` and `rank` unquoted, and a TEXT column in an index without a prefix length."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "settings.py").write_text(SETTINGS)
    assert statements(emit(tmp_path, "--dialect", "mysql")) == [
        "CREATE INDEX ix_setting_body ON setting (body(255));",
        "CREATE INDEX ix_setting_key ON setting (`key`);",
        "CREATE INDEX ix_setting_rank ON setting (`rank`);"]
    assert statements(emit(tmp_path, "--dialect", "postgresql")) == [
        "CREATE INDEX IF NOT EXISTS ix_setting_body ON setting (body);",
        "CREATE INDEX IF NOT EXISTS ix_setting_key ON setting (\"key\");",
        "CREATE INDEX IF NOT EXISTS ix_setting_rank ON setting (rank);"]
