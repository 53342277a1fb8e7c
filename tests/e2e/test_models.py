"""The project index across files: models in one package, views in another,
models imported by name and through `from x import *`, aliases of db.Model,
and a pre-commit style run on the view alone still seeing the models."""
import json
import os
import subprocess
import textwrap
from pathlib import Path

ORMLINT = os.environ["ORMLINT"]


def write(root: Path, rel: str, text: str):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text))


def project(tmp_path):
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/db.py", """
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        BaseModel = db.Model
        """)
    write(tmp_path, "app/models/__init__.py", "from .people import *\nfrom .orders import Order\n")
    write(tmp_path, "app/models/people.py", """
        from app.db import BaseModel, db

        class Customer(BaseModel):
            __tablename__ = "customers"
            id = db.Column(db.Integer, primary_key=True)
            orders = db.relationship("Order", back_populates="customer")
        """)
    write(tmp_path, "app/models/orders.py", """
        from app.db import BaseModel, db

        class Order(BaseModel):
            __tablename__ = "orders"
            id = db.Column(db.Integer, primary_key=True)
            customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"))
            customer = db.relationship("app.models.people.Customer", back_populates="orders")
        """)
    write(tmp_path, "app/views/report.py", """
        from app.models import *


        def report():
            rows = []
            for order in Order.query.all():
                rows.append(order.customer.id)
            for customer in Customer.query.all():
                rows.append(len(customer.orders))
            return rows
        """)
    return tmp_path


def findings(cwd, *args):
    p = subprocess.run([ORMLINT, "--format", "json", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)


def test_models_in_another_package(tmp_path):
    proj = project(tmp_path)
    got = {(r["path"], r["line"], r["code"]) for r in findings(proj, ".")}
    # Order.customer_id: the foreign key every customer.orders load looks rows up by.
    assert got == {("app/views/report.py", 8, "ORM002"), ("app/views/report.py", 10, "ORM002"),
                   ("app/models/orders.py", 7, "ORM007")}


def test_one_file_still_sees_the_models(tmp_path):
    proj = project(tmp_path)
    got = findings(proj, "app/views/report.py")
    assert [(r["line"], r["code"]) for r in got] == [(8, "ORM002"), (10, "ORM002")]
    fixes = [r["fix"]["after"] for r in got if r["fix"]]
    assert any("joinedload(Order.customer)" in a for a in fixes)
    assert any("selectinload(Customer.orders)" in a for a in fixes)


def test_fix_applies_and_converges(tmp_path):
    proj = project(tmp_path)
    subprocess.run([ORMLINT, "--fix", "."], cwd=proj, capture_output=True, timeout=60)
    text = (proj / "app/views/report.py").read_text()
    assert "from sqlalchemy.orm import joinedload" in text
    assert "Order.query.options(joinedload(Order.customer)).all()" in text
    assert "Customer.query.options(selectinload(Customer.orders)).all()" in text
    compile(text, "report.py", "exec")
    # Left: the index the selectinload looks Order rows up by (an unsafe fix, a schema change).
    assert [(r["path"], r["code"]) for r in findings(proj, ".")] == [("app/models/orders.py", "ORM007")]


def test_show_models(tmp_path):
    proj = project(tmp_path)
    out = subprocess.run([ORMLINT, "--show-models", "."], cwd=proj, capture_output=True, text=True).stdout
    assert "2 models, 2 relationships" in out
    assert ".customer -> Customer  scalar" in out
    assert ".orders -> Order  collection" in out
