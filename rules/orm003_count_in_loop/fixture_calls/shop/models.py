from shop import db


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))

    @property
    def order_count(self):
        return Order.query.filter_by(product_id=self.id).count()

    def stock_report(self):
        return {"name": self.name, "orders": self.order_count}


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"))  # expect: ORM007
