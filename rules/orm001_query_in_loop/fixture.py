# ORM001 query-in-loop: every loop form, nesting, the exclusions, and the
# look-alikes that execute nothing. An expect marker sits on the line where a
# reported query starts; every other line must stay silent.
import asyncio

from flask import current_app
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


def first_booking(chef):
    return Booking.query.filter_by(chef_id=chef.id).first()


def chef_shout(chef):
    return chef.name.upper()


def named_callbacks(chefs: list[Chef]):
    # a function passed by name runs once per element, as a lambda does
    a = list(map(first_booking, chefs))  # expect: ORM001
    b = sorted(chefs, key=first_booking)  # expect: ORM001
    c = list(map(chef_shout, chefs))  # ok: runs no query
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


# --- real code: memoized functions (DESIGN.md "Real code") -----------------
import functools  # noqa: E402
from enum import Enum  # noqa: E402

from flask_caching import Cache  # noqa: E402

cache = Cache()


@functools.lru_cache(maxsize=None)
def setting_value(key):
    return Setting.query.filter_by(key=key).first()


@cache.memoize(timeout=300)
def chef_by_id(chef_id):
    return Chef.query.get(chef_id)


@cache.memoize_function(600)
def active_chefs():
    return Chef.query.filter_by(active=True).all()


def chef_label(chef_id):
    return chef_by_id(chef_id).name  # keyed on its parameter: memoized per id


def site_title():
    return setting_value("title")  # the same key on every call: one cache entry


def memoized_calls(bookings):
    for b in bookings:
        title = setting_value("title")  # ok: the same arguments every time, a cache hit
        everyone = active_chefs()  # ok: no arguments, a cache hit
        t = site_title()  # ok: its memoized call never changes key
        chef = chef_by_id(b.chef_id)  # expect: ORM001
        label = chef_label(b.chef_id)  # expect: ORM001
        same = chef_label(7)  # ok: the same key on every iteration
        kind = default_setting(b.status == "new")  # ok: keyed on a comparison, two entries
        flag = default_setting(for_new=not b.status)  # ok: keyed on a boolean
        expr = default_setting(Booking.status == b.status)  # expect: ORM001
        keyed = default_setting(b.status)  # expect: ORM001
        named = setting_value(f"title-{b.id}")  # expect: ORM001
        made = setting_of_kind(b)  # ok: its memo is keyed on a comparison of its argument
        made_by = setting_of_status(b)  # expect: ORM001


@cache.memoize(timeout=60)
def default_setting(for_new=False):
    return Setting.query.filter_by(key="default", value=str(for_new)).first()


def setting_of_kind(booking):
    return default_setting(for_new=booking.status == "new")  # a bool: two cache entries


def setting_of_status(booking):
    return default_setting(for_new=booking.status)  # one cache entry per status


# --- real code: loops whose size the code fixes -----------------------------
STATUSES = ("new", "confirmed", "cancelled")


class Status(Enum):
    NEW = "new"
    DONE = "done"


def bounded_loops(chefs, form):
    for status in ("new", "confirmed"):
        n = Booking.query.filter_by(status=status).first()  # ok: two queries, fixed by the code
    for status in STATUSES:
        Booking.query.filter_by(status=status).all()  # ok: a module constant
    for s in Status:
        Booking.query.filter_by(status=s.value).first()  # ok: an Enum's members
    for i in range(3):
        Booking.query.filter_by(status=str(i)).first()  # ok: range of a literal
    ranges = [7, 30, 365]
    for days in ranges:
        Booking.query.filter_by(status=str(days)).first()  # ok: a name bound to constants
    for column in Booking.__table__.columns:
        Booking.query.filter(column.isnot(None)).first()  # ok: the table's own columns
    for key, label in {"a": 1, "b": 2}.items():
        Setting.query.filter_by(key=key).first()  # ok: a dict display's items
    for chef in chefs:
        for status in ("new", "confirmed"):
            Booking.query.filter_by(chef_id=chef.id, status=status).first()  # expect: ORM001
    ids = []
    for chef in chefs:
        ids.append(chef.id)
    for i in ids:
        Booking.query.filter_by(chef_id=i).first()  # expect: ORM001
    for i in form.getlist("ids"):
        Booking.query.filter_by(chef_id=i).first()  # expect: ORM001
    for i in range(len(chefs)):
        Booking.query.filter_by(chef_id=chefs[i].id).first()  # expect: ORM001
    for chef in Chef.query.order_by(Chef.id.desc()).limit(5):
        Booking.query.filter_by(chef_id=chef.id).count()  # ok: a top-5 widget
    for chef in Chef.query.order_by(Chef.id)[:3]:
        Booking.query.filter_by(chef_id=chef.id).first()  # ok: three rows at most
    for chef in Chef.query.limit(100):
        Booking.query.filter_by(chef_id=chef.id).first()  # expect: ORM001
    for sub in Chef.__subclasses__():
        sub.query.first()  # ok: the classes the code defines
    for status in [s for s in STATUSES if s]:
        Booking.query.filter_by(status=status).first()  # ok: a comprehension over a constant
    for booking in [b for s in STATUSES for b in Booking.query.filter_by(status=s)]:
        Chef.query.get(booking.chef_id)  # expect: ORM001


