"""ORM007's index script applied to the oracle's databases: `ormlint
--emit-sql` (per dialect) runs on each freshly seeded database, every
service still returns what it returned without the indexes, with as many
statements, and SQLite's EXPLAIN QUERY PLAN of the campaign-applications
count (the seed's 1 + 12 COUNT queries) searches the new index instead of
scanning. The plans are printed, never timed."""
import json
import os
import subprocess
import sys

import pytest

import catalog
from conftest import RUN_TIMEOUT, RUNNER

INDEX = "ix_campaign_applications_campaign_id"


def _runner(oracle, tag, db, extra):
    out = os.path.join(oracle.work, f"result-{tag}-{db}.json")
    cmd = [sys.executable, RUNNER, "--root", catalog.APP, "--db", db, "--tag", tag, "--out", out]
    with open(os.path.join(oracle.work, f"runner-{tag}-{db}.log"), "w") as log:
        proc = subprocess.Popen(cmd + extra, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"), cwd=oracle.work)
    return out, proc


@pytest.fixture(scope="session")
def indexed(oracle):
    if not oracle.ormlint.has_rule("ORM007"):
        pytest.skip("ormlint has no ORM007")
    scripts, jobs = {}, {}
    for db in oracle.databases:
        dialect = "sqlite" if db == "sqlite" else "postgresql"
        scripts[db] = os.path.join(oracle.work, f"indexes-{dialect}.sql")
        p = subprocess.run([oracle.ormlint.path, "-q", "--select", "ORM007", "--dialect", dialect,
                            "--emit-sql", scripts[db], catalog.APP],
                           capture_output=True, text=True, timeout=RUN_TIMEOUT)
        assert p.returncode in (0, 1), p.stderr
        jobs[("services", db)] = _runner(oracle, "indexed", db, ["--indexes", scripts[db]])
    jobs[("explain-before", "sqlite")] = _runner(oracle, "explain-before", "sqlite",
                                                 ["--check", "explain"])
    jobs[("explain-after", "sqlite")] = _runner(oracle, "explain-after", "sqlite",
                                                ["--check", "explain", "--indexes",
                                                 scripts["sqlite"]])
    results = {}
    for key, (out, proc) in jobs.items():
        rc = proc.wait(timeout=RUN_TIMEOUT)
        assert os.path.exists(out), f"runner {key} exited {rc} without a result"
        with open(out, encoding="utf-8") as f:
            results[key] = json.load(f)
        assert not results[key].get("error"), results[key]["error"]
    oracle.notes.append(f"oracle: ORM007 index scripts {', '.join(sorted(scripts.values()))}")
    return scripts, results


def test_the_script_creates_the_campaign_applications_index(indexed):
    scripts, _ = indexed
    with open(scripts["sqlite"], encoding="utf-8") as f:
        sql = f.read()
    assert (f"CREATE INDEX IF NOT EXISTS {INDEX} ON campaign_applications (campaign_id);"
            in sql), sql


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
@pytest.mark.parametrize("name", [s.name for s in catalog.SERVICES])
def test_service_with_indexes(oracle, indexed, name, db):
    if db not in oracle.databases:
        pytest.skip("PostgreSQL not started (run corpus/oracle/run.sh)")
    _, results = indexed
    before = oracle.result("original", db, name)
    after = results[("services", db)]["services"].get(name, {"error": "missing"})
    assert "error" not in before and "error" not in after, after.get("error") or before["error"]
    for key in ("status", "body", "state", "count"):
        assert after.get(key) == before.get(key), (
            f"{name} on {db} with the indexes: {key} changed\n"
            f"before: {json.dumps(before.get(key))[:2000]}\nafter:  {json.dumps(after.get(key))[:2000]}")


def test_explain_uses_the_new_index(oracle, indexed):
    _, results = indexed
    before = results[("explain-before", "sqlite")]["explain"]
    after = results[("explain-after", "sqlite")]["explain"]
    for tag, run in (("before", before), ("after", after)):
        oracle.notes.append(f"ORACLE explain campaign-applications count {tag} indexes: "
                            + " | ".join(run["plan"]))
    assert INDEX not in before["indexes"]
    assert INDEX in after["indexes"]
    assert not any(INDEX in line for line in before["plan"]), before["plan"]
    assert any(line.startswith("SEARCH") and INDEX in line for line in after["plan"]), after["plan"]
