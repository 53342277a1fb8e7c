# Rows of a query passed to a helper that reads a relationship of each row:
# one SELECT per row, reported at the call, fixed on the query.
from sqlalchemy.orm import joinedload, selectinload

from shop import db, serializers
from shop.models import Line, Order
from shop.serializers import (
    customer_names,
    export,
    first_or_all,
    order_rows,
    serialize_list,
    windowed,
    with_customers,
)


def open_orders():
    orders = Order.query.filter_by(status="open").all()
    return customer_names(orders)  # expect: ORM002


def api_orders():
    return serialize_list(Order.query.order_by(Order.id).limit(50).all())  # expect: ORM002, ORM002


def big_orders():
    q = Order.query.filter(Order.total > 100)
    return order_rows(q)  # expect: ORM002


def _paid():
    return Order.query.filter_by(status="paid")


def big_orders_over_lines(minimum):
    # the query, built on a helper's, is bound statements before the call
    # and spans lines: the fix and its After snippet hold the whole statement
    q = _paid().filter(
        Order.total > minimum
    )
    return order_rows(q)  # expect: ORM002


def exported():
    return export(Order.query.all())  # expect: ORM002, ORM002


def module_call():
    return serializers.customer_names(Order.query.filter_by(status="paid").all())  # expect: ORM002


def loaded():
    rows = Order.query.options(joinedload(Order.customer), selectinload(Order.lines)).all()
    return serialize_list(rows)  # ok: both relationships are loaded with the rows


def from_caller(orders):
    return customer_names(orders)  # ok: where these rows come from is not known here


def plain_columns():
    return serializers.summaries(Order.query.all()), serializers.totals(Order.query.all())  # ok


def not_rows():
    return customer_names([{"customer": None}])  # ok: not rows of a model


def loads_itself():
    return serializers.reloaded_names(Order.query.all())  # ok: the helper loads them again


def with_quantities():
    # Rows of tuples: one entity of each passed to a helper, per row.
    out = []
    for row in db.session.query(Order, Line.quantity).filter(Line.order_id == Order.id):
        out.append(serializers.describe(row.Order))  # expect: ORM002
    for order, quantity in db.session.query(Order, Line.quantity).filter(Line.order_id == Order.id):
        out.append((serializers.describe(order), quantity))  # expect: ORM002
    for row in db.session.query(Order, Line.quantity).options(joinedload(Order.customer)):
        out.append(serializers.describe(row[0]))  # ok: loaded with the rows
    for row in db.session.query(Order, Line.quantity):
        out.append(serializers.total_of(row.Order))  # ok: columns only
    for row in db.session.query(Order, Line.quantity):
        out.append(serializers.describe(row.quantity))  # ok: not an entity
    return out


def windows():
    # A helper that returns or yields from the query it is given: its rows are the query's.
    q = Order.query.filter(Order.status == "open")
    for order in windowed(q, 100):
        print(order.customer.name)  # expect: ORM002
    for order in windowed(Order.query.filter(Order.total > 0), 100):
        print(serializers.describe(order))  # expect: ORM002
    for order in windowed(Order.query.options(joinedload(Order.customer)), 100):
        print(order.customer.name)  # ok: loaded with the rows
    for order in windowed(q, 100):
        print(order.total)  # ok: a column
    for order in first_or_all(q, False):
        print(order.customer.name)  # ok: the helper returns other rows too
    for order in with_customers(q):
        print(order.customer.name)  # ok: the helper adds the loader itself
    for order in serializers.open_in_windows(100):
        print(len(order.lines))  # expect: ORM002
    for order in serializers.loaded_in_windows(100):
        print(len(order.lines))  # ok: loaded where the helper builds the query


def passed_through(status):
    # A helper that rebinds the query it is given with filters, then returns it.
    for order in serializers.by_status(Order.query, status):
        print(order.customer.name)  # expect: ORM002
    for order in serializers.by_status(Order.query.options(joinedload(Order.customer)), status):
        print(order.customer.name)  # ok: loaded where the caller built the query
    for order in serializers.preloaded(Order.query):
        print(order.customer.name)  # ok: the helper adds the loader itself
    for order in serializers.replaced(Order.query, status):
        print(order.customer.name)  # ok: the helper may return another query
    for order in serializers.by_status(Order.query, status):
        print(order.total)  # ok: a column


def built_on_passed(status, minimum):
    # A chain built on what such a helper hands back: a query of the model passed, loaded as
    # the chain says; the fix goes on the chain.
    for order in serializers.by_status(Order.query, status).filter(Order.total > minimum).all():
        print(order.customer.name)  # expect: ORM002
    q = serializers.by_status(Order.query, status)
    for order in q.filter(Order.total > minimum):
        print(order.customer.name)  # expect: ORM002
    rows = q.filter(Order.total > minimum).all()
    names = customer_names(rows)  # expect: ORM002
    more = serializers.by_status(Order.query, status).filter(Order.total > minimum).all()
    names += customer_names(more)  # expect: ORM002
    loaded = serializers.by_status(Order.query.options(joinedload(Order.customer)), status)
    for order in loaded.filter(Order.total > minimum):
        print(order.customer.name)  # ok: loaded where the caller built the query
    for order in q.filter(Order.total > minimum).options(joinedload(Order.customer)):
        print(order.customer.name)  # ok: the chain loads it
    for order in serializers.preloaded(Order.query).filter(Order.total > minimum):
        print(order.customer.name)  # ok: the helper adds the loader itself
    for order in serializers.replaced(Order.query, status).filter(Order.total > minimum):
        print(order.customer.name)  # ok: the helper may return another query
    return names


def built_on_in_steps(status, minimum):
    # Built in steps on what the helper hands back: each step loads as the last did.
    q = serializers.by_status(Order.query, status)
    q = q.filter(Order.total > minimum).order_by(Order.id)
    names = customer_names(q.filter(Order.total < 1000).all())  # expect: ORM002
    p = serializers.by_status(Order.query, status)
    p = p.options(joinedload(Order.customer))
    names += customer_names(p.filter(Order.total > minimum).all())  # ok: loaded on the way
    return names


def query_passed():
    # A helper that runs the query it is given and reads each row's relationship.
    return serializers.names_of_query(Order.query.filter(Order.total > 5))  # expect: ORM002


def loaded_query_passed():
    loaded = Order.query.options(joinedload(Order.customer))
    return serializers.names_of_query(loaded)  # ok: the query loads what the helper reads


def filtered_in_python(total):
    for order in serializers.big_ones(total):
        print(order.customer.name)  # expect: ORM002
    for order in serializers.big_ones_loaded(total):
        print(order.customer.name)  # ok: loaded with the rows
    for customer in serializers.big_customers(total):
        print(customer.orders)  # ok: not rows of the helper's query
    for order in serializers.big_ones(total):
        print(order.total)  # ok: a column


def exported_columns(fields):
    rows = Order.query.filter(Order.total > 0).all()
    out = [serializers.export_columns(rows, fields)]  # expect: ORM002
    loaded = Order.query.options(joinedload(Order.customer)).all()
    out.append(serializers.export_columns(loaded, fields))  # ok: loaded with the rows
    out.append(serializers.export_plain_columns(Order.query.all()))  # ok: columns only
    out.append(serializers.export_columns([], fields))  # ok: not rows of a query
    out.append(serializers.export_with(Order.query.all(), [len]))  # ok: the functions are not known
    return out
