from shop.models import Order, Product


def orders_for(product_id):
    return Order.query.filter_by(product_id=product_id).count()


def orders_and_latest(product_id):
    latest = Order.query.filter_by(product_id=product_id).order_by(Order.id.desc()).first()
    return Order.query.filter_by(product_id=product_id).count(), latest


def latest_for(product_id):
    return Order.query.filter_by(product_id=product_id).order_by(Order.id.desc()).first()


def audit(product):
    latest = Order.query.order_by(Order.id.desc()).first()
    return latest, product.orders.filter_by(paid=True).count()


def serialize(product):
    return {"name": product.name, "pending": product.pending_total()}


def serialize_brief(product):
    return {"brief": product.to_brief()}


def catalogue():
    return [(p.name, p.order_count) for p in Product.query.all()]  # expect: ORM003


def reports():
    return [p.stock_report() for p in Product.query.all()]  # expect: ORM003


def paid_orders(product, counted=True):
    return product.orders.filter_by(paid=True).count() if counted else None
