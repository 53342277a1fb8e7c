# Views: what each template's context names hold.
from flask import render_template
from sqlalchemy.orm import joinedload

from shop import app
from shop.models import Customer, Line, Order


@app.route("/orders")
def orders():
    rows = Order.query.order_by(Order.id).all()
    return render_template("orders.html", orders=rows, title="Orders")


@app.route("/orders/eager")
def orders_eager():
    rows = Order.query.options(joinedload(Order.customer)).all()
    return render_template("orders_eager.html", orders=rows)


@app.route("/orders/page")
def orders_page():
    page = Order.query.order_by(Order.id.desc()).paginate(page=1, per_page=20)
    return render_template("orders_page.html", pagination=page)


@app.route("/orders/macro")
def orders_macro():
    return render_template("orders_macro.html", orders=Order.query.all())


@app.route("/customers")
def customers():
    return render_template("customers.html", customers=Customer.query.all(), lines=Line.query)


@app.route("/customer/<int:cid>")
def customer(cid):
    c = Customer.query.get_or_404(cid)
    return render_template("customer.html", customer=c)


@app.route("/orders/imported")
def orders_imported():
    rows = Order.query.order_by(Order.id).all()
    return render_template("orders_imported.html", orders=rows)


@app.route("/orders/included")
def orders_included():
    rows = Order.query.order_by(Order.id).all()
    return render_template("orders_included.html", orders=rows, labels=["a", "b"])


@app.route("/orders/<int:oid>/lines")
def order_lines(oid):
    order = Order.query.get_or_404(oid)
    lines = Line.query.filter_by(order_id=order.id).all()
    return render_template("order_lines.html", order=order, lines=lines)
