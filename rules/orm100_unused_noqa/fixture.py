# ORM100 unused-noqa: `# noqa` codes of ormlint rules that silence nothing.
# ormlint-args: --select ORM
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import joinedload

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))
    chef = db.relationship("Chef")


def fixed_since():
    for b in Booking.query.options(joinedload(Booking.chef)).all():
        print(b.chef.name)  # noqa: ORM002  # expect: ORM100


def partly_used():
    for b in Booking.query.all():
        print(b.chef.name)  # noqa: ORM002, ORM001, E501  # expect: ORM100


def used():
    for b in Booking.query.all():
        print(b.chef.name)  # noqa: ORM002


def prefix_used():
    for b in Booking.query.all():
        print(b.chef.name)  # noqa: ORM0


def other_tools_only():
    x = "a very long line that another linter complains about"  # noqa: E501
    return x


def bare():
    for b in Booking.query.all():
        print(b.chef.name)  # noqa


def bare_unused():
    return 1  # noqa


def with_reason():
    return 2  # noqa: ORM003 -- counted once upstream  # expect: ORM100


def own_line():
    # noqa: ORM001  # expect: ORM100
    return 3
