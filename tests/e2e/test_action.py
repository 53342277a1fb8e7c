"""The GitHub Action (action.yml) as far as it runs outside GitHub: its
build step names a make target that exists, and its run step, executed by
bash with the action's default inputs, writes a SARIF log that validates,
carries the category, and prints workflow-command annotations. (The upload
step is GitHub's own action.)"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ORMLINT = os.environ.get("ORMLINT", str(ROOT / "build" / "ormlint"))
BUILD = Path(os.environ.get("B", ROOT / "build"))


def action():
    return yaml.safe_load((ROOT / "action.yml").read_text())


def step(name):
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def expand(script, inputs):
    return re.sub(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", lambda m: inputs[m.group(1)], script)


def test_build_step_names_a_make_target():
    script = step("Build ormlint")["run"]
    target = re.search(r'make -C "\$GITHUB_ACTION_PATH" (\S+)', script).group(1)
    p = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "apt-get install" in script and "sudo" in script


def test_run_step_writes_sarif_with_category(tmp_path):
    act = action()
    inputs = {k: str(v.get("default", "")) for k, v in act["inputs"].items()}
    home = tmp_path / "action"
    (home / "build").mkdir(parents=True)
    os.symlink(ORMLINT, home / "build" / "ormlint")
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "rules" / "orm002_lazy_load_in_loop" / "fixture_calls", work)
    (work / "pyproject.toml").write_text("")
    script = expand(step("Run ormlint")["run"], inputs)
    p = subprocess.run(["bash", "-e", "-c", script], cwd=work, capture_output=True, text=True,
                       env={**os.environ, "GITHUB_ACTION_PATH": str(home)}, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "::warning file=blog/views.py,line=" in p.stdout
    sarif = work / inputs["sarif"]
    run_ = json.loads(sarif.read_text())["runs"][0]
    assert run_["automationDetails"]["id"] == inputs["category"] + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    assert uris and all(not u.startswith(("/", "file:")) for u in uris)  # repository-relative
    listed = {r["id"] for r in run_["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run_["results"]} <= listed
    v = subprocess.run(["sh", str(ROOT / "tests/sarif/validate.sh"), str(sarif), str(BUILD)],
                       capture_output=True, text=True, timeout=600)
    assert v.returncode == 0, v.stdout + v.stderr
    upload = step("Upload SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "${{ inputs.category }}"
