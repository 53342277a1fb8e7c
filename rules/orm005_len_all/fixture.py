# ORM005 len-all. An expect marker sits on the line of the reported len().
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    payments = db.relationship("Payment", back_populates="user")
    tags = db.relationship("Tag", lazy="selectin")


class Payment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # expect: ORM007
    status = db.Column(db.String(20))  # ok: compared only to a value the code names ("paid")
    user = db.relationship("User", back_populates="payments")


def relation_counts(user_id):
    user = User.query.get(user_id)
    n = len(user.payments)  # expect: ORM005
    other = db.get_or_404(User, user_id)
    tags = len(other.tags)  # selectin: loaded with the user anyway
    third = db.session.get(User, user_id)
    used = len(third.payments)  # used below: loading it is the point
    return n, tags, used, [p.id for p in third.payments]


def counts(user_id, session):
    a = len(Payment.query.filter_by(user_id=user_id).all())  # expect: ORM005
    b = len(list(Payment.query.filter_by(status="paid")))  # expect: ORM005
    c = len(session.scalars(select(Payment).where(Payment.user_id == user_id)).all())  # expect: ORM005
    d = len(db.session.query(Payment).join(Payment.user).all())  # expect: ORM005
    e = len(  # expect: ORM005
        Payment.query.filter_by(user_id=user_id)
        .order_by(Payment.id)
        .all()
    )
    return a, b, c, d, e


def not_reported(user_id, payments, text):
    rows = Payment.query.filter_by(user_id=user_id).all()
    n = len(rows)  # the rows are used below: their length is free
    total = sum(p.id for p in rows)
    words = len(text.split())
    items = len(list(payments))
    already = len(Payment.query.filter_by(user_id=user_id).count() * "x")
    return n, total, words, items, already


def query_built_in_a_variable():
    q = db.session.query(Payment).join(Payment.user)
    return len(q.all())  # expect: ORM005
