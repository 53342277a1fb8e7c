"""Platform: accounts, the product catalogue, subscriptions and payments."""
from ..extensions import db
from .base import TimestampMixin, iso


class User(TimestampMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    username = db.Column(db.String(80), nullable=False, unique=True)
    display_name = db.Column(db.String(120), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="member")
    locale = db.Column(db.String(10), nullable=False, default="ko-KR")

    def to_dict(self):
        return {
            "id": self.id,
            "email": self.email,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "created_at": iso(self.created_at),
        }


class Product(db.Model):
    __tablename__ = "products"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(40), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    monthly_price_cents = db.Column(db.Integer, nullable=False, default=0)
    # Platform fee added to prices of the product's marketplace, in percent.
    fee_percent = db.Column(db.Integer, nullable=False, default=0)

    def to_dict(self):
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "monthly_price_cents": self.monthly_price_cents,
            "fee_percent": self.fee_percent,
        }


class Subscription(TimestampMixin, db.Model):
    __tablename__ = "subscriptions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="active", index=True)
    current_period_end = db.Column(db.Date)

    user = db.relationship("User", backref=db.backref("subscriptions", order_by="Subscription.id"))
    product = db.relationship("Product")

    def to_dict(self):
        return {
            "id": self.id,
            "user_id": self.user_id,
            "product_id": self.product_id,
            "status": self.status,
            "current_period_end": iso(self.current_period_end),
        }


class Payment(TimestampMixin, db.Model):
    __tablename__ = "payments"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # expect: ORM007
    subscription_id = db.Column(db.Integer, db.ForeignKey("subscriptions.id"))
    amount_cents = db.Column(db.Integer, nullable=False)
    currency = db.Column(db.String(3), nullable=False, default="KRW")
    status = db.Column(db.String(20), nullable=False, default="paid", index=True)

    user = db.relationship("User", backref="payments")
    subscription = db.relationship("Subscription", backref="payments")

    def to_dict(self):
        return {
            "id": self.id,
            "amount_cents": self.amount_cents,
            "currency": self.currency,
            "status": self.status,
            "created_at": iso(self.created_at),
        }
