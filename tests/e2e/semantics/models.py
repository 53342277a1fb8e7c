from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func
from sqlalchemy.future import select  # not the runner's 1.3/2.0 emulation of sqlalchemy.select
from sqlalchemy.orm import column_property

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    active = db.Column(db.Boolean, default=True)
    bookings = db.relationship("Booking", backref="chef")


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))
    status = db.Column(db.String(20))
    parent_id = db.Column(db.Integer, db.ForeignKey("booking.id"))

    @property
    def chef_label(self):
        return self.chef.name if self.chef else "-"

    def describe(self):
        return f"{self.id}: {self.chef_label}"


class Setting(db.Model):
    key = db.Column(db.String(40), primary_key=True)
    value = db.Column(db.String(200))


class Job(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20))


class Person(db.Model):
    """Single-table inheritance: Staff rows are the Person rows of kind "staff"."""
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    name = db.Column(db.String(80))
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "person"}


class Staff(Person):
    __mapper_args__ = {"polymorphic_identity": "staff"}


# Counting columns loaded by their own COUNT on first read (ORM004 c72)
Chef.booking_count = column_property(
    select(func.count(Booking.id)).where(Booking.chef_id == Chef.id).scalar_subquery(),
    deferred=True,
)
Chef.paid_count = column_property(
    select(func.count(Booking.id))
    .where(Booking.chef_id == Chef.id, Booking.status == "paid")
    .scalar_subquery(),
    deferred=True,
)


def bookings_in_order():
    return Booking.query.order_by(Booking.id).all()
