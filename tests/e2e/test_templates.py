"""Templates (issue 21): the N+1s Flask apps hide in Jinja loops.

The rule fixtures (rules/*/fixture_templates/, run by test_fixtures.py)
specify what is reported; these tests run the binary on small projects for
what a fixture cannot show: the view's query as related location and the
view -> template -> read path as a SARIF codeFlow, the fix applied to the
view, noqa and baselines, the facts cache, `template-dirs`, the Jinja forms
a scanner gets wrong (strings holding delimiters, raw blocks, whitespace
control, unterminated tags, deep nesting), the language server on an open
template and the pre-commit hook on a changed template alone.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from lsp_client import Client, file_uri  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    email = db.Column(db.String(120))


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), index=True)
    author = db.relationship("Author", backref="books")
"""

VIEWS = """\
from flask import Flask, render_template

from app.models import Book

app = Flask(__name__)


@app.route("/")
def books():
    rows = Book.query.order_by(Book.title).all()
    return render_template("books.html", books=rows)
"""

TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
{% for b in books %}
  <li>{{ b.title }} by {{ b.author.name }}</li>
{% endfor %}
{% endblock %}
"""


def run(*args, cwd, codes=(0, 1)):
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode in codes, p.stdout + p.stderr
    return p


def findings(cwd, *args):
    return json.loads(run("--format", "json", *args, ".", cwd=cwd).stdout)


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS)
    (app / "views.py").write_text(VIEWS)
    (app / "templates" / "base.html").write_text("<ul>{% block content %}{% endblock %}</ul>\n")
    (app / "templates" / "books.html").write_text(TEMPLATE)
    return tmp_path


def test_template_finding_text_names_the_view_query(shop):
    p = run(".", cwd=shop, codes=(1,))
    assert ("app/templates/books.html:4:27: ORM002 `b.author` lazy-loads `Book.author` (one row) "
            "once per row in the loop on line 3 over rows of the query at app/views.py:10") in p.stdout
    assert "add .options(joinedload(Book.author)) to the query on line 10 in app/views.py" in p.stdout


def test_sarif_artifact_related_query_and_code_flow(shop):
    out = shop / "out.sarif"
    run("--format", "sarif", "-o", str(out), ".", cwd=shop)
    results = json.loads(out.read_text())["runs"][0]["results"]
    (r,) = [r for r in results if r["ruleId"] == "ORM002"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app/templates/books.html"
    assert loc["region"]["startLine"] == 4
    related = {(x["physicalLocation"]["artifactLocation"]["uri"], x["physicalLocation"]["region"]["startLine"],
                x["message"]["text"]) for x in r["relatedLocations"]}
    assert ("app/views.py", 10, "the query that loads the rows") in related
    assert ("app/views.py", 11, "the view that renders the template") in related
    steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
    path = [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
             s["location"]["physicalLocation"]["region"]["startLine"]) for s in steps]
    assert path == [("app/views.py", 11), ("app/templates/books.html", 3),
                    ("app/templates/books.html", 4)]
    fix = r["fixes"][0]["artifactChanges"][0]
    assert fix["artifactLocation"]["uri"] == "app/views.py"


def test_fix_goes_to_the_view_and_converges(shop):
    run("--fix", ".", cwd=shop)
    views = (shop / "app" / "views.py").read_text()
    assert "Book.query.order_by(Book.title).options(joinedload(Book.author)).all()" in views
    assert "from sqlalchemy.orm import joinedload" in views
    assert (shop / "app" / "templates" / "books.html").read_text() == TEMPLATE
    assert findings(shop) == []


def test_noqa_in_a_template_comment_and_baseline(shop):
    t = shop / "app" / "templates" / "books.html"
    t.write_text(TEMPLATE.replace("</li>", "</li> {# noqa: ORM002 #}"))
    assert findings(shop) == []
    t.write_text(TEMPLATE)
    base = shop / "base.sarif"
    run("--write-baseline", str(base), ".", cwd=shop, codes=(0,))
    assert findings(shop, "--baseline", str(base)) == []
    t.write_text("{# a new first line #}\n" + TEMPLATE)
    assert findings(shop, "--baseline", str(base)) == []  # the same finding, moved
    t.write_text(TEMPLATE.replace("{% endfor %}", "{{ b.author.email }}{% endfor %}")
                 .replace("{{ b.author.name }}", "{{ b.id }}"))
    assert [r["line"] for r in findings(shop, "--baseline", str(base))] == [5]  # a new one


def test_eager_option_in_the_view_silences(shop):
    v = shop / "app" / "views.py"
    v.write_text(VIEWS.replace("from app.models import Book",
                               "from sqlalchemy.orm import joinedload\n\nfrom app.models import Book")
                 .replace(".order_by(Book.title)", ".options(joinedload(Book.author)).order_by(Book.title)"))
    assert findings(shop) == []


def test_include_passes_the_context_but_not_other_html(shop):
    t = shop / "app" / "templates"
    (t / "books.html").write_text('{% include "_list.html" %}\n')
    (t / "_list.html").write_text("{% for b in books %}{{ b.author.name }}{% endfor %}\n")
    static = shop / "app" / "static"
    static.mkdir()
    (static / "page.html").write_text("{% for b in books %}{{ b.author.name }}{% endfor %}\n")
    got = [(r["path"], r["code"]) for r in findings(shop)]
    assert got == [("app/templates/_list.html", "ORM002")]
    # Given explicitly (as pre-commit does), HTML outside the template folders is skipped too.
    assert json.loads(run("--format", "json", "app/static/page.html", cwd=shop).stdout) == []


def test_cached_view_facts_give_the_same_findings(shop):
    first = findings(shop)
    assert (shop / ".ormlint_cache").exists()
    (shop / "app" / "templates" / "books.html").write_text(TEMPLATE + "\n")
    assert [(r["path"], r["line"]) for r in findings(shop)] == [(r["path"], r["line"]) for r in first]


def test_template_dirs_setting(shop):
    pages = shop / "app" / "pages"
    shutil.move(str(shop / "app" / "templates"), str(pages))
    assert findings(shop) == []
    (shop / "pyproject.toml").write_text('[tool.ormlint]\ntemplate-dirs = ["app/pages"]\n')
    assert [(r["path"], r["line"]) for r in findings(shop)] == [("app/pages/books.html", 4)]


@pytest.mark.parametrize("body, lines", [
    # A delimiter inside a string does not end the tag.
    ('{% for b in books if b.title != "%}" %}{{ b.author.name }}{% endfor %}', [1]),
    # Raw blocks and comments hold no code.
    ("{% raw %}{% for b in books %}{{ b.author.name }}{% endfor %}{% endraw %}", []),
    ("{# {% for b in books %}{{ b.author.name }}{% endfor %} #}", []),
    # Whitespace control on every delimiter.
    ("{%- for b in books -%}\n{{- b.author.name -}}\n{%- endfor -%}", [2]),
    # The loop's else runs once, without a row.
    ("{% for b in books %}{{ b.title }}{% else %}{{ author.name }}{% endfor %}", []),
    # A loop variable shadowed by set is no longer the row.
    ("{% for b in books %}{% set b = other %}{{ b.author.name }}{% endfor %}", []),
    # `loop` and tests are not rows; a filter's argument is not an attribute read.
    ("{% for b in books %}{{ loop.index }}{% if b is defined %}{{ b|attr('author') }}{% endif %}"
     "{% endfor %}", []),
    # Reads in an `if` of the loop body still run per row.
    ("{% for b in books %}{% if b.author %}x{% endif %}{% endfor %}", [1]),
])
def test_jinja_forms(shop, body, lines):
    (shop / "app" / "templates" / "books.html").write_text(body + "\n")
    assert [r["line"] for r in findings(shop)] == lines


def test_unterminated_tag_is_a_notification_and_deep_nesting_is_bounded(shop):
    t = shop / "app" / "templates" / "books.html"
    t.write_text("{% for b in books %}{{ b.author.name }}{% endfor %}\n{{ b.title\n")
    p = run("--format", "json", ".", cwd=shop)
    assert [r["line"] for r in json.loads(p.stdout)] == [1]
    p = run(".", cwd=shop)
    assert "app/templates/books.html" in p.stdout + p.stderr and "syntax error on line 2" in p.stdout + p.stderr
    deep = "{% for b in books %}" + "{% if x %}{% for c in b.title %}" * 3000 + "{{ b.author.name }}"
    t.write_text(deep + "{% endfor %}{% endif %}" * 3000 + "{% endfor %}\n")
    assert [r["line"] for r in findings(shop)] == [1]


def test_language_server_publishes_template_diagnostics(shop):
    c = Client([ORMLINT, "lsp"], cwd=shop)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(shop), "capabilities": {}})
    c.notify("initialized")
    path = shop / "app" / "templates" / "books.html"
    uri = file_uri(path)
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "jinja-html", "version": 1, "text": path.read_text()}})
    diags = c.diagnostics(uri)
    assert [(d["code"], d["range"]["start"]["line"]) for d in diags] == [("ORM002", 3)]
    # An edit in the middle of the template (a range change) is scanned again.
    c.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 3, "character": 24},
                                      "end": {"line": 3, "character": 41}},
                            "text": "{{ b.id }}"}]})
    assert c.diagnostics(uri) == []
    c.request("shutdown")
    c.notify("exit")
    assert c.close() == 0
    assert c.stray == []


PRE_COMMIT = "/usr/bin/pre-commit"


@pytest.mark.skipif(not os.access(PRE_COMMIT, os.X_OK), reason="Debian's pre-commit is not installed")
def test_precommit_hook_runs_on_a_changed_template_alone(tmp_path_factory, shop):
    from test_precommit import env_for, git

    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git repository: pre-commit needs one to clone")
    outside = tmp_path_factory.mktemp("precommit")  # not in the project: nothing there is indexed
    hooks = outside / "hooks"  # this repository at HEAD, with the working tree's hook file
    git(outside, "clone", "-q", str(ROOT), str(hooks))
    shutil.copy2(ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    git(hooks, "add", ".pre-commit-hooks.yaml")
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=hooks).returncode:
        git(hooks, "-c", "user.name=t", "-c", "user.email=t@ormlint.invalid", "commit", "-q",
            "-m", "hook files of the working tree")
    for cmd in (["init", "-q"], ["add", "."]):
        git(shop, *cmd)
    bindir = outside / "bin"
    bindir.mkdir()
    (bindir / "ormlint").symlink_to(Path(ORMLINT).resolve())
    env = env_for(outside, f"{bindir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}")
    p = subprocess.run([PRE_COMMIT, "try-repo", str(hooks), "ormlint", "--files",
                        "app/templates/books.html"], cwd=shop, env=env, capture_output=True,
                       text=True, timeout=300)
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "app/templates/books.html:4:27: ORM002 `b.author` lazy-loads `Book.author`" in out, out


def test_add_noqa_writes_a_template_comment(shop):
    run("--add-noqa", ".", cwd=shop)
    text = (shop / "app" / "templates" / "books.html").read_text()
    assert "<li>{{ b.title }} by {{ b.author.name }}</li> {# noqa: ORM002 #}\n" in text
    assert "# noqa" not in text.replace("{# noqa", "")
    assert findings(shop) == []


def test_a_name_two_template_folders_have_binds_the_nearest(shop):
    """An app and a blueprint each with an index.html: each view's render
    binds the template nearest to it, not both."""
    (shop / "app" / "templates" / "index.html").write_text(
        "{% for b in books %}{{ b.author.name }}{% endfor %}\n")
    admin = shop / "app" / "admin"
    (admin / "templates").mkdir(parents=True)
    (admin / "__init__.py").write_text("")
    (admin / "views.py").write_text(
        "from flask import render_template\n\nfrom app.models import Author\n\n\n"
        "def index():\n    return render_template(\"index.html\", books=Author.query.all())\n")
    (admin / "templates" / "index.html").write_text(
        "{% for a in books %}{{ a.author.name }}{% endfor %}\n")  # a finding only on Book rows
    (shop / "app" / "views.py").write_text(VIEWS + (
        "\n\n@app.route(\"/home\")\ndef home():\n"
        "    return render_template(\"index.html\", books=Book.query.all())\n"))
    got = sorted((r["path"], r["line"], r["message"].split(" over rows")[0]) for r in findings(shop))
    assert ("app/templates/index.html", 1,
            "`b.author` lazy-loads `Book.author` (one row) once per row in the loop on line 1") in got
    assert not [g for g in got if g[0] == "app/admin/templates/index.html"]
