"""`ormlint lsp` driven by a real LSP client over stdio: the project index
built from the workspace root, diagnostics on open and after incremental
edits, code actions (the fix, a noqa, fix-all), hover with the rule's doc,
a model file changed on disk re-publishing open documents, and a server
that survives malformed, unknown and oversized messages."""
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import Client, file_uri  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
FIXTURE = ROOT / "rules" / "orm002_lazy_load_in_loop" / "fixture_calls"


@pytest.fixture
def server(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    c = Client([ORMLINT, "lsp"], cwd=tmp_path)
    c.seen = []
    r = c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {}})
    caps = r["result"]["capabilities"]
    assert caps["positionEncoding"] == "utf-16" and caps["textDocumentSync"]["change"] == 2
    c.notify("initialized")
    yield c, tmp_path
    if c.p.poll() is None:
        c.request("shutdown")
        c.notify("exit")
        assert c.close() == 0
    assert c.stray == [], f"non-protocol output: {c.stray!r}"


def open_doc(c, path):
    uri = file_uri(path)
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}})
    return uri, c.diagnostics(uri)


def test_diagnostics_follow_calls_into_other_files(server):
    c, proj = server
    uri, diags = open_doc(c, proj / "blog/views.py")
    codes = sorted({d["code"] for d in diags})
    assert codes == ["ORM002"]
    d19 = [d for d in diags if d["range"]["start"]["line"] == 18]
    assert d19 and d19[0]["source"] == "ormlint"
    assert d19[0]["codeDescription"]["href"].endswith("orm002_lazy_load_in_loop/doc.md")
    related = {r["location"]["uri"] for r in d19[0]["relatedInformation"]}
    assert file_uri(proj / "blog/helpers.py") in related


def test_incremental_edit_republishes(server):
    c, proj = server
    uri, diags = open_doc(c, proj / "blog/views.py")
    before = len(diags)
    lines = (proj / "blog/views.py").read_text().splitlines()
    row = next(i for i, l in enumerate(lines) if "for p in Post.query.order_by(Post.title):" in l)
    col = lines[row].index(":")
    # Type the eager option in, one edit: `.options(joinedload(Post.author))` before the colon.
    c.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": row, "character": col},
                                      "end": {"line": row, "character": col}},
                            "text": ".options(joinedload(Post.author))"}]})
    after = c.diagnostics(uri)
    assert len(after) == before - 1
    # One character typed and deleted again: back to where it was.
    c.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                      "end": {"line": 0, "character": 0}}, "text": "#"},
                           {"range": {"start": {"line": 0, "character": 0},
                                      "end": {"line": 0, "character": 1}}, "text": ""}]})
    assert len(c.diagnostics(uri)) == before - 1


def test_code_actions_and_hover(server):
    c, proj = server
    uri, diags = open_doc(c, proj / "blog/views.py")
    d = next(d for d in diags if d["range"]["start"]["line"] == 24)  # author_name(post=p)
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                              "context": {"diagnostics": [d]}})["result"]
    titles = [a["title"] for a in r]
    fix = next(a for a in r if a["title"].startswith("Load the relationship"))
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is True
    edits = fix["edit"]["changes"][uri]
    assert any("joinedload(Post.author)" in e["newText"] for e in edits)
    assert "Suppress ORM002 with # noqa" in titles
    noqa = next(a for a in r if a["title"].startswith("Suppress"))
    assert noqa["edit"]["changes"][uri][0]["newText"].endswith("# expect: ORM002  # noqa: ORM002")
    other = next(d for d in diags if d["range"]["start"]["line"] == 39)  # rows from helpers.py
    r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": other["range"],
                                              "context": {"diagnostics": [other]}})["result"]
    cross = next(a for a in r if a["kind"] == "quickfix" and "edit" in a and
                 file_uri(proj / "blog/helpers.py") in a["edit"]["changes"])
    assert cross["isPreferred"] is True
    allfix = c.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll.ormlint"]}})["result"]
    assert [a["kind"] for a in allfix] == ["source.fixAll.ormlint"]
    assert len(allfix[0]["edit"]["changes"][uri]) >= 4
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                         "position": d["range"]["start"]})["result"]
    assert h["contents"]["kind"] == "markdown" and "# ORM002 lazy-load-in-loop" in h["contents"]["value"]
    assert c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                            "position": {"line": 0, "character": 0}})["result"] is None


