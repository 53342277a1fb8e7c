"""Run one variant of the app (as written, or fixed) and report, per service,
the JSON response and the SQL statements it issued.

Usage: runner.py --root APP_DIR --db sqlite|postgresql --tag NAME --out FILE
                 [--services a,b,...] [--check pattern3|explain] [--indexes SQL_FILE]

One process per variant: the original and the fixed app share the package
name `backend`, so they never meet in one interpreter. Every service gets a
freshly created and seeded database (SQLite in memory; on PostgreSQL a
database of its own in the throwaway cluster named by ORACLE_PG_HOST/PORT),
then one request through the Flask test client while a
`before_cursor_execute` listener counts statements. Seeding is not counted.
With --indexes, a SQL script (ormlint --emit-sql) is applied to each
database after seeding; --check explain prints the query plan of the
campaign-applications count.
"""
import argparse
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import catalog  # noqa: E402
import seeddata  # noqa: E402

FIXED_NOW = "2026-02-25T10:30:00"
SECRET = "oracle-secret"


# ---- databases --------------------------------------------------------------

def pg_params():
    host = os.environ.get("ORACLE_PG_HOST")
    if not host:
        raise RuntimeError("ORACLE_PG_HOST is not set: start PostgreSQL with corpus/oracle/run.sh")
    return host, os.environ.get("ORACLE_PG_PORT", "5432"), os.environ.get("ORACLE_PG_USER", "postgres")


def pg_admin(sql):
    import psycopg2

    host, port, user = pg_params()
    conn = psycopg2.connect(dbname="postgres", host=host, port=port, user=user)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


class Database:
    """A fresh, empty database for one service run."""

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name
        if kind == "sqlite":
            self.url = "sqlite://"
        else:
            host, port, user = pg_params()
            pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
            pg_admin(f'CREATE DATABASE "{name}"')
            self.url = f"postgresql+psycopg2://{user}@/{name}?host={host}&port={port}"

    def drop(self):
        if self.kind == "postgresql":
            pg_admin(f'DROP DATABASE IF EXISTS "{self.name}"')


# ---- the app ----------------------------------------------------------------

def import_app(root):
    sys.path.insert(0, root)
    import backend
    from backend.extensions import db

    loaded_from = os.path.dirname(os.path.abspath(backend.__file__))
    if not loaded_from.startswith(os.path.abspath(root) + os.sep):
        raise RuntimeError(f"backend imported from {loaded_from}, not from {root}")
    return backend, db


INDEXES = None  # --indexes: the SQL script applied after seeding


def apply_sql(db, script):
    """Runs a SQL script (CREATE INDEX statements) on the app's database."""
    raw = db.engine.raw_connection()
    try:
        if db.engine.dialect.name == "sqlite":
            raw.executescript(script)
        else:
            cur = raw.cursor()
            cur.execute(script)
            cur.close()
        raw.commit()
    finally:
        raw.close()


def make_app(backend, db, url):
    app = backend.create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "FIXED_NOW": FIXED_NOW,
    })
    with app.app_context():
        db.create_all()
        seeddata.seed(db)
        db.session.remove()
        if INDEXES is not None:
            apply_sql(db, INDEXES)
    return app


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements = []
        self.commits = 0

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(" ".join(statement.split()))

    def _on_commit(self, conn):
        self.commits += 1

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        event.listen(self.engine, "commit", self._on_commit)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on_execute)
        event.remove(self.engine, "commit", self._on_commit)


# State of the database after a mutating call, compared between variants.
def state_scenarios(models):
    rows = models.Scenario.query.order_by(models.Scenario.id).all()
    return [row.to_dict() for row in rows]


STATE = {"scenarios": state_scenarios}


