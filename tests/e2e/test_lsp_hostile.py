"""Hostile input to `ormlint lsp`: one file under several URI spellings, a
document that is not UTF-8, Markdown in the code a hover quotes, and a
document over max-file-size. The server must stay up, speak valid UTF-8
JSON, and never parse what the CLI would skip."""
import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import Client, file_uri  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))

VIEWS = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)


def f(bookings):
    for b in bookings:
        Chef.query.filter_by(id=QUOTED).first()
'''


def start(tmp_path, pyproject=""):
    (tmp_path / "pyproject.toml").write_text(pyproject)
    c = Client([ORMLINT, "lsp"], cwd=tmp_path)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(tmp_path), "capabilities": {}})
    c.notify("initialized")
    return c


def stop(c):
    assert c.p.poll() is None, f"the server died: {c.p.returncode}"
    c.request("shutdown")
    c.notify("exit")
    assert c.close() == 0
    assert c.stray == []


def open_text(c, uri, text, version=1):
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": version, "text": text}})


def change(c, uri, version, text, start=None, end=None):
    edit = {"text": text}
    if start is not None:
        edit["range"] = {"start": {"line": start[0], "character": start[1]},
                         "end": {"line": end[0], "character": end[1]}}
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                        "contentChanges": [edit]})


def test_one_file_under_several_uri_spellings_is_one_document(tmp_path):
    """file:///p/views.py, file://localhost/p/views.py and a %-encoded
    letter name one file: opened under each, one closed, the other edited,
    the server goes on (it crashed: two documents shared one unit)."""
    c = start(tmp_path)
    path = tmp_path / "views.py"
    text = VIEWS.replace("QUOTED", "b.chef_id")
    path.write_text(text)
    plain = file_uri(path)
    spellings = [plain, plain.replace("file://", "file://localhost"),
                 plain.replace("views.py", "vi%65ws.py"), plain.replace("/views.py", "/./views.py")]
    for uri in spellings:
        open_text(c, uri, text)
        assert len(c.diagnostics(uri, timeout=10)) == 1
    for version, (closed, edited) in enumerate(((spellings[0], spellings[1]),
                                                 (spellings[2], spellings[3]))):
        c.notify("textDocument/didClose", {"textDocument": {"uri": closed}})
        assert c.diagnostics(closed, timeout=10) == []
        change(c, edited, 5 + version, "#", (0, 0), (0, 0))
        assert len(c.diagnostics(edited, timeout=10)) == 1, "still open under another spelling"
    for uri in spellings[1::2]:
        c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    change(c, spellings[3], 9, "", (0, 0), (0, 1))  # closed under every spelling: ignored
    assert c.request("ormlint/timing", timeout=10)["result"] is not None
    stop(c)


def test_diagnostics_quoting_invalid_utf8_are_valid_utf8(tmp_path):
    """A message quoting bytes that are not UTF-8 goes out with U+FFFD in
    their place, as the CLI's JSON and SARIF do: a strict client (this one
    decodes each message as UTF-8) would drop it."""
    c = start(tmp_path)
    path = tmp_path / "views.py"
    uri = file_uri(path)
    body = VIEWS.replace("QUOTED", '"caf\xe9"').encode("latin-1")
    path.write_bytes(body)
    msg = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "@@TEXT@@"}}}
    raw = json.dumps(msg).encode().replace(b"@@TEXT@@", body.replace(b'"', b'\\"').replace(b"\n", b"\\n"))
    c.raw(b"Content-Length: %d\r\n\r\n" % len(raw) + raw)
    diags = c.diagnostics(uri, timeout=10)
    assert len(diags) == 1 and "caf\ufffd" in diags[0]["message"], diags
    stop(c)


def test_hover_shows_quoted_code_as_text_not_markdown(tmp_path):
    """The hover's message quotes the source: its links, images and HTML are
    escaped, not rendered (an image would be fetched by the editor)."""
    c = start(tmp_path)
    path = tmp_path / "views.py"
    uri = file_uri(path)
    text = VIEWS.replace("QUOTED", '"![x](http://e.example/t.png)<img src=x>[a](b)"')
    path.write_text(text)
    open_text(c, uri, text)
    d = c.diagnostics(uri, timeout=10)[0]
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                         "position": d["range"]["start"]})["result"]
    value = h["contents"]["value"]
    head = value.split("\n---\n")[0]
    assert "e.example" in head.replace("\\", "")
    # Every Markdown character of the quoted code is backslash-escaped.
    for raw in (r"\]\(", r"!\[", r"<img", r"\[a\\?\]"):
        assert not re.search(r"(?<!\\)" + raw, head), (raw, head)
    stop(c)


def test_document_over_max_file_size_is_held_not_analysed(tmp_path):
    """max-file-size applies to open documents: one over it is not parsed
    (a notification says so, no diagnostics), edits to it stay cheap, and
    once it is back under the limit it is analysed again."""
    c = start(tmp_path, '[tool.ormlint]\nmax-file-size = "64K"\n')
    path = tmp_path / "views.py"
    uri = file_uri(path)
    small = VIEWS.replace("QUOTED", "b.chef_id")
    pad = "x = [" + "1, " * 200_000 + "]\n"  # 600 KB on one line
    big = small + pad
    path.write_text(small)
    open_text(c, uri, big)
    note = c.wait(lambda m: m.get("method") == "window/showMessage", timeout=20)
    assert note["params"]["type"] == 2 and "max-file-size" in note["params"]["message"]
    assert c.diagnostics(uri, timeout=20) == []
    # Edits go on: typed into the held text at its end, then the pad removed.
    lines = big.count("\n")
    change(c, uri, 2, "y = 1\n", (lines, 0), (lines, 0))
    assert c.diagnostics(uri, timeout=20) == []
    change(c, uri, 3, "", (lines - 1, 0), (lines, 0))
    diags = c.diagnostics(uri, timeout=20)
    assert [d["code"] for d in diags] == ["ORM001"]
    # The text after the edits is exactly what it should be: the finding's line.
    assert diags[0]["range"]["start"]["line"] == 11
    stop(c)
