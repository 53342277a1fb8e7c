"""Service by service, on each database: the fixed app returns what the app
as written returns, with the number of SQL statements the seed expects."""
import json
import os

import pytest

import catalog

DATABASES = ["sqlite", "postgresql"]


def _need(db):
    if db == "postgresql" and not os.environ.get("ORACLE_PG_HOST"):
        pytest.skip("PostgreSQL not started (run corpus/oracle/run.sh)")


def _show(run):
    """The parts of a run worth reading in a failure message."""
    keep = {k: run.get(k) for k in ("status", "count", "commits", "error") if run.get(k)}
    if run.get("text"):
        keep["text"] = run["text"][:2000]
    keep["statements"] = run.get("statements", [])
    return json.dumps(keep, indent=1)[:6000]


def _observable(run):
    """What a client sees: the JSON body, or a page's HTML, and the state left behind."""
    return {"status": run.get("status"), "body": run.get("body"), "text": run.get("text"),
            "state": run.get("state")}


@pytest.mark.parametrize("db", DATABASES)
@pytest.mark.parametrize("name", [s.name for s in catalog.SERVICES])
def test_service(oracle, name, db):
    _need(db)
    service = catalog.BY_NAME[name]
    fix = oracle.fix_kind[name]
    before = oracle.result("original", db, name)
    after = oracle.result(fix, db, name)
    same = "error" not in before and "error" not in after and _observable(before) == _observable(after)
    oracle.lines[(name, db)] = (
        f"ORACLE service={name} db={db} before={before.get('count', '?')} "
        f"after={after.get('count', '?')} same_result={'yes' if same else 'no'} fix={fix}")

    assert "error" not in before, f"the app as written failed:\n{before['error']}"
    assert before["status"] == 200, f"the app as written answered {before['status']}:\n{_show(before)}"
    assert before["count"] == service.before, (
        f"the app as written issued {before['count']} statements, the seed's figure is "
        f"{service.before}:\n{_show(before)}")
    assert "error" not in after, f"the {fix} fix failed:\n{after['error']}"
    assert _observable(after) == _observable(before), (
        f"the {fix} fix changed the result:\nbefore: {json.dumps(_observable(before))[:3000]}\n"
        f"after:  {json.dumps(_observable(after))[:3000]}")
    if service.after is not None:
        assert after["count"] == service.after, (
            f"with the {fix} fix: {after['count']} statements, expected {service.after} "
            f"(before: {before['count']}):\n{_show(after)}")
    else:
        assert after["count"] < before["count"], (
            f"with the {fix} fix the statements did not fall ({before['count']} -> "
            f"{after['count']}):\n{_show(after)}")
    if service.max_commits is not None:
        assert after["commits"] <= service.max_commits, (
            f"with the {fix} fix: {after['commits']} commits, at most {service.max_commits} "
            f"expected:\n{_show(after)}")


@pytest.mark.parametrize("db", DATABASES)
def test_seed_pattern3_counts_the_cross_product(oracle, db):
    """The seed's "Pattern 3", query(func.count(A.id), func.count(B.id), ...)
    without a join, counts rows of the cross product: never ship it."""
    _need(db)
    run = oracle.result("pattern3", db)
    assert "error" not in run, run["error"]
    naive, truth = run["pattern3"]["naive"], run["pattern3"]["truth"]
    product = truth[0] * truth[1] * truth[2]
    assert truth == [8, 12, 22]
    assert naive == [product] * 3, f"pattern 3 gave {naive}"
    assert naive != truth
