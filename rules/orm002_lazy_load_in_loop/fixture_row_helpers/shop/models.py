# Orders with a customer (many-to-one) and lines (a collection); to_dict
# reads both, summary() reads neither.
from shop import db


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20), index=True)
    total = db.Column(db.Integer, index=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"))
    customer = db.relationship("Customer", backref="orders")
    lines = db.relationship("Line", backref="order")

    def to_dict(self):
        return {"id": self.id, "customer": self.customer.name, "lines": len(self.lines)}

    def summary(self):
        return {"id": self.id, "total": self.total}


class Line(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), index=True)
    quantity = db.Column(db.Integer)