class Report:
    KINDS = ("new", "confirmed")
    labels = {"new": "New", "done": "Done"}

    def per_kind(self):
        for kind in self.KINDS:
            Booking.query.filter_by(status=kind).first()  # ok: a class constant
        for kind in self.labels:
            Booking.query.filter_by(status=kind).first()  # ok: a class-level display
        for kind in Report.labels.keys():
            Booking.query.filter_by(status=kind).first()  # ok


# --- real code: loops that do not repeat the query --------------------------
def first_success(chefs, names):
    for chef in chefs:
        booking = Booking.query.filter_by(chef_id=chef.id).first()  # ok: the loop returns after it
        if booking:
            print(booking.id)
        return booking
    for name in names:
        chef = Setting.query.filter_by(key=name).first()  # ok: a break follows, whatever it found
        print(chef)
        break
    for chef in chefs:
        if chef.active:
            Booking.query.filter_by(chef_id=chef.id).all()  # ok: then the function returns
            return None
    for chef in chefs:
        if Booking.query.filter_by(chef_id=chef.id).first():  # expect: ORM001
            return chef


def retry_until_free(make_token):
    while True:
        token = make_token()
        if not Setting.query.filter_by(key=token).first():  # ok: a retry loop
            break
    while True:
        page = Booking.query.filter(Booking.id > 0).limit(100).all()  # ok: a paging loop
        if not page:
            return


# --- real code: the scoped-session convention is a session -------------------
Session = None  # a scoped_session() in real code
DBSession = None


def scoped_sessions(ids):
    for i in ids:
        Session.query(Chef).get(i)  # expect: ORM001
        DBSession.query(Booking).filter_by(chef_id=i).first()  # expect: ORM001


# --- real code: sizes the code or the operator fixes -------------------------
import sys  # noqa: E402

import click  # noqa: E402


@click.command()
@click.option("-u", "--user-names", "user_names", multiple=True)
@click.argument("labels", nargs=-1)
@click.option("--ids")
def create_role(user_names, labels, ids):
    for name in user_names:
        Setting.query.filter_by(key=name).first()  # ok: the names the operator typed
    for label in labels:
        Setting.query.filter_by(key=label).first()  # ok: command-line arguments
    for i in ids.split(","):
        Booking.query.filter_by(chef_id=i).first()  # expect: ORM001
    for arg in sys.argv[1:]:
        Setting.query.filter_by(key=arg).first()  # ok: the words of the command line


def not_a_command(user_names):
    for name in user_names:
        Setting.query.filter_by(key=name).first()  # expect: ORM001


# A loop over a parameter every call in the project fills with a value whose
# size the code fixes: command-line values, a display, a literal, a bounded
# default, or such a parameter of its caller passed on.
def settings_by_key(keys):
    for key in keys:
        Setting.query.filter_by(key=key).first()  # ok: every caller passes a few keys


def sync_settings(keys):
    return settings_by_key(keys)


@click.command()
@click.option("-k", "--key", "keys", multiple=True)
def sync_settings_command(keys):
    sync_settings(keys)


def sync_defaults(keys=("theme", "lang")):
    settings_by_key(["theme", "lang"])
    settings_by_key("all")
    sync_settings(keys=("theme",))
    for key in keys:
        Setting.query.filter_by(key=key).first()  # ok: its default, and no caller passes another


def sync_default_settings():
    sync_defaults()


def chefs_by_id(ids):
    for i in ids:
        Chef.query.get(i)  # expect: ORM001


def active_chef_ids():
    chefs_by_id([7, 8])
    chefs_by_id([c.id for c in Chef.query.filter_by(active=True)])  # one call passes rows


