# ORM004 serial-count. An expect marker sits on each count after the first.
import logging

from flask import current_app, jsonify, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()
log = logging.getLogger(__name__)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    active = db.Column(db.Boolean)

    @classmethod
    def count(cls, **filters):
        return cls.query.filter_by(**filters).count()


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20))  # expect: ORM007


def count_users():
    return User.query.count()


def count_active():
    return User.query.filter_by(active=True).count()


def total_users():
    return count_users()


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


def subscripts():
    stats = {}
    stats["users"] = User.query.count()
    stats["orders"] = Order.query.count()  # expect: ORM004
    return stats


def keywords():
    return render_template(
        "stats.html",
        users=User.query.count(),
        orders=Order.query.filter_by(status="paid").count(),  # expect: ORM004
    )


def json_counts():
    return jsonify(users=User.query.count(), orders=Order.query.count())  # expect: ORM004


def func_count_forms(session):
    a = session.query(func.count(User.id)).scalar()
    b = session.query(func.count(Order.id)).filter(Order.status == "new").scalar()  # expect: ORM004
    c = session.scalar(select(func.count()).select_from(User).where(User.active))  # expect: ORM004
    d = session.execute(select(func.count(Order.id))).scalar()  # expect: ORM004
    e = session.execute(select(func.count(Order.id))).scalar_one()  # expect: ORM004


def count_in_variable(session, status):
    q = session.query(func.count(Order.id))
    if status:
        q = q.filter(Order.status == status)
    n = q.scalar()
    users = User.query.count()  # expect: ORM004
    return n, users


def totals_row(session):
    orders = Order.query.count()
    totals = session.query(func.count(Order.id), func.sum(Order.id)).filter(Order.id > 0).one()  # expect: ORM004
    per_user = session.query(Order.user_id, func.count(Order.id)).group_by(Order.user_id).first()  # ok: one group
    rows = session.query(User, func.count(Order.id)).join(Order).first()  # ok: an entity row
    return orders, totals, per_user, rows
    return a, b, c, d, e


def helpers():
    total = total_users()
    active = count_active()  # expect: ORM004
    new = User.count(active=False)  # expect: ORM004
    return total, active, new


def not_count_helpers():
    total = count_users()
    title = dashboard_title()  # ok: returns no count
    return total, title


def dashboard_title():
    return "Dashboard"


def separated():
    users = User.query.count()
    per_page = current_app.config["PER_PAGE"]
    log.info("counted users")
    title = "Dashboard"
    orders = Order.query.count()  # expect: ORM004
    if per_page > 10:
        paid = Order.query.filter_by(status="paid").count()  # expect: ORM004
    else:
        paid = 0
    return users, orders, paid, title


def early_return(flag):
    if flag:
        return User.query.count()
    return Order.query.count()  # ok: the first count returned before this one runs


def exclusive_branches(kind):
    if kind == "users":
        n = User.query.count()
    elif kind == "orders":
        n = Order.query.count()  # ok: another branch
    else:
        n = Order.query.filter_by(status="paid").count()  # ok: another branch
    return n


def exclusive_expression(kind):
    return User.query.count() if kind else Order.query.count()  # ok: one or the other


def dependent():
    users = User.query.count()
    limit = users * 2
    orders = Order.query.filter(Order.id < limit).count()  # ok: reads the first count
    return orders


def dependent_condition():
    users = User.query.count()
    if users:
        return Order.query.count()  # ok: runs only when the first count says so
    return 0


def one_count():
    return User.query.count()


def another_one_count():
    return Order.query.count()  # ok: another function


class Audit(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)


def other_database():
    users = User.query.count()
    audits = Audit.query.count()  # ok: another database, not one query
    return users, audits


def not_queries(rows, text):
    words = rows.count("x")
    letters = text.count("a")  # ok: str.count and list.count
    return words, letters


def around_a_loop(rows):
    first = User.query.count()
    for r in rows:
        print(r)
    orders = Order.query.count()  # expect: ORM004
    return first, orders


def around_a_write():
    before = User.query.count()
    db.session.add(User(active=True))
    db.session.commit()
    after = User.query.count()  # ok: the session wrote in between, it sees other rows
    return before, after
