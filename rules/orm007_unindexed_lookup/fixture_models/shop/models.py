from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Stamped, db


class Customer(db.Model):  # no __tablename__: Flask-SQLAlchemy names the table "customer"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    country: Mapped[str] = mapped_column()  # expect: ORM007
    vip: Mapped[bool] = mapped_column(default=False)  # ok: two values
    orders = relationship("PurchaseOrder", back_populates="customer")

    @classmethod
    def from_country(cls, country):
        return cls.query.filter_by(country=country).all()


class PurchaseOrder(Stamped, db.Model):
    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))  # expect: ORM007
    state: Mapped[str] = mapped_column(index=True)
    total: Mapped[int]  # expect: ORM007
    customer = relationship("Customer", back_populates="orders")
    lines = relationship("OrderLine", backref="order")


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"))  # expect: ORM007
    sku: Mapped[str] = mapped_column()  # expect: ORM007
    quantity: Mapped[int] = mapped_column()  # only read, never a key
    kind: Mapped[str] = mapped_column("line_kind")  # expect: ORM007
    customer_id: Mapped[int] = mapped_column(ForeignKey(Customer.id))  # expect: ORM007
    customer = relationship(Customer, backref="lines")