def bookings_by_chef(chef_ids):
    for i in chef_ids:
        Booking.query.filter_by(chef_id=i).first()  # expect: ORM001


BOOKING_READERS = {"by_chef": bookings_by_chef}  # read as a value: callers unseen


def read_bookings():
    bookings_by_chef([1, 2])


def uncalled_lookup(keys):
    for key in keys:
        Setting.query.filter_by(key=key).first()  # expect: ORM001


@click.command()
def report_command():
    chef_settings(["a"])


def chef_settings(keys):
    for key in keys:
        Setting.query.filter_by(key=key).first()  # ok: the one call passes a display


def forward_unknown(keys):
    settings_for(keys)


def settings_for(keys):
    for key in keys:
        Setting.query.filter_by(key=key).first()  # expect: ORM001


def caller_of_forward(request_keys):
    forward_unknown(request_keys.split(","))


def settings_by_name(keys):
    for key in keys:
        Setting.query.filter_by(key=key).first()  # expect: ORM001


def settings_dispatch(module, rows):
    settings_by_name(["a"])
    getattr(module, "settings_by_name")(rows)  # named by a string: callers unseen


def top_chefs(session, limit: int = 10, page_size: int = 100):
    stmt = select(Chef.id).order_by(Chef.id.desc()).limit(limit)
    rows = session.execute(stmt).fetchall()
    top = [session.get(Chef, chef_id) for (chef_id,) in rows]  # ok: a top-10 widget
    for (chef_id,) in session.execute(select(Chef.id).limit(5)):
        session.get(Chef, chef_id)  # ok: five rows at most
    page = session.execute(select(Chef.id).limit(page_size)).fetchall()
    for (chef_id,) in page:
        session.get(Chef, chef_id)  # expect: ORM001
    return top


def schema_check(session, model):
    for name, column in model.__dict__.items():
        session.query(column).first()  # ok: the attributes its class defines


class Exporter:
    def __init__(self, app, rows):
        self.kinds = ("new", "done")
        self.mapping = app.config.get("STATUS_MAPPING", {})
        self.rows = rows
        self.ids = []

    def export(self, chefs):
        for kind in [k for k in self.kinds if k != "done"]:
            Setting.query.filter_by(key=kind).first()  # ok: a filtered constant tuple
        for kind in self.mapping.items():
            Setting.query.filter_by(key=kind).first()  # ok: the configured mapping
        for kind in list(set(self.kinds).difference(chefs)):
            Setting.query.filter_by(key=kind).first()  # ok: at most the constant tuple
        for row in self.rows:
            Setting.query.filter_by(key=row).first()  # expect: ORM001
        for i in self.ids:
            Setting.query.filter_by(key=i).first()  # expect: ORM001
        for chef in chefs:
            for kind in self.kinds:
                Booking.query.filter_by(chef_id=chef.id, status=kind).first()  # expect: ORM001
        for sub in [*Chef.__subclasses__(), Booking]:
            sub.query.first()  # ok: classes the code defines
        for row in [*chefs, None]:
            Booking.query.filter_by(chef_id=row.id).first()  # expect: ORM001
        wanted = [c for c in self.kinds if c]
        for kind in wanted:
            Setting.query.filter_by(key=kind).first()  # ok: bound to a filtered constant tuple
        picked = [c for c in chefs if c.active]
        for chef in picked:
            Booking.query.filter_by(chef_id=chef.id).first()  # expect: ORM001


# --- real code: error paths --------------------------------------------------
class NotFoundError(Exception):
    pass


def sync_each(chefs, cache, remote):
    for chef in chefs:
        try:
            remote.push(chef)
        except ConnectionError:
            Setting.query.filter_by(key="retry").first()  # ok: only when the push failed
            setting_value(chef.name)  # ok: an error path
        except Exception:
            # A broad handler catches a miss as well (a KeyError, a lookup
            # that found nothing): it may run on every item.
            Booking.query.filter_by(chef_id=chef.id).first()  # expect: ORM001
        try:
            booking = cache[chef.id]
        except:  # noqa: E722
            booking = Booking.query.filter_by(chef_id=chef.id).first()  # expect: ORM001
        try:
            booking = cache[chef.id]
        except KeyError:
            booking = Booking.query.filter_by(chef_id=chef.id).first()  # expect: ORM001
        try:
            booking = remote.find(chef.id)
        except NotFoundError:
            chef_label(chef.id)  # expect: ORM001
        print(booking)


