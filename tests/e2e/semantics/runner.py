import sys, importlib, json, os
d = sys.argv[1]
sys.path.insert(0, d)

def emulate_sqlalchemy(oldest_13, newest_20):
    """Debian ships SQLAlchemy 1.4; a project's requirements.txt may allow
    1.3 (`<1.4`), or 1.3 through 2.x. Take away what the versions it allows
    do not all have, so a fix written for another version fails here as it
    would there: 1.3's select() takes a list and has .as_scalar(), no
    .scalar_subquery(), no Session.scalars(); 2.0's select() takes no list
    and has no .as_scalar()."""
    import sqlalchemy
    from sqlalchemy.orm import Session
    from sqlalchemy.sql import selectable
    plain = sqlalchemy.select

    def select(*args, **kw):
        listed = bool(args) and isinstance(args[0], (list, tuple))
        if oldest_13 and not listed:
            raise TypeError("SQLAlchemy 1.3: select() takes a list of columns")
        if newest_20 and listed:
            raise TypeError("SQLAlchemy 2.0: select() takes no list")
        return plain(*args, **kw)
    sqlalchemy.select = select
    sqlalchemy.sql.expression.select = select
    scalar_subquery = selectable.SelectBase.scalar_subquery

    def missing(name, version, plain_method):
        """Missing when the case calls it; SQLAlchemy's own code still may."""
        def f(*a, **k):
            if sys._getframe(1).f_code.co_filename.endswith("case.py"):
                raise AttributeError(f"SQLAlchemy {version} has no {name}()")
            return plain_method(*a, **k)
        return f
    as_scalar = lambda self: scalar_subquery(self)  # 1.4's calls the other, with a warning
    selectable.SelectBase.as_scalar = missing("as_scalar", "2.0", as_scalar) if newest_20 else as_scalar
    if oldest_13:
        selectable.SelectBase.scalar_subquery = missing("scalar_subquery", "1.3", scalar_subquery)
        Session.scalars = missing("scalars", "1.3", Session.scalars)


req = os.path.join(d, "requirements.txt")
if os.path.exists(req):
    spec = open(req).read()
    oldest_13 = ">=1.3" in spec or "<1.4" in spec
    emulate_sqlalchemy(oldest_13, oldest_13 and "<1.4" not in spec and "<2.0" not in spec)
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
