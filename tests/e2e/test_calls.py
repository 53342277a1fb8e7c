"""Following calls across files: call-site findings when only the view is
checked (a pre-commit run), SARIF code flows into the other files, and the
ORM002 fix that edits the query in the file of the function that returned
the rows — applied only when that file is among the files checked."""
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
FIXTURE = ROOT / "rules" / "orm002_lazy_load_in_loop" / "fixture_calls"


def project(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


def run(cwd, *args):
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stdout + p.stderr
    return p


def findings(cwd, *args):
    return json.loads(run(cwd, "--format", "json", *args).stdout)


def test_view_alone_still_follows_calls_into_other_files(tmp_path):
    proj = project(tmp_path)
    got = findings(proj, "blog/views.py")
    describe = [r for r in got if r["line"] == 19]
    assert describe and describe[0]["code"] == "ORM002"
    assert "blog/helpers.py:7" in describe[0]["message"]
    assert [f["path"] for f in describe[0]["flow"]] == ["blog/views.py", "blog/helpers.py",
                                                        "blog/helpers.py"]


def test_sarif_code_flow_crosses_files(tmp_path):
    proj = project(tmp_path)
    sarif = json.loads(run(proj, "--format", "sarif", ".").stdout)
    results = sarif["runs"][0]["results"]
    flows = [r for r in results if r.get("codeFlows")]
    assert flows
    for r in flows:
        locs = r["codeFlows"][0]["threadFlows"][0]["locations"]
        assert locs[0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == \
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for loc in locs:
            region = loc["location"]["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            assert loc["location"]["message"]["text"]
    uris = {l["location"]["physicalLocation"]["artifactLocation"]["uri"]
            for r in flows for l in r["codeFlows"][0]["threadFlows"][0]["locations"]}
    assert "blog/helpers.py" in uris and "blog/models.py" in uris


def test_fix_edits_the_query_in_the_returning_function(tmp_path):
    proj = project(tmp_path)
    other = [r for r in findings(proj, ".") if r["line"] == 40]
    assert other[0]["fix"]["path"] == "blog/helpers.py"
    run(proj, "--fix", ".")
    helpers = (proj / "blog/helpers.py").read_text()
    assert ".options(joinedload(Post.author)).all()" in helpers
    assert "from sqlalchemy.orm import joinedload" in helpers
    compile(helpers, "helpers.py", "exec")
    # Left: ORM007 on Post.title (its fix, a schema change, is unsafe: --fix leaves it).
    assert [(r["path"], r["line"], r["code"]) for r in findings(proj, ".")] == [
        ("blog/models.py", 25, "ORM007")]


def test_file_not_checked_is_never_edited(tmp_path):
    proj = project(tmp_path)
    before = (proj / "blog/helpers.py").read_text()
    other = [r for r in findings(proj, "blog/views.py") if r["line"] == 40]
    assert other[0]["fix"] is None
    assert "not among the files checked" in other[0]["message"]
    run(proj, "--fix", "blog/views.py")
    assert (proj / "blog/helpers.py").read_text() == before
    left = findings(proj, "blog/views.py")
    assert [r["code"] for r in left] == ["ORM002"]  # the import it added moved it a line down