def free_name(base, chefs):
    attempts = 100
    for _i in range(attempts):
        name = "%s-%d" % (base, _i)
        if not Setting.query.filter_by(key=name).first():  # ok: a retry loop, until a free name
            return name
    for _ in range(attempts):
        Setting.query.filter_by(key=base).first()  # expect: ORM001
    for _i in range(attempts):
        if Booking.query.filter_by(chef_id=chefs[_i].id).first():  # expect: ORM001
            return base
    for _i in range(len(chefs)):
        if not Setting.query.filter_by(key=base).first():  # expect: ORM001
            return base
    for i in range(len(chefs)):
        if Booking.query.filter_by(chef_id=chefs[i].id).first():  # expect: ORM001
            return chefs[i]
    return base


# --- loops over what a function returns: fixed displays are bounded ---------
def setting_keys():
    return ["site_title", "site_logo", "site_about"]


def setting_keys_or_rows(all_rows):
    if all_rows:
        return Setting.query.all()
    return ("site_title", "site_logo")


def setting_keys_generated():
    yield "site_title"
    yield "site_logo"


def reset_settings():
    for key in setting_keys():
        Setting.query.filter_by(key=key).delete()  # ok: three keys written in the code


def reset_settings_mixed():
    for s in setting_keys_or_rows(True):
        Setting.query.filter_by(key=s).first()  # expect: ORM001


def reset_settings_generated():
    for key in setting_keys_generated():
        Setting.query.filter_by(key=key).first()  # expect: ORM001


def reset_settings_per_chef():
    for chef in Chef.query.all():
        for key in setting_keys():
            Setting.query.filter_by(key=key + chef.name).first()  # expect: ORM001


def configured_keys(name):
    if not name:
        return None  # no loop iterates None: says nothing of the loops that run
    value = current_app.config.get("SETTING_KEYS_" + name)
    return value


def configured_keys_or_rows(name):
    value = current_app.config.get("SETTING_KEYS_" + name)
    if not value:
        value = Setting.query.all()
    return value


def reset_configured_settings():
    for key in configured_keys("admin"):
        Setting.query.filter_by(key=key).first()  # ok: what the deployer configured
    keys = configured_keys("admin")
    for key in keys:
        Setting.query.filter_by(key=key).first()  # ok: the name holds that call's value
    for key in configured_keys_or_rows("admin"):
        Setting.query.filter_by(key=key).first()  # expect: ORM001
    more = configured_keys("admin")
    if not more:
        more = Setting.query.all()
    for key in more:
        Setting.query.filter_by(key=key).first()  # expect: ORM001


def grown_configured_settings():
    # a name bound to configuration, then grown from rows before (or while) the loop runs
    keys = configured_keys("admin")
    keys.extend(s.key for s in Setting.query.all())
    for key in keys:
        Setting.query.filter_by(key=key).first()  # expect: ORM001
    grown = configured_keys("admin")
    grown += [s.key for s in Setting.query.all()]
    for key in grown:
        Setting.query.filter_by(key=key).first()  # expect: ORM001
    queue = configured_keys("admin")
    for key in queue:
        Setting.query.filter_by(key=key).first()  # expect: ORM001
        queue.extend(s.key for s in Setting.query.filter_by(parent=key))  # expect: ORM001
    handed = configured_keys("admin")
    add_setting_keys(handed)
    for key in handed:
        Setting.query.filter_by(key=key).first()  # expect: ORM001
    kept = configured_keys("admin")
    assert isinstance(kept, list)
    count = len(kept)
    for key in kept:
        Setting.query.filter_by(key=key).first()  # ok: only read before the loop
    return count


def add_setting_keys(keys):
    keys.extend(["a", "b"])


# --- hand-made memos: a lookup loaded once per instance or process ---------
class SettingImporter:
    def __init__(self):
        self.keys = None
        self.other = None
        self.names = None

    def key_of(self, value):
        if self.keys is None:
            self.keys = {s.key: s.value for s in Setting.query.all()}
        return self.keys.get(value)

    def key_of_other(self, value):
        if self.keys is None:
            self.other = {s.key: s.value for s in Setting.query.all()}
        return self.other.get(value)

    def key_of_unset(self, value):
        if self.names is None:
            Setting.query.all()
        return value

    def key_of_emptied(self, value):
        if not self.names:
            self.names = {}
            for s in Setting.query.all():
                self.names[s.key] = s.value
        return self.names.get(value)

    def run(self, values):
        for v in values:
            self.key_of(v)  # ok: the lookup loads once per importer
            self.key_of_other(v)  # expect: ORM001
            self.key_of_unset(v)  # expect: ORM001
            self.key_of_emptied(v)  # expect: ORM001


