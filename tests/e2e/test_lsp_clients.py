"""`ormlint lsp` driven by two real editor clients, as an editor drives it:
a Node client on vscode-jsonrpc (VS Code's JSON-RPC layer, from
vscode/node_modules) and Neovim's built-in client (headless, 0.7+). Each
opens a corpus file, gets its diagnostics, requests code actions, applies
the preferred quick fix, sees the diagnostic go away, hovers on another
diagnostic and shuts the server down cleanly. The file carries non-ASCII
text (an astral emoji: two UTF-16 units, four UTF-8 bytes) before both the
diagnostic and the fix's edit, so positions must be UTF-16 on both sides."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT") or str(ROOT / "build" / "ormlint")
CORPUS = ROOT / "corpus" / "softfactory"
REL = "backend/services/review.py"
CLIENTS = ROOT / "tests" / "lsp"
JSONRPC = ROOT / "vscode" / "node_modules" / "vscode-jsonrpc"

# Before the ORM002 on `application.user` and on the line the fix edits.
EDITS = [
    ("        applicant = application.user  # expect: ORM002",
     '        note = "😀"; applicant = application.user  # expect: ORM002'),
    ("        .order_by(CampaignApplication.created_at, CampaignApplication.id)\n",
     '        .filter(CampaignApplication.status != "😀 é")'
     ".order_by(CampaignApplication.created_at, CampaignApplication.id)\n"),
]


def utf16(s):
    return len(s.encode("utf-16-le")) // 2


@pytest.fixture
def corpus(tmp_path):
    """(project root, the edited file, its text after `ormlint --fix --select ORM002`)."""
    proj = tmp_path / "softfactory"
    shutil.copytree(CORPUS, proj)
    f = proj / REL
    text = f.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    f.write_text(text, encoding="utf-8")
    fixed = tmp_path / "fixed"
    shutil.copytree(proj, fixed)
    p = subprocess.run([ORMLINT, "--fix", "--select", "ORM002", REL], cwd=fixed,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    expected = (fixed / REL).read_text(encoding="utf-8")
    assert expected != text and "joinedload(CampaignApplication.user)" in expected
    return proj, f, expected


def where(text):
    """0-based (line, UTF-16 column, UTF-8 byte column) of the ORM002 site, and
    the line the fix edits."""
    lines = text.splitlines()
    row = next(i for i, l in enumerate(lines) if "applicant = application.user" in l)
    col = lines[row].index("application.user")
    return row, utf16(lines[row][:col]), len(lines[row][:col].encode()), lines


def check_common(r, expected):
    assert "error" not in r, r["error"]
    titles = [a["title"] for a in r["actions"]]
    assert r["fix_title"].startswith("Load the relationship with the rows")
    assert "Suppress ORM002 with # noqa" in titles
    # The preferred fix, applied with UTF-16 positions, is exactly the CLI's --fix.
    assert r["text"] == expected
    assert r["hover_code"] == "ORM003"
    assert r["hover"]["contents"]["kind"] == "markdown"
    assert "# ORM003 count-in-loop" in r["hover"]["contents"]["value"]
    assert r["exit_code"] == 0 and not r.get("signal")


def test_node_vscode_jsonrpc_client(corpus):
    if not shutil.which("node"):
        pytest.skip("node is not installed (make deps installs nodejs)")
    if not JSONRPC.is_dir():
        pytest.skip("vscode/node_modules/vscode-jsonrpc is missing: run `make vscode` "
                    "(sh vscode/build.sh runs npm ci) first")
    proj, f, expected = corpus
    p = subprocess.run(["node", str(CLIENTS / "node_client.js"), ORMLINT, str(proj), str(f), "ORM002"],
                       cwd=proj, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["stderr"] == ""
    assert r["positionEncoding"] == "utf-16" and r["sync"]["change"] == 2
    row, col16, _, lines = where(f.read_text(encoding="utf-8"))
    before = {d["code"]: d for d in r["before"]}
    assert sorted(before) == ["ORM002", "ORM003"]
    d = before["ORM002"]
    assert d["range"]["start"] == {"line": row, "character": col16}
    assert d["range"]["end"] == {"line": row, "character": col16 + len("application.user")}
    assert d["source"] == "ormlint" and d["codeDescription"]["href"].endswith("orm002_lazy_load_in_loop/doc.md")
    query = next(i["location"]["range"] for i in d["relatedInformation"] if "query" in i["message"])
    fixed_row = next(i for i, l in enumerate(lines) if "😀 é" in l)
    assert query["end"] == {"line": fixed_row, "character": utf16(lines[fixed_row])}
    check_common(r, expected)
    assert [a["code"] for a in r["after"]] == ["ORM003"]
    # The fix added an import line: ORM003 moved down one line.
    assert r["after"][0]["range"]["start"]["line"] == before["ORM003"]["range"]["start"]["line"] + 1


def test_neovim_builtin_client(corpus, tmp_path):
    nvim = shutil.which("nvim")
    if not nvim:
        pytest.skip("nvim is not installed (make deps installs Debian's neovim)")
    proj, f, expected = corpus
    out = tmp_path / "nvim.json"
    env = dict(os.environ, ORMLINT=ORMLINT, ROOT=str(proj), FILE=str(f), CODE="ORM002", OUT=str(out),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    p = subprocess.run([nvim, "--headless", "--clean", "-n", "-u", "NONE",
                        "-c", "luafile " + str(CLIENTS / "nvim_client.lua")],
                       cwd=proj, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    assert out.exists(), f"nvim exited {p.returncode}: {p.stdout} {p.stderr}"
    r = json.loads(out.read_text())
    assert p.returncode == 0, r.get("error") or p.stderr
    assert r["offset_encoding"] == "utf-16" and r["server_position_encoding"] == "utf-16"
    row, col16, col8, _ = where(f.read_text(encoding="utf-8"))
    before = {d["code"]: d for d in r["before"]}
    assert sorted(before) == ["ORM002", "ORM003"]
    # Neovim converts the server's UTF-16 columns to byte columns: right only
    # when the server counted UTF-16 units.
    assert (before["ORM002"]["lnum"], before["ORM002"]["col"]) == (row, col8)
    assert before["ORM002"]["end_col"] == col8 + len("application.user")
    assert r["request_range"]["start"] == {"line": row, "character": col16}
    check_common(r, expected)
    assert [d["code"] for d in r["after"]] == ["ORM003"]
    assert r["after"][0]["lnum"] == before["ORM003"]["lnum"] + 1
