from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import models
from .base import db
from .models import Customer, OrderLine, PurchaseOrder


def big_orders(session, country):
    stmt = (
        select(PurchaseOrder)
        .join(Customer, PurchaseOrder.customer_id == Customer.id)
        .where(Customer.country == country, PurchaseOrder.total >= 1000)
        .order_by(PurchaseOrder.placed_at.desc())
    )
    return session.execute(stmt).scalars().all()


def lines_of(order_ids):
    return OrderLine.query.filter(OrderLine.order_id.in_(order_ids)).all()


def orders_with(sku):
    return PurchaseOrder.query.filter(PurchaseOrder.lines.any(OrderLine.sku == sku)).all()


def open_orders():
    return db.session.query(models.PurchaseOrder).filter_by(state="open").all()


def line_skus(order):
    return [line.sku for line in order.lines]


def quantities(session):
    return session.execute(select(OrderLine.quantity)).scalars().all()


def lines_of_kind(kind):
    return OrderLine.query.filter_by(kind=kind).all()


def customers_with_lines():
    return Customer.query.options(selectinload(Customer.lines)).all()