_SETTINGS = None


def process_setting(key):
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = dict(db.session.query(Setting.key, Setting.value).all())
    return _SETTINGS.get(key)


def local_setting(key):
    cache = None
    if cache is None:
        cache = dict(db.session.query(Setting.key, Setting.value).all())
    return cache.get(key)


def read_values(keys):
    for key in keys:
        process_setting(key)  # ok: loaded once per process
        local_setting(key)  # expect: ORM001


class SettingCache:
    def __init__(self):
        self.rows = None
        self.seen = None

    def load(self):
        return Setting.query.all()

    def rows_of(self):
        if self.rows is None:
            self.rows = self.load()
        return self.rows

    def rows_reloaded(self):
        if self.seen is None:
            self.load()
        return self.seen

    def each(self, values):
        for v in values:
            self.rows_of()  # ok: loads once per cache
            self.rows_reloaded()  # expect: ORM001
            if self.seen is None:
                self.seen = Setting.query.all()  # ok: the first iteration only
            if self.rows is None:
                Setting.query.filter_by(key=v).all()  # expect: ORM001


# A memo on self loads once per instance: a loop over rows makes an instance per row.
class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer)

    def get_chef(self):
        if self._chef is None:
            self._chef = Chef.query.get(self.chef_id)
        return self._chef

    def chef_name(self):
        return self.get_chef().name

    @property
    def cached_chef(self):
        if self._cached is None:
            self._cached = Chef.query.get(self.chef_id)
        return self._cached

    def titles(self, values):
        for v in values:
            self.get_chef()  # ok: the same post's memo, loaded once
            self.chef_name()  # ok: through self, the same memo

    def reloaded(self, values):
        for v in values:
            self._named = None
            if self._named is None:
                self._named = Setting.query.filter_by(key=v).first()  # expect: ORM001

    def loaded_once(self, values):
        for v in values:
            if self._first is None:
                self._first = Chef.query.first()  # ok: the first iteration only


def post_chefs():
    for p in Post.query.all():
        p.get_chef().name  # expect: ORM001
        p.chef_name()  # expect: ORM001
        p.cached_chef  # expect: ORM001


_CHEFS = None


def chefs_reset(names):
    global _CHEFS
    for n in names:
        _CHEFS = None
        if _CHEFS is None:
            _CHEFS = Chef.query.all()  # expect: ORM001
    for n in names:
        if _CHEFS is None:
            _CHEFS = Chef.query.all()  # ok: the first iteration only



# --- branches a call's arguments make dead -------------------------------


def chef_bookings(chef_id, with_bookings=False):
    if with_bookings:
        return Booking.query.filter_by(chef_id=chef_id).all()
    return []


def chef_notify(chef_id, reason=None, silent=False):
    if not silent:
        return Chef.query.get(chef_id)
    return None


def chef_mode(mode="short"):
    if mode == "full":
        return Setting.query.get("full")
    return None


def chef_owner(owner=None):
    if owner is not None:
        return Chef.query.filter_by(id=owner).first()
    return None


def chef_early(chef_id, load=False):
    if not load:
        return None
    # only reached when load is truthy
    return Chef.query.get(chef_id)


def chef_early_unsure(chef_id, load=False):
    if not load:
        print("not loading")
    return Chef.query.get(chef_id)


def chef_two_ways(chef_id, with_bookings=False, silent=False):
    card = {}
    if with_bookings:
        card["bookings"] = Booking.query.filter_by(chef_id=chef_id).all()
    if not silent:
        card["chef"] = Chef.query.get(chef_id)
    return card


def chef_two_ways_passing_on(chef_id, include=False, quiet=False):
    return chef_two_ways(chef_id, with_bookings=include, silent=quiet)


def chef_bookings_passing_on(chef_id, include=False):
    return chef_bookings(chef_id, include)


