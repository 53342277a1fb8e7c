"""Regressions: engine bugs found by the hostile-input and unit tests."""
from conftest import located


def test_fix_keeps_crlf_line_endings(project, ormlint):
    f = project / "views.py"
    f.write_bytes(b"def f(bs):\r\n    for b in bs:\r\n        print(Setting.query.first(), b)\r\n")
    ormlint("--fix", "--unsafe-fixes", ".")
    data = f.read_bytes()
    assert b"Setting.query.first()" in data and data != b""
    assert data.count(b"\n") == data.count(b"\r\n"), data


def test_fix_keeps_cr_line_endings(project, ormlint):
    f = project / "views.py"
    f.write_bytes(b"def f(bs):\r    for b in bs:\r        print(Setting.query.first(), b)\r")
    ormlint("--fix", "--unsafe-fixes", ".")
    assert b"\n" not in f.read_bytes(), f.read_bytes()


def test_query_variable_read_in_callback_lambda(project, ormlint):
    (project / "views.py").write_text(
        "def f(ids):\n"
        "    q = User.query.filter_by(active=True)\n"
        "    return list(map(lambda i: q.get(i), ids))\n")
    p, results = ormlint.json(".")
    assert located(results) == [("views.py", 3, 31)]


def test_nested_comprehensions_are_not_cubic(project, ormlint):
    n = 6000  # ~30 s at bc961d9 (3,000: 3.4 s; time x8 per doubling)
    (project / "deep.py").write_text("x = " + "[" * n + "Chef.query.get(i)" + " for i in ids]" * n + "\n")
    p = ormlint("-q", ".", timeout=10)
    assert p.returncode == 1


def test_bom_is_not_a_column(project, ormlint):
    """Python, editors and LSP clients do not count a UTF-8 BOM: the query
    starts at column 6 of line 1 (Python's col_offset 5)."""
    (project / "bom.py").write_bytes(b"\xef\xbb\xbfx = [Chef.query.get(i) for i in ids]\n")
    p, results = ormlint.json(".")
    assert located(results) == [("bom.py", 1, 6)]
