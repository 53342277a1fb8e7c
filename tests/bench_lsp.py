"""make bench, editor part: `ormlint lsp` on a project whose view is a
2,000-line file; one character typed (and deleted) 50 times, in two
places: a letter inside a name in the middle of a function (what typing
is), and `#` at the start of a blank line between two functions (which
tree-sitter 0.20's incremental parse handles by re-parsing the rest of
the file). Prints the median and 90th percentile of the server's analysis
time per change (the edit, incremental parse, facts, re-index, re-check,
from its ormlint/timing request) and of the round trip from didChange to
publishDiagnostics. Figures, not assertions."""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from lsp_client import Client, file_uri  # noqa: E402

ormlint = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    proj = Path(d)
    (proj / "pyproject.toml").write_text("")
    models = ["from flask_sqlalchemy import SQLAlchemy", "db = SQLAlchemy()", ""]
    for i in range(20):
        models += [f"class M{i}(db.Model):", "    id = db.Column(db.Integer, primary_key=True)",
                   f"    parent_id = db.Column(db.Integer, db.ForeignKey('m{i}.id'))",
                   f"    parent = db.relationship('M{i}', remote_side=[id])", ""]
    (proj / "models.py").write_text("\n".join(models) + "\n")
    view = ["from models import *", ""]
    i = 0
    while len(view) < 2000:  # a long view module: mostly plain code, an N+1 every tenth function
        m = i % 20
        if i % 10 == 0:
            view += [f"def view_{i}(xs):", "    out = []", f"    for r in M{m}.query.all():",
                     "        out.append(r.parent.id)",
                     f"        total = M{m}.query.filter_by(id=r.id).count()",
                     "        out.append(total)", "    return out", ""]
        else:
            view += [f"def helper_{i}(items, scale={i}):", "    result = {}",
                     "    for k, v in items.items():", "        if v is None:", "            continue",
                     "        result[k] = round(v * scale / 100, 2)",
                     "    return dict(sorted(result.items()))", ""]
        i += 1
    text = "\n".join(view) + "\n"
    (proj / "views.py").write_text(text)
    c = Client([ormlint, "lsp"], cwd=proj)
    c.seen = []
    c.request("initialize", {"processId": None, "rootUri": file_uri(proj), "capabilities": {}})
    c.notify("initialized")
    uri = file_uri(proj / "views.py")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                       "version": 1, "text": text}})
    first = c.diagnostics(uri)
    lines = text.split("\n")
    middle = next(i for i in range(1000, len(lines)) if lines[i].startswith("    result = "))
    cases = [("a letter typed in a name", middle, len("    res"), "x"),
             ("'#' at the start of a blank line", next(i for i in range(1000, len(lines))
                                                         if not lines[i]), 0, "#")]
    version = 2
    results = []
    for name, line, col, ch in cases:
        analysis, trip = [], []
        for k in range(50):
            at = {"line": line, "character": col}
            edit = ({"range": {"start": at, "end": at}, "text": ch} if k % 2 == 0 else
                    {"range": {"start": at, "end": {"line": line, "character": col + 1}},
                     "text": ""})
            t0 = time.perf_counter()
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                "contentChanges": [edit]})
            version += 1
            c.diagnostics(uri)
            trip.append((time.perf_counter() - t0) * 1e3)
            analysis.append(c.request("ormlint/timing")["result"]["analysisMs"])
        results.append((name, analysis, trip))
    c.request("shutdown")
    c.notify("exit")
    c.close()
    q = lambda xs, p: sorted(xs)[int(len(xs) * p)]
    for name, analysis, trip in results:
        print(f"BENCH lsp: 2000-line file, {len(first)} diagnostics, {name} and deleted: analysis "
              f"median {statistics.median(analysis):.2f} ms (p90 {q(analysis, 0.9):.2f} ms), "
              f"didChange->publishDiagnostics median {statistics.median(trip):.2f} ms "
              f"(p90 {q(trip, 0.9):.2f} ms)")
