import sys, importlib, json, os
d = sys.argv[1]
sys.path.insert(0, d)

def emulate_sqlalchemy_13():
    """The project pins SQLAlchemy 1.3 (its requirements.txt says <1.4) while
    Debian ships 1.4: take away what 1.3 does not have, so a fix written in
    2.0 style fails here as it would there. 1.3's select() takes a list of
    columns; it has .as_scalar() but no .scalar_subquery(), no
    Session.scalars()."""
    import sqlalchemy
    from sqlalchemy.orm import Session
    from sqlalchemy.sql import selectable
    plain = sqlalchemy.select

    def select13(*args, **kw):
        if args and not isinstance(args[0], (list, tuple)):
            raise TypeError("SQLAlchemy 1.3: select() takes a list of columns")
        return plain(*args, **kw)
    sqlalchemy.select = select13
    sqlalchemy.sql.expression.select = select13
    scalar_subquery = selectable.SelectBase.scalar_subquery
    selectable.SelectBase.as_scalar = lambda self: scalar_subquery(self)  # 1.4's calls the other
    for cls, name in ((selectable.SelectBase, "scalar_subquery"), (Session, "scalars")):
        def missing(*a, _n=name, **k):
            raise AttributeError(f"SQLAlchemy 1.3 has no {_n}()")
        setattr(cls, name, missing)


req = os.path.join(d, "requirements.txt")
if os.path.exists(req) and "<1.4" in open(req).read():
    emulate_sqlalchemy_13()
import models
from models import db, Chef, Booking, Setting, Job, Person, Staff
from sqlalchemy import event
from flask import Flask
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("SEMANTICS_DB_URL", "sqlite://")
app.config["SECRET_KEY"] = "x"
db.init_app(app)
count = [0]
with app.app_context():
    db.create_all()
    c1 = Chef(id=1, name="Ann"); c2 = Chef(id=2, name="Bob"); c3 = Chef(id=3, name="Cid", active=False)
    db.session.add_all([c1, c2, c3])
    db.session.add_all([Booking(id=10, chef_id=1, status="paid"), Booking(id=11, chef_id=1, status="new"),
                        Booking(id=12, chef_id=2, status="paid"), Booking(id=13, chef_id=None, status="new"),
                        Booking(id=14, chef_id=2, status="new", parent_id=12), Booking(id=15, chef_id=3, status="paid", parent_id=14)])
    db.session.add_all([Setting(key="currency", value="EUR"), Setting(key="rank", value="5")])
    db.session.add_all([Job(id=1, status="pending"), Job(id=2, status="done")])
    db.session.add_all([Person(id=1, name="Pat", chef_id=1), Staff(id=2, name="Sam", chef_id=1),
                        Person(id=3, name="Pia", chef_id=2), Staff(id=4, name="Sue", chef_id=2),
                        Person(id=5, name="Pol"), Staff(id=6, name="Sid", chef_id=3)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Rows were inserted with explicit ids: move each id sequence past them.
        for t in db.metadata.sorted_tables:
            if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.primary_key:
                db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                           f"coalesce((SELECT max(id) FROM {t.name}), 0) + 1, false)"))
        db.session.commit()
    db.session.expunge_all()
    @event.listens_for(db.engine, "before_cursor_execute")
    def _c(conn, cursor, statement, params, context, executemany):
        count[0] += 1
    case = importlib.import_module("case")
    try:
        res = case.run()
        print("RESULT", repr(res))
    except BaseException as e:
        print("EXC", type(e).__name__, e)
    print("STATEMENTS", count[0])
