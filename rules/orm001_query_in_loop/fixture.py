# ORM001 query-in-loop: every loop form, nesting, the exclusions, and the
# look-alikes that execute nothing. An expect marker sits on the line where a
# reported query starts; every other line must stay silent.
import asyncio

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

db = SQLAlchemy()


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    active = db.Column(db.Boolean)


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))  # expect: ORM007
    status = db.Column(db.String(20))  # expect: ORM007


class Setting(db.Model):
    key = db.Column(db.String(40), primary_key=True)
    value = db.Column(db.String(200))


# --- for loops, Flask-SQLAlchemy style ------------------------------------


def chef_names(bookings):
    # `bookings` may hold anything: a string key finds the row in SQL, not in a dict (no batch)
    names = []
    for b in bookings:
        chef = Chef.query.filter_by(id=b.chef_id).first()  # expect: ORM001
        names.append(chef.name if chef else None)
    return names


def chef_by_get(bookings: list[Booking]):
    return [Chef.query.get(b.chef_id) for b in bookings]  # expect: ORM001


def all_per_chef(chefs: list[Chef]):
    out = {}
    for chef in chefs:
        out[chef.id] = Booking.query.filter(Booking.chef_id == chef.id).order_by(Booking.id).all()  # expect: ORM001
    return out


def invariant_in_loop(bookings: list[Booking]):
    total = 0
    for b in bookings:
        currency = Setting.query.filter_by(key="currency").first()  # expect: ORM001
        total += len(currency.value)
    return total


def with_other_filters(bookings: list[Booking]):
    for b in bookings:
        yield Booking.query.filter_by(chef_id=b.chef_id, status="paid").all()  # expect: ORM001


def first_or_404_in_loop(ids):
    return [Chef.query.filter_by(id=i).first_or_404() for i in ids]  # expect: ORM001


def paginate_in_loop(pages):
    for page in pages:
        print(Booking.query.paginate(page=page, per_page=20).items)  # expect: ORM001


def subscript_in_loop(chefs: list[Chef]):
    for chef in chefs:
        print(Booking.query.filter_by(chef_id=chef.id)[0])  # expect: ORM001
        print(Booking.query.filter_by(chef_id=chef.id)[:3])  # expect: ORM001


def iterate_in_loop(chefs: list[Chef]):
    for chef in chefs:
        for booking in Booking.query.filter_by(chef_id=chef.id):  # expect: ORM001
            print(booking.id)
        print(list(Booking.query.filter_by(chef_id=chef.id)))  # expect: ORM001


def query_variable(chefs: list[Chef]):
    q = Booking.query.filter_by(status="paid")
    for chef in chefs:
        print(q.all())  # expect: ORM001
        q2 = q.filter(Booking.chef_id == chef.id)
        print(q2.first())  # expect: ORM001


async def async_for(stream, session):
    async for item in stream:
        await session.get(Chef, item.chef_id)  # expect: ORM001


async def awaited_in_for(session, bookings: list[Booking]):
    for b in bookings:
        chef = await session.get(Chef, b.chef_id)  # expect: ORM001
        print(chef)


# --- 1.x session.query and 2.0 select ---------------------------------------


def session_query(session, bookings: list[Booking]):
    for b in bookings:
        session.query(Chef).filter(Chef.id == b.chef_id).one()  # expect: ORM001


def session_get(bookings: list[Booking]):
    for b in bookings:
        print(db.session.get(Chef, b.chef_id))  # expect: ORM001


def select_style(session, bookings: list[Booking]):
    for b in bookings:
        chef = session.scalars(select(Chef).where(Chef.id == b.chef_id)).first()  # expect: ORM001
        print(chef)
        session.execute(select(Chef.name).where(Chef.id == b.chef_id))  # expect: ORM001
        print(session.scalar(select(Chef.name).where(Chef.id == b.chef_id)))  # expect: ORM001


def db_helpers(ids):
    for i in ids:
        db.get_or_404(Chef, i)  # expect: ORM001
        db.first_or_404(select(Chef).where(Chef.id == i))  # expect: ORM001


# --- every loop form ------------------------------------------------------


def while_condition_and_body(ids):
    while Booking.query.filter_by(status="new").first():  # expect: ORM001
        Booking.query.filter_by(status="new").delete()  # expect: ORM001
        db.session.commit()  # expect: ORM006