def chef_cards(ids, flag, name):
    cards = []
    for i in ids:
        cards.append(chef_bookings(i))  # ok: with_bookings defaults to False
        cards.append(chef_notify(i, silent=True))  # ok: the query is under `if not silent`
        cards.append(chef_notify(i, "x", True))  # ok: the same, positionally
        cards.append(chef_mode("short"))  # ok: not "full"
        cards.append(chef_owner())  # ok: owner defaults to None
        cards.append(chef_bookings_passing_on(i))  # ok: include defaults to False
        cards.append(chef_early(i))  # ok: load defaults to False, and the function returns first
        cards.append(chef_early(i, load=True))  # expect: ORM001
        cards.append(chef_early_unsure(i))  # expect: ORM001
        cards.append(chef_two_ways(i, silent=True))  # ok: both branches with a query are dead
        cards.append(chef_two_ways_passing_on(i, quiet=True))  # ok: the same, passed on
        cards.append(chef_two_ways(i))  # expect: ORM001
        cards.append(chef_two_ways(i, True, True))  # expect: ORM001
        cards.append(chef_two_ways_passing_on(i, include=flag, quiet=True))  # expect: ORM001
        cards.append(chef_notify(i, silent=flag))  # expect: ORM001
        cards.append(chef_notify(i, silent=0 > 1))  # expect: ORM001
        cards.append(chef_bookings(i, True))  # expect: ORM001
        cards.append(chef_mode(mode="full"))  # expect: ORM001
        cards.append(chef_owner(name))  # expect: ORM001
        cards.append(chef_notify(i))  # expect: ORM001
        cards.append(chef_bookings_passing_on(i, include=True))  # expect: ORM001
        cards.append(chef_bookings_passing_on(i, flag))  # expect: ORM001
        cards.append(chef_notify(i, *ids))  # expect: ORM001
    return cards


def chef_rebinding(chef_id, silent=False):
    silent = not silent
    if not silent:
        return Chef.query.get(chef_id)
    return None


def chef_rebinding_loop(ids):
    return [chef_rebinding(i, silent=True) for i in ids]  # expect: ORM001
# --- identity map: a get by the primary key of a row the loop holds --------
class CrudMixin:
    @classmethod
    def get(cls, id):
        return db.session.get(cls, id)


