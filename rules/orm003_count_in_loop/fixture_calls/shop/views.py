from shop import stats
from shop.stats import orders_and_latest


def dashboard(products):
    counts = {}
    for p in products:
        counts[p.id] = stats.orders_for(p.id)  # expect: ORM003
    return counts


def detailed(products):
    # a query and a count: reported once, as the query (ORM001)
    return [orders_and_latest(p.id) for p in products]  # expect: ORM001


def single(product):
    return stats.orders_for(product.id)