def test_changed_model_file_republishes(server):
    c, proj = server
    uri, diags = open_doc(c, proj / "blog/views.py")
    models = proj / "blog/models.py"
    models.write_text(models.read_text().replace('db.relationship("Author", backref="posts")',
                                                 'db.relationship("Author", backref="posts", lazy="joined")'))
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": file_uri(models), "type": 2}]})
    after = c.diagnostics(uri)
    assert all("Post.author" not in d["message"] for d in after) and len(after) < len(diags)


def test_survives_bad_input(server):
    c, proj = server
    c.raw(b"Content-Length: nope\r\n\r\n")  # a bad header: dropped
    c.raw(b"Content-Length: 9\r\n\r\n{not json")  # answered with a parse error
    err = c.wait(lambda m: m.get("error", {}).get("code") == -32700)
    assert err["id"] is None
    assert c.request("no/suchMethod")["error"]["code"] == -32601
    assert c.request("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.py"},
                                            "position": {"line": 3, "character": 3}})["result"] is None
    uri, _ = open_doc(c, proj / "blog/views.py")
    far = {"line": 100000, "character": 100000}
    assert c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": far})["result"] is None
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 9},
                                        "contentChanges": [{"range": {"start": far, "end": far},
                                                            "text": "\n"}]})
    c.diagnostics(uri)
    big = 65 * 1024 * 1024 + 1  # over the 64 MB limit: read and dropped
    c.raw(b"Content-Length: %d\r\n\r\n" % big + b" " * big)
    assert c.request("shutdown")["result"] is None
    c.notify("exit")
    assert c.close() == 0


def test_exit_without_shutdown_is_an_error(tmp_path):
    c = Client([ORMLINT, "lsp"], cwd=tmp_path)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {}})
    c.notify("exit")
    assert c.close() == 1


def test_on_save_mode_and_stdio_flag(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    c = Client([ORMLINT, "lsp", "--stdio"], cwd=tmp_path)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {},
                             "initializationOptions": {"run": "onSave"}})
    uri, diags = open_doc(c, tmp_path / "blog/views.py")
    n = len(diags)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
         "text": "import os\n"}]})
    # No diagnostics while typing; code actions see the text as it is now.
    d = diags[0]
    moved = {"start": {"line": d["range"]["start"]["line"] + 1, "character": d["range"]["start"]["character"]},
             "end": {"line": d["range"]["end"]["line"] + 1, "character": d["range"]["end"]["character"]}}
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": moved,
                                                 "context": {"diagnostics": []}})["result"]
    assert any(a["title"].startswith("Suppress") for a in acts)
    assert not [m for m in c.seen if m.get("method") == "textDocument/publishDiagnostics"
                and m["params"].get("version") == 2]
    c.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    after = c.diagnostics(uri)
    assert len(after) == n and after[0]["range"]["start"]["line"] == d["range"]["start"]["line"] + 1
    c.request("shutdown")
    c.notify("exit")
    assert c.close() == 0


def test_pyproject_change_reloads_settings(server):
    c, proj = server
    uri, diags = open_doc(c, proj / "blog/views.py")
    assert diags
    (proj / "pyproject.toml").write_text('[tool.ormlint]\nignore = ["ORM002"]\n')
    c.notify("workspace/didChangeWatchedFiles",
             {"changes": [{"uri": file_uri(proj / "pyproject.toml"), "type": 2}]})
    assert c.diagnostics(uri) == []
    (proj / "pyproject.toml").write_text('[tool.ormlint]\nselct = ["ORM002"]\n')
    c.notify("workspace/didChangeWatchedFiles",
             {"changes": [{"uri": file_uri(proj / "pyproject.toml"), "type": 2}]})
    msg = c.wait(lambda m: m.get("method") == "window/showMessage")
    assert msg["params"]["type"] == 1 and "selct" in msg["params"]["message"]
    # The settings stay as they were; the server goes on.
    assert c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                            "position": {"line": 0, "character": 0}})["result"] is None