def run_service(backend, db, service, kind, tag):
    database = Database(kind, f"oracle_{tag}_{service.name}")
    try:
        app = make_app(backend, db, database.url)
        headers = {}
        with app.app_context():
            if service.user is not None:
                from backend.auth import issue_token

                headers["Authorization"] = "Bearer " + issue_token(service.user)
            engine = db.engine
        client = app.test_client()
        started = time.perf_counter()
        with StatementCounter(engine) as counter:
            response = client.open(service.path, method=service.method, headers=headers)
        elapsed_ms = (time.perf_counter() - started) * 1000
        result = {
            "status": response.status_code,
            "body": response.get_json(silent=True),
            "text": None if response.is_json else response.get_data(as_text=True),
            "count": len(counter.statements),
            "statements": counter.statements,
            "commits": counter.commits,
            "ms": round(elapsed_ms, 1),
        }
        if service.state:
            with app.app_context():
                import backend.models as models

                result["state"] = STATE[service.state](models)
                db.session.remove()
        with app.app_context():
            db.engine.dispose()
        return result
    finally:
        database.drop()


# ---- the seed's "Pattern 3" ---------------------------------------------------

def check_pattern3(backend, db, kind, tag):
    """Counts of three tables: the seed's one-query version and the truth."""
    from sqlalchemy import func, select

    from backend.models import Campaign, CampaignApplication, User

    database = Database(kind, f"oracle_{tag}_pattern3")
    try:
        app = make_app(backend, db, database.url)
        with app.app_context():
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SQLAlchemy warns about the cartesian product
                naive = db.session.query(
                    func.count(User.id), func.count(Campaign.id), func.count(CampaignApplication.id)
                ).first()
            truth = db.session.execute(select(
                select(func.count(User.id)).scalar_subquery(),
                select(func.count(Campaign.id)).scalar_subquery(),
                select(func.count(CampaignApplication.id)).scalar_subquery(),
            )).one()
            db.session.remove()
            db.engine.dispose()
        return {"naive": list(naive), "truth": list(truth)}
    finally:
        database.drop()


# ---- the query plan of the campaign-applications count -------------------------

def check_explain(backend, db, kind, tag):
    """SQLite's EXPLAIN QUERY PLAN of the count the campaign list runs per
    campaign (as the app writes it:
    CampaignApplication.query.filter_by(campaign_id=...).count()), and the
    indexes of its table."""
    from sqlalchemy import event

    from backend.models import CampaignApplication

    database = Database(kind, f"oracle_{tag}_explain")
    try:
        app = make_app(backend, db, database.url)
        with app.app_context():
            seen = []

            def capture(conn, cursor, statement, parameters, context, executemany):
                seen.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", capture)
            CampaignApplication.query.filter_by(campaign_id=7).count()  # 5 applications
            event.remove(db.engine, "before_cursor_execute", capture)
            statement, parameters = seen[-1]
            with db.engine.connect() as conn:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                plan = [row[-1] for row in rows]
                indexes = [r[1] for r in conn.exec_driver_sql(
                    "PRAGMA index_list('campaign_applications')").all()]
            db.session.remove()
            db.engine.dispose()
        return {"statement": " ".join(statement.split()), "plan": plan, "indexes": sorted(indexes)}
    finally:
        database.drop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--services", default="")
    parser.add_argument("--check", choices=["pattern3", "explain"])
    parser.add_argument("--indexes", help="a SQL script applied to each database after seeding")
    args = parser.parse_args()
    global INDEXES
    if args.indexes:
        with open(args.indexes, encoding="utf-8") as f:
            INDEXES = f.read()

    out = {"root": args.root, "db": args.db, "services": {}}
    try:
        backend, db = import_app(args.root)
    except Exception:
        out["error"] = "importing the app failed:\n" + traceback.format_exc()
        backend = None
    if backend is not None and args.check == "pattern3":
        try:
            out["pattern3"] = check_pattern3(backend, db, args.db, args.tag)
        except Exception:
            out["error"] = traceback.format_exc()
    elif backend is not None and args.check == "explain" and args.db == "sqlite":
        try:
            out["explain"] = check_explain(backend, db, args.db, args.tag)
        except Exception:
            out["error"] = traceback.format_exc()
    elif backend is not None:
        names = [n for n in args.services.split(",") if n] or [s.name for s in catalog.SERVICES]
        for name in names:
            try:
                out["services"][name] = run_service(backend, db, catalog.BY_NAME[name], args.db, args.tag)
            except Exception:
                out["services"][name] = {"error": traceback.format_exc()}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, default=str)


if __name__ == "__main__":
    main()
