# Helpers that take rows: each loops over its parameter and reads a
# relationship of every element, itself, through a model method, or through
# a further call. What they cost depends on the rows their callers pass.
from sqlalchemy.orm import joinedload, selectinload

from shop.models import Order


def customer_names(orders):
    return [o.customer.name for o in orders]


def serialize_list(items):
    return [item.to_dict() for item in items]


def describe(order):
    return f"{order.id}: {order.customer.name}"


def total_of(order):
    return {"id": order.id, "total": order.total}


def order_rows(orders):
    rows = []
    for i, o in enumerate(orders):
        rows.append((i, describe(o)))
    return rows


def export(orders):
    return {"orders": serialize_list(orders)}


def summaries(orders):
    return [o.summary() for o in orders]


def totals(orders):
    return sum(o.total for o in orders)


def reloaded_names(orders):
    orders = Order.query.options(joinedload(Order.customer)).filter(
        Order.id.in_([o.id for o in orders])
    )
    return [o.customer.name for o in orders]


def windowed(q, size):
    # Hands back the rows of the query it is given, a window at a time.
    for start in range(0, 10 * size, size):
        yield from q.filter(Order.id >= start, Order.id < start + size).order_by(Order.id)


def open_in_windows(size):
    q = Order.query.filter(Order.status == "open")
    return windowed(q, size)


def loaded_in_windows(size):
    return windowed(Order.query.options(selectinload(Order.lines)), size)


def with_customers(q):
    return q.options(joinedload(Order.customer)).order_by(Order.id)


def first_or_all(q, only_first):
    if only_first:
        return [q.first()]
    return q


def by_status(q, status=None):
    # Filters the query it is given in a branch and hands it back: the caller's rows.
    if status:
        q = q.filter(Order.status == status)
    q = q.order_by(Order.id)
    return q


def preloaded(q):
    q = q.options(joinedload(Order.customer))
    return q


def replaced(q, status):
    if status:
        q = Order.query.options(joinedload(Order.customer))
    return q


def big_ones(total):
    # Some of the rows of its query, filtered in Python.
    rows = [o for o in Order.query.filter(Order.total > total) if o.status != "void"]
    return rows


def big_ones_loaded(total):
    return [o for o in Order.query.options(joinedload(Order.customer)) if o.total > total]


def big_customers(total):
    return [o.customer for o in Order.query.options(joinedload(Order.customer)) if o.total > total]


def export_columns(orders, fields):
    # Column lambdas: a display of functions, each applied to every row.
    columns = {
        "id": ("Id", lambda o: o.id),
        "customer": ("Customer", lambda o: o.customer.name if o.customer else ""),
    }
    rows = []
    for order in orders:
        row = {}
        for name, (title, fn) in columns.items():
            if name in fields:
                row[title] = fn(order)
        rows.append(row)
    return rows


def export_plain_columns(orders):
    columns = [lambda o: o.id, lambda o: o.total]
    return [[fn(order) for fn in columns] for order in orders]


def export_with(orders, columns):
    return [[fn(order) for fn in columns] for order in orders]


def names_of_query(query):
    rows = query.all()
    return [o.customer.name for o in rows]