class Kitchen(CrudMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    chef_id = db.Column(db.Integer)


class Slot(CrudMixin, db.Model):
    day = db.Column(db.Integer, primary_key=True)
    hour = db.Column(db.Integer, primary_key=True)


def rename_kitchen(kitchen_id, name):
    kitchen = Kitchen.get(kitchen_id)
    kitchen.name = name


def kitchen_by_filter(kitchen_id):
    return Kitchen.query.filter_by(id=kitchen_id).first()


def kitchen_and_chef(kitchen_id):
    kitchen = Kitchen.get(kitchen_id)
    return Chef.query.get(kitchen.chef_id)


def chef_of(chef_id):
    return Chef.query.get(chef_id)


def fresh_kitchen(kitchen_id):
    return db.session.get(Kitchen, kitchen_id, populate_existing=True)


def slot_of(day):
    return Slot.get(day)


def identity_map_gets():
    for kitchen in Kitchen.query.all():
        rename_kitchen(kitchen.id, "x")  # ok: the loop's row, already in the session
        Kitchen.get(kitchen.id)  # ok: the same object, from the identity map
        kitchen_by_filter(kitchen.id)  # expect: ORM001
        kitchen_and_chef(kitchen.id)  # expect: ORM001
        chef_of(kitchen.chef_id)  # expect: ORM001
        chef_of(kitchen.id)  # expect: ORM001
        rename_kitchen(kitchen.chef_id, "x")  # expect: ORM001
        fresh_kitchen(kitchen.id)  # expect: ORM001
    for chef in Chef.query.all():
        rename_kitchen(chef.id, "x")  # expect: ORM001
    for slot in Slot.query.all():
        slot_of(slot.day)  # expect: ORM001
    for kitchen in Kitchen.query.all():
        rename_kitchen(kitchen.id, "y")  # expect: ORM001
        # the commit expires the rows: the next get refreshes its row with a SELECT
        db.session.commit()  # expect: ORM006
    for kitchen in Kitchen.query.all():
        db.session.rollback()  # a rollback expires every object too
        rename_kitchen(kitchen.id, "z")  # expect: ORM001
    for kitchen in Kitchen.query.all():
        db.session.expunge(kitchen)  # the row leaves the session: the get loads it again
        rename_kitchen(kitchen.id, "z")  # expect: ORM001
    for kitchen in Kitchen.query.all():
        db.session.expire_all()
        rename_kitchen(kitchen.id, "z")  # expect: ORM001
    for kitchen in Kitchen.query.all():
        db.session.refresh(kitchen)
        rename_kitchen(kitchen.id, "z")  # expect: ORM001


def close_then_rename(kitchen_id):
    db.session.close()
    rename_kitchen(kitchen_id, "w")


def identity_map_lost_through_calls():
    for kitchen in Kitchen.query.all():
        close_then_rename(kitchen.id)  # expect: ORM001


class BigKitchen(Kitchen):
    stars = db.Column(db.Integer)


def identity_map_direct_gets():
    for kitchen in Kitchen.query.all():
        db.session.get(Kitchen, kitchen.id)  # ok: the loop's own row, from the identity map
        Kitchen.query.get(kitchen.id)  # ok: the same
        db.session.get(Kitchen, kitchen.chef_id)  # expect: ORM001
        Chef.query.get(kitchen.id)  # expect: ORM001
        db.session.get(BigKitchen, kitchen.id)  # expect: ORM001
        db.session.get(Kitchen, kitchen.id, with_for_update=True)  # expect: ORM001
        db.session.get(Kitchen, kitchen.id, populate_existing=True)  # expect: ORM001
        Kitchen.query.filter_by(id=kitchen.id).first()  # expect: ORM001
    for kitchen in BigKitchen.query.all():
        db.session.get(Kitchen, kitchen.id)  # expect: ORM001
    for slot in Slot.query.all():
        db.session.get(Slot, slot.day)  # expect: ORM001
    for kitchen in Kitchen.query.all():
        Kitchen.query.get(kitchen.id)  # expect: ORM001
        db.session.commit()  # expect: ORM006
    for kitchen in Kitchen.query.all():
        close_then_rename(kitchen.chef_id)  # expect: ORM001
        db.session.get(Kitchen, kitchen.id)  # expect: ORM001


# --- identity map: one key for the whole loop, got once --------------------
def identity_map_invariant_key(kitchen_id, rows):
    for row in rows:
        Kitchen.get(kitchen_id)  # ok: the same key every iteration
        rename_kitchen(kitchen_id, row)  # ok: the same
        db.session.get(Kitchen, kitchen_id)  # ok: the same
        Kitchen.query.get(kitchen_id)  # ok: the same
        for other in row.others:
            Kitchen.query.get(kitchen_id)  # ok: no loop of the nest binds it
        db.session.get(Kitchen, kitchen_id, with_for_update=True)  # expect: ORM001
        fresh_kitchen(kitchen_id)  # expect: ORM001
        Kitchen.query.filter_by(id=kitchen_id).first()  # expect: ORM001
        kitchen_by_filter(kitchen_id)  # expect: ORM001
        Kitchen.get(next_kitchen_id())  # expect: ORM001
    for row in rows:
        key = row.kitchen_id
        Kitchen.get(key)  # expect: ORM001
        db.session.get(Kitchen, key)  # expect: ORM001
    for row in rows:
        Kitchen.get(later)  # expect: ORM001
        Kitchen.query.get(later)  # expect: ORM001
        later = row.kitchen_id
    for row in rows:
        for later in row.others:
            Kitchen.query.get(kitchen_id)  # ok: not bound in the loop
            rename_kitchen(later, row)  # expect: ORM001
    for row in rows:
        Kitchen.query.get(kitchen_id)  # expect: ORM001
        rename_kitchen(kitchen_id, row)  # expect: ORM001
        db.session.rollback()
    for row in rows:
        for other in row.others:
            Kitchen.query.get(kitchen_id)  # expect: ORM001
        db.session.expire_all()
    for row in rows:
        Kitchen.get(kitchen_id)  # expect: ORM001
        close_then_rename(row.id)  # expect: ORM001


def identity_map_invariant_attribute_key(kitchen, holder, rows):
    for row in rows:
        Kitchen.get(kitchen.id)  # ok: an attribute of a name the loop does not bind, one key
        rename_kitchen(kitchen.id, row)  # ok: the same
        Kitchen.query.get(kitchen.id)  # ok: the same, got here
        db.session.get(Kitchen, kitchen.id)  # ok: the same
        Kitchen.get(row.kitchen.id)  # expect: ORM001
        Kitchen.get(kitchen.owner.kitchen_id)  # expect: ORM001
        db.session.get(Kitchen, row.kitchen.id)  # expect: ORM001
    for row in rows:
        kitchen = row.kitchen
        Kitchen.get(kitchen.id)  # expect: ORM001
        Kitchen.query.get(kitchen.id)  # expect: ORM001
    for row in rows:
        holder.current_id = row.kitchen_id
        Kitchen.get(holder.current_id)  # expect: ORM001
        db.session.get(Kitchen, holder.current_id)  # expect: ORM001
    for row in rows:
        rename_kitchen(kitchen.id, row)  # expect: ORM001
        db.session.commit()  # expect: ORM006


class KitchenRound:
    def visit_all(self, rows):
        for row in rows:
            Kitchen.get(self.home_kitchen_id)  # ok: one key for the loop
            db.session.get(Kitchen, self.home_kitchen_id)  # ok: the same

    def walk(self, rows):
        for row in rows:
            self.advance(row)
            Kitchen.get(self.current_kitchen_id)  # expect: ORM001
            db.session.get(Kitchen, self.current_kitchen_id)  # expect: ORM001

    def advance(self, row):
        self.current_kitchen_id = row.kitchen_id


class QueryCrudMixin:
    @classmethod
    def get(cls, oid, is_deleted=None):
        obj = cls.query.get(oid)
        if obj is None or is_deleted is None:
            return obj
        return obj if obj.is_deleted == is_deleted else None


class Room(QueryCrudMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean)


def rooms_by_invariant_key(room_id, candidates):
    for candidate in candidates:
        for occurrence in candidate.occurrences:
            if occurrence.blocked:
                occurrence.check(room=Room.get(room_id))  # ok: one room for the whole nest
                occurrence.check(room=Room.get(occurrence.room_id))  # expect: ORM001
    for room in Room.query.all():
        Room.get(room.id)  # ok: the loop's own row
        Room.get(room.id, is_deleted=False)  # ok: the same row, its column read
        Room.get(room.other_id)  # expect: ORM001


def with_session(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        return fn(db.session, *args, **kwargs)

    return inner


@with_session
def save_kitchen(session, kitchen, commit=False):
    session.add(kitchen)
    if commit:
        session.commit()


def save_kitchens_behind_a_decorator(names):
    for n in names:
        # the decorator passes the session first: True is `commit`, not `kitchen`
        save_kitchen(Kitchen(name=n), True)  # expect: ORM006
        save_kitchen(Kitchen(name=n), commit=False)  # ok: a keyword names its parameter


# A memoized function with no arguments, reached through a chain: a cache hit
# after the first call, whatever the chain passes along.
@cache.memoize_function(120)
def event_names():
    return [s.key for s in Setting.query.all()]


def emit(name, data):
    if name not in event_names():
        print("unknown event", name)
    print(name, data)


def save_setting(setting, value):
    setting.value = value
    emit("setting:update", {"key": setting.key})


def save_and_check(setting, value):
    save_setting(setting, value)
    return chef_by_id(setting.value)


def emit_in_loops(settings):
    for s in settings:
        save_setting(s, "x")  # ok: its only query is the memoized event_names()
        emit("tick", {"key": s.key})  # ok: the same
        save_and_check(s, "y")  # expect: ORM001


# --- real code: class attributes the code fixes ------------------------------


class Syncer:
    sync_fields = ("name", "email")  # never written again: two iterations
    grown_fields = ["name"]  # appended to below: as long as the code makes it
    menu_kinds = ("a", "b")  # a subclass binds its own below

    def sync(self):
        for f in self.sync_fields:
            Setting.query.filter_by(key=f).first()  # ok: a class attribute bound to a tuple
        for f in Syncer.sync_fields:
            Setting.query.filter_by(key=f).first()  # ok: the same, read on the class
        wanted = [f for f in self.sync_fields if f]
        for f in wanted:
            Setting.query.filter_by(key=f).first()  # ok: filtered from the tuple
        for f in self.grown_fields:
            Setting.query.filter_by(key=f).first()  # expect: ORM001
        for k in self.menu_kinds:
            Setting.query.filter_by(key=k).first()  # expect: ORM001

    @classmethod
    def sync_all(cls, extra):
        for f in cls.sync_fields:
            Setting.query.filter_by(key=f).first()  # ok: the tuple, on the class
        for f in (*cls.sync_fields, *extra):
            Setting.query.filter_by(key=f).first()  # expect: ORM001

    def grow(self, name):
        self.grown_fields.append(name)


class RowSyncer(Syncer):
    menu_kinds = Setting.query.all()
