from shop import stats
from shop.models import Product
from shop.stats import orders_and_latest


def dashboard(products):
    counts = {}
    for p in products:
        counts[p.id] = stats.orders_for(p.id)  # expect: ORM003
    return counts


def detailed(products):
    # a query and a count per product: ORM001 reports the query, ORM003 the count
    return [orders_and_latest(p.id) for p in products]  # expect: ORM001, ORM003


def latest_only(products):
    # a query per product, no count: ORM001 alone
    return [stats.latest_for(p.id) for p in products]  # expect: ORM001


def single(product):
    return stats.orders_for(product.id)


def catalogue_json():
    # to_json counts a dynamic relationship of each product: a COUNT per row
    return [p.to_json() for p in Product.query.all()]  # expect: ORM003


def catalogue_brief(product):
    briefs = [p.to_brief() for p in Product.query.all()]  # ok: reads columns only
    return briefs, product.to_json()  # ok: once, outside a loop


def audited():
    # audit queries, and counts a dynamic relationship of each product it is passed
    return [stats.audit(p) for p in Product.query.all()]  # expect: ORM001, ORM003


def serialized():
    # serialize calls a method of each product that counts
    return [stats.serialize(p) for p in Product.query.all()]  # expect: ORM003


def serialized_brief():
    return [stats.serialize_brief(p) for p in Product.query.all()]  # ok: to_brief counts nothing


def guarded_counts(flag):
    products = Product.query.all()
    a = [p.to_dict() for p in products]  # ok: counts only with with_counts
    b = [p.to_dict(True) for p in products]  # expect: ORM003
    c = [p.to_dict(with_counts=flag) for p in products]  # expect: ORM003
    d = [stats.paid_orders(p, counted=False) for p in products]  # ok: a falsy literal
    e = [stats.paid_orders(p) for p in products]  # expect: ORM003
    return a, b, c, d, e
