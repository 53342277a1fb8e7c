# ORM004 serial-count. An expect marker sits on each count after the first.
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    active = db.Column(db.Boolean)


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20))  # expect: ORM007


def dashboard():
    users = User.query.count()
    active = User.query.filter_by(active=True).count()  # expect: ORM004
    orders = Order.query.filter(Order.status == "paid").count()  # expect: ORM004
    return {"users": users, "active": active, "orders": orders}


def session_counts(session):
    a = session.query(User).count()
    b = session.query(Order).filter_by(status="new").count()  # expect: ORM004
    return a, b


def literal_forms():
    stats = {
        "users": User.query.count(),
        "orders": Order.query.count(),  # expect: ORM004
    }
    return stats


def returned_tuple():
    return User.query.count(), Order.query.filter_by(status="new").count()  # expect: ORM004


def not_convertible():
    a = User.query.count()
    b = Order.query.distinct().count()  # expect: ORM004
    return a, b


class Audit(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)


def other_database():
    users = User.query.count()
    audits = Audit.query.count()  # another database: not one query
    return users, audits


def not_reported(rows):
    only = User.query.count()
    words = rows.count("x")
    if only:
        a = User.query.count()
    else:
        a = Order.query.count()
    for r in rows:
        print(r)
    b = Order.query.count()
    return only, words, a, b
