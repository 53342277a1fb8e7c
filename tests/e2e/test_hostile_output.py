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

from conftest import ORMLINT, Ormlint, notes
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
