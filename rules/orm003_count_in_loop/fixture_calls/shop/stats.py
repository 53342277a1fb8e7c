from shop.models import Order, Product


def orders_for(product_id):
    return Order.query.filter_by(product_id=product_id).count()


def orders_and_latest(product_id):
    latest = Order.query.filter_by(product_id=product_id).order_by(Order.id.desc()).first()
    return Order.query.filter_by(product_id=product_id).count(), latest


def latest_for(product_id):
    return Order.query.filter_by(product_id=product_id).order_by(Order.id.desc()).first()


def catalogue():
    return [(p.name, p.order_count) for p in Product.query.all()]  # expect: ORM003


def reports():
    return [p.stock_report() for p in Product.query.all()]  # expect: ORM003
