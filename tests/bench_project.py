"""Writes a generated Flask-SQLAlchemy project for `make bench` (the
pre-commit latency) and the prefilter/cache tests: `packages` packages, each
with models (relationships across files), helpers that query, views that
call the helpers in loops, and plain utility modules with no ORM token.
Usage: bench_project.py DIR [PACKAGES]   (12 files per package; 100 -> 1,200 files)"""
import os
import sys

MODELS = '''\
from app.db import db


class Author{i}(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    books = db.relationship("Book{i}", back_populates="author")

    @property
    def book_count(self):
        return Book{i}.query.filter_by(author_id=self.id).count()


class Book{i}(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    author_id = db.Column(db.Integer, db.ForeignKey("author{i}.id"))
    author = db.relationship("Author{i}", back_populates="books")
'''

HELPERS = '''\
from app.p{i}.models import Author{i}, Book{i}


def books_of{i}(author_id):
    return Book{i}.query.filter_by(author_id=author_id).all()


def recent_authors{i}():
    return Author{i}.query.order_by(Author{i}.id.desc()).all()
'''

# No ORM token: reaches the query only through helpers.
SERVICE = '''\
from app.p{i}.helpers import books_of{i}


def titles_for{i}(author_id):
    return [b.title for b in books_of{i}(author_id)]
'''

VIEWS = '''\
from app.p{i}.helpers import recent_authors{i}
from app.p{i}.service import titles_for{i}


def index{i}():
    out = []
    for a in recent_authors{i}():
        out.append((a.name, titles_for{i}(a.id), len(a.books)))
    return out
'''

UTIL = '''\
"""Plain helpers: nothing here touches the database."""
import re

WORD = re.compile(r"\\w+")


def slug{i}_{k}(text):
    return "-".join(w.lower() for w in WORD.findall(text))


def chunks{i}_{k}(items, n):
    for start in range(0, len(items), n):
        yield items[start:start + n]


class Counter{i}_{k}:
    def __init__(self):
        self.seen = {{}}

    def add(self, key):
        self.seen[key] = self.seen.get(key, 0) + 1
        return self.seen[key]
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    root = sys.argv[1]
    packages = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    write(os.path.join(root, "pyproject.toml"), "[project]\nname = 'bench'\n")
    write(os.path.join(root, "app", "__init__.py"), "")
    write(os.path.join(root, "app", "db.py"),
          "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n")
    for i in range(packages):
        pkg = os.path.join(root, "app", "p%d" % i)
        write(os.path.join(pkg, "__init__.py"), "")
        write(os.path.join(pkg, "models.py"), MODELS.format(i=i))
        write(os.path.join(pkg, "helpers.py"), HELPERS.format(i=i))
        write(os.path.join(pkg, "service.py"), SERVICE.format(i=i))
        write(os.path.join(pkg, "views.py"), VIEWS.format(i=i))
        for k in range(7):
            write(os.path.join(pkg, "util%d.py" % k), UTIL.format(i=i, k=k))


if __name__ == "__main__":
    main()