def comprehensions(ids):
    a = {i: Chef.query.get(i) for i in ids}  # expect: ORM001
    b = {Chef.query.get(i) for i in ids}  # expect: ORM001
    c = list(Chef.query.get(i) for i in ids)  # expect: ORM001
    d = [i for i in ids if Chef.query.get(i)]  # expect: ORM001
    return a, b, c, d


def lambdas(ids, chefs: list[Chef]):
    a = list(map(lambda i: Chef.query.get(i), ids))  # expect: ORM001
    b = sorted(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).first().id)  # expect: ORM001
    c = list(filter(lambda i: Chef.query.get(i) is not None, ids))  # expect: ORM001
    return a, b, c


def nested_inner_iterable(chefs: list[Chef]):
    for chef in chefs:
        for booking in Booking.query.filter_by(chef_id=chef.id).all():  # expect: ORM001
            print(booking)


def nested_comprehension(chefs: list[Chef]):
    return [b for c in chefs for b in Booking.query.filter_by(chef_id=c.id)]  # expect: ORM001


def class_body_and_defaults(ids):
    for i in ids:
        class Local:
            chef = Chef.query.get(i)  # expect: ORM001

        def helper(x=Chef.query.get(i)):  # expect: ORM001
            return x

        print(Local, helper)


# --- exclusions: run once, not per iteration ------------------------------


def loop_iterable_runs_once():
    for chef in Chef.query.all():
        print(chef.name)
    for b in Booking.query.filter_by(status="paid"):
        print(b)
    return [c.name for c in Chef.query.filter_by(active=True)]


def else_clause_runs_once(ids):
    for i in ids:
        print(i)
    else:
        print(Chef.query.all())
    while ids:
        ids.pop()
    else:
        print(Chef.query.first())


def deferred_bodies(ids):
    callbacks = []
    for i in ids:
        def later(i=i):
            return Chef.query.get(i)

        callbacks.append(later)
        callbacks.append(lambda: Chef.query.get(i))
    return callbacks


def after_loop(ids):
    for i in ids:
        print(i)
    return Chef.query.filter(Chef.id.in_(ids)).all()


# --- look-alikes that execute nothing -------------------------------------


def look_alikes(rows, mapping, session):
    for row in rows:
        mapping.get(row.id)
        row.name.count("a")
        [1, 2].count(row)
        query = Chef.query.filter_by(id=row.id)
        stmt = select(Chef).where(Chef.id == row.id)
        sub = Booking.query.filter_by(chef_id=row.id).exists()
        request_args = {"q": 1}
        request_args.get("q")
    result = session.execute(select(Chef))
    for r in rows:
        result.scalars()
        result.all()
    return query, stmt, sub


def counts_belong_to_orm003(chefs: list[Chef]):
    for chef in chefs:
        Booking.query.filter_by(chef_id=chef.id).count()  # expect: ORM003
        db.session.query(func.count(Booking.id)).filter(Booking.chef_id == chef.id).scalar()  # expect: ORM003


def main():
    asyncio.run(async_for([], Session()))


def suppressed(ids):
    for i in ids:
        Chef.query.get(i)  # noqa: ORM001
        Chef.query.get(i)  # noqa
        Chef.query.get(i)  # noqa: ORM002  # expect: ORM001
        Chef.query.get(  # noqa: E501, ORM001
            i)


class HttpClient:
    def __init__(self, session):
        self.session = session

    def download_all(self, urls):
        for url in urls:
            self.session.get(url)
            self.session.get(url, params={"a": 1}, timeout=3)
            self.session.get(f"https://example.com/{url}", 5)


def active_record_writes(uids, gid):
    for uid in uids:
        link = Booking.query.filter_by(chef_id=uid).first()  # expect: ORM001
        if link is None:
            Booking.create(chef_id=uid, status="new")
        else:
            link.delete()


def implicit_iteration(chefs, wanted):
    for chef in chefs:
        if wanted in Booking.query.filter_by(chef_id=chef.id):  # expect: ORM001
            yield chef
        yield from Booking.query.filter_by(chef_id=chef.id)  # expect: ORM001
        print(*Booking.query.filter_by(chef_id=chef.id))  # expect: ORM001
        print(wanted not in Booking.query.filter_by(status="new"))  # expect: ORM001
