"""Adopting ormlint on legacy code and in CI: a baseline of an earlier run
(only new findings are reported; moving lines resurrects nothing), noqa
comments written for every existing finding, SARIF fingerprints stable when
unrelated lines are added above, and --category for code scanning."""
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
FIXTURE = ROOT / "rules" / "orm001_query_in_loop" / "fixture_calls"


def project(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


def run(cwd, *args, codes=(0, 1)):
    p = subprocess.run([ORMLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert p.returncode in codes, f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def findings(cwd, *args):
    return json.loads(run(cwd, "--format", "json", *args).stdout)


def sarif(cwd, *args):
    return json.loads(run(cwd, "--format", "sarif", *args).stdout)


def prepend(path, text):
    path.write_text(text + path.read_text())


def test_baseline_reports_only_new_findings(tmp_path):
    proj = project(tmp_path)
    before = findings(proj, ".")
    assert before
    p = run(proj, "--write-baseline", "ormlint-baseline.sarif", ".", codes=(0,))
    assert f"wrote {len(before)} findings" in p.stderr
    assert run(proj, "--baseline", "ormlint-baseline.sarif", ".", codes=(0,)).stdout.startswith(
        "All checks passed")
    # Lines move: nothing comes back.
    prepend(proj / "app/views.py", "# moved\n\n\n")
    prepend(proj / "app/services/report.py", "import os\n")
    assert findings(proj, "--baseline", "ormlint-baseline.sarif", ".") == []
    # A new N+1 is reported, and only it.
    with open(proj / "app/views.py", "a") as f:
        f.write("\n\ndef again(bookings):\n    return [chef_of(b.chef_id) for b in bookings]\n")
    new = findings(proj, "--baseline", "ormlint-baseline.sarif", ".")
    assert [(r["path"], r["code"]) for r in new] == [("app/views.py", "ORM001")]
    assert new[0]["line"] > 90  # the new function, at the end of the file


def test_baseline_errors_before_analysis(tmp_path):
    proj = project(tmp_path)
    p = run(proj, "--baseline", "missing.sarif", ".", codes=(2,))
    assert "missing.sarif" in p.stderr and p.stdout == ""
    (proj / "bad.sarif").write_text("{not json")
    p = run(proj, "--baseline", "bad.sarif", ".", codes=(2,))
    assert "bad.sarif" in p.stderr and "not a SARIF log" in p.stderr


def test_add_noqa_silences_every_finding_and_keeps_code_valid(tmp_path):
    proj = project(tmp_path)
    (proj / "app/legacy.py").write_text(
        "from app.helpers import chef_of\n\n\n"
        "def a(bs):\n    return [chef_of(b.chef_id) for b in bs]  # existing comment\n\n\n"
        "def b(bs):\n    for x in bs:\n        chef_of(x.id)  # noqa: ORM002\n")
    before = findings(proj, ".")
    p = run(proj, "--add-noqa", ".", codes=(0,))
    assert f"added noqa for {len(before)} findings" in p.stderr
    legacy = (proj / "app/legacy.py").read_text()
    assert "# existing comment  # noqa: ORM001" in legacy
    assert "# noqa: ORM002,ORM001" in legacy
    for f in proj.rglob("*.py"):
        compile(f.read_text(), str(f), "exec")
    assert findings(proj, ".") == []
    assert run(proj, "--add-noqa", ".", codes=(0,)).stderr.startswith("ormlint: added noqa for 0")


def test_fingerprints_stable_when_lines_are_added_above(tmp_path):
    proj = project(tmp_path)

    def prints():
        res = sarif(proj, ".")["runs"][0]["results"]
        return sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"],
                       r["partialFingerprints"]["primaryLocationLineHash"]) for r in res)

    first = prints()
    prepend(proj / "app/views.py", "\n".join(f"# unrelated {i}" for i in range(7)) + "\n")
    assert prints() == first


def test_category_sets_automation_details(tmp_path):
    proj = project(tmp_path)
    run_ = sarif(proj, "--category", "ormlint-backend", ".")["runs"][0]
    assert run_["automationDetails"]["id"] == "ormlint-backend/"
    assert "automationDetails" not in sarif(proj, ".")["runs"][0]