def test_diagnostics_after_edits_match_the_cli(tmp_path):
    """Incremental edits (the server re-parses incrementally and re-walks only
    the top-level functions an edit touched): after every one, the
    diagnostics are what `ormlint` reports on the same text from disk."""
    import json
    import random
    import subprocess
    (tmp_path / "pyproject.toml").write_text("")
    view = tmp_path / "views.py"  # 250 lines, dozens of functions with findings
    shutil.copy(ROOT / "rules" / "orm001_query_in_loop" / "fixture.py", view)
    c = Client([ORMLINT, "lsp"], cwd=tmp_path)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {}})
    c.notify("initialized")
    uri, _ = open_doc(c, view)
    text = view.read_text()
    rnd = random.Random(7)
    pieces = ["x", " ", "\n", "#", "(", ")", ".all()", "    ", "\n\ndef f():\n    pass\n"]
    for version in range(2, 42):
        lines = text.split("\n")
        line = rnd.randrange(len(lines))
        col = rnd.randrange(len(lines[line]) + 1)
        if rnd.random() < 0.6:
            new, end = rnd.choice(pieces), col
        else:
            new, end = "", min(col + 1, len(lines[line]))
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [{"range": {
                                                "start": {"line": line, "character": col},
                                                "end": {"line": line, "character": end}},
                                                "text": new}]})
        lines[line] = lines[line][:col] + new + lines[line][end:]
        text = "\n".join(lines)
        got = sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
                     for d in c.diagnostics(uri))
        view.write_text(text)
        r = subprocess.run([ORMLINT, "--format", "json", "--exit-zero", str(view)], cwd=tmp_path,
                           capture_output=True, text=True)
        want = sorted((f["code"], f["line"] - 1, f["column"] - 1) for f in json.loads(r.stdout))
        assert got == want, f"after edit {version - 1} at {line + 1}:{col + 1}"
    c.request("shutdown")
    c.notify("exit")
    assert c.close() == 0


def test_editing_a_helper_updates_its_callers(tmp_path):
    """Calls resolved once are kept while no file's functions, classes or
    imports change: editing a helper's body re-publishes its callers with the
    new effect; renaming it (its interface) resolves every call again."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "models.py").write_text(
        "from app import db\n\n\nclass Chef(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n")
    helper = "from models import Chef\n\n\ndef chef_of(i):\n    return i\n"
    (tmp_path / "helpers.py").write_text(helper)
    (tmp_path / "views.py").write_text(
        "from helpers import chef_of\n\n\ndef page(ids):\n    return [chef_of(i) for i in ids]\n")
    c = Client([ORMLINT, "lsp"], cwd=tmp_path)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {}})
    c.notify("initialized")
    view_uri, diags = open_doc(c, tmp_path / "views.py")
    assert diags == []
    helper_uri, _ = open_doc(c, tmp_path / "helpers.py")

    def change(version, start, end, text):
        c.seen = []
        c.notify("textDocument/didChange", {"textDocument": {"uri": helper_uri, "version": version},
                                            "contentChanges": [{"range": {
                                                "start": {"line": start[0], "character": start[1]},
                                                "end": {"line": end[0], "character": end[1]}},
                                                "text": text}]})
        return c.diagnostics(view_uri)

    # `return i` -> `return Chef.query.get(i)`: the loop's call now runs a query
    diags = change(2, (4, 11), (4, 12), "Chef.query.get(i)")
    assert [d["code"] for d in diags] == ["ORM001"]
    # chef_of -> chef_for: the view's call resolves to nothing
    diags = change(3, (3, 4), (3, 11), "chef_for")
    assert diags == []
    # and back
    diags = change(4, (3, 4), (3, 12), "chef_of")
    assert [d["code"] for d in diags] == ["ORM001"]
    c.request("shutdown")
    c.notify("exit")
    assert c.close() == 0
