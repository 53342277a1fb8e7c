# A shop: orders with a customer, lines and a shipment. Each relationship's
# loading strategy decides whether a template reading it per row is an N+1.
from shop import db


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Carrier(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Status(db.Model):
    # A reference table: a handful of named rows, no foreign key.
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status_id = db.Column(db.Integer, db.ForeignKey("status.id"), index=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("order.id"), index=True)
    status = db.relationship("Status")
    parent = db.relationship("Order", remote_side=[id])
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), index=True)
    carrier_id = db.Column(db.Integer, db.ForeignKey("carrier.id"), index=True)
    customer = db.relationship("Customer", backref="orders")
    carrier = db.relationship("Carrier", lazy="joined")
    lines = db.relationship("Line", backref="order")
    notes = db.relationship("Note", lazy="selectin")


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80))


class Line(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), index=True)
    product = db.relationship("Product")


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), index=True)
    text = db.Column(db.String(200))
