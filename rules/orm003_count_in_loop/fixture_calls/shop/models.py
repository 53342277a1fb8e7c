from shop import db


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    orders = db.relationship("Order", lazy="dynamic", overlaps="product")

    @property
    def order_count(self):
        return Order.query.filter_by(product_id=self.id).count()

    def stock_report(self):
        return {"name": self.name, "orders": self.order_count}

    def to_json(self):
        return {"name": self.name, "paid": self.orders.filter_by(paid=True).count()}

    def pending_total(self):
        return Order.query.filter_by(product_id=self.id, paid=False).count()

    def to_brief(self):
        return {"name": self.name}

    def to_dict(self, with_counts=False):
        if not with_counts:
            return {"name": self.name}
        return {"name": self.name, "paid": self.orders.filter_by(paid=True).count()}


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"))  # expect: ORM007
    paid = db.Column(db.Boolean)
