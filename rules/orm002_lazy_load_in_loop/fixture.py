# ORM002 lazy-load-in-loop. An expect marker sits on the line where a
# reported attribute read starts; every other line must stay silent.
from typing import List, Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, Integer, String, func, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    contains_eager,
    declarative_base,
    deferred,
    defaultload,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
    subqueryload,
    undefer,
)

db = SQLAlchemy()


# --- Flask-SQLAlchemy models: mixins, backrefs, back_populates -------------


class TimestampMixin:
    created_at = db.Column(db.DateTime)


class Owned(db.Model):
    __abstract__ = True
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # expect: ORM007
    owner = db.relationship("User")


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Chef(TimestampMixin, db.Model):
    __tablename__ = "chefs"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    user = db.relationship("User")
    bookings = db.relationship("Booking", back_populates="chef")
    reviews = db.relationship("Review", lazy="dynamic")
    fans = db.relationship("User", secondary="chef_fans", lazy="selectin")

    @property
    def label(self):
        return self.name

    @hybrid_property
    def upper(self):
        return self.name.upper()


class Booking(Owned):
    __tablename__ = "bookings"
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chefs.id"))  # expect: ORM007
    status = db.Column(db.String(20))  # ok: compared only to a value the code names ("paid"): a status
    chef = db.relationship("Chef", back_populates="bookings")
    items = db.relationship("Item", backref=db.backref("booking", lazy="joined"))
    payment = db.relationship("Payment", uselist=False, lazy="raise")
    notes = db.relationship("Note", lazy="noload")
    logs = db.relationship("Log", lazy="write_only")
    tags = db.relationship("Tag", lazy=False)
    extras = db.relationship("Extra", lazy="subquery")
    audits = db.relationship("Audit", lazy=None)
    invoices = db.relationship("Invoice", lazy=True)
    guests = db.relationship("Guest", lazy="immediate")  # expect: ORM002


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"))  # expect: ORM007


class Review(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chefs.id"))  # expect: ORM007
    chef = db.relationship("Chef", backref="old_reviews")


def lazy_reads(user_id):
    bookings = Booking.query.filter_by(owner_id=user_id).all()
    out = []
    for b in bookings:
        out.append(b.chef.id)  # expect: ORM002
        out.append(len(b.items))  # expect: ORM002
        out.append(b.owner.name)  # ok: every row's owner is user_id's: one load, then the identity map
        for inv in b.invoices:  # expect: ORM002
            out.append(inv)
        out.append(b.status)
        out.append(b.created_at if hasattr(b, "created_at") else None)
        out.append(b.payment)
        out.append(b.notes)
        out.append(b.tags)
        out.append(b.extras)
        out.append(b.audits)
        out.append(b.guests)
    return out


def nested(user_id):
    for b in Booking.query.filter_by(owner_id=user_id):
        print(b.chef.user.name)  # expect: ORM002, ORM002
    for b in Booking.query.options(joinedload(Booking.chef)).all():
        print(b.chef.user.name)  # expect: ORM002
    for b in Booking.query.options(joinedload(Booking.chef).joinedload(Chef.user)):
        print(b.chef.user.name)
    for b in Booking.query.options(defaultload(Booking.chef).joinedload(Chef.user)):
        print(b.chef.user.name)  # expect: ORM002


def comprehension_and_enumerate(chef_id):
    chefs = Chef.query.all()
    names = [c.user.name for c in chefs]  # expect: ORM002
    for i, c in enumerate(Chef.query.order_by(Chef.id)):
        print(i, c.bookings)  # expect: ORM002
    for c in sorted(chefs, key=lambda c: c.id):
        print(c.user)  # expect: ORM002
    return names


def eager_forms_are_silent():
    for b in Booking.query.options(joinedload(Booking.chef), selectinload(Booking.items)):
        print(b.chef, b.items)
    for b in Booking.query.options(subqueryload(Booking.items)).all():
        print(b.items)
    for b in Booking.query.join(Booking.chef).options(contains_eager(Booking.chef)):
        print(b.chef)
    for b in Booking.query.options(joinedload("chef")):
        print(b.chef)
    q = Booking.query.filter_by(status="paid")
    q = q.options(selectinload(Booking.items))
    for b in q.all():
        print(b.items)
        print(b.chef)  # expect: ORM002
    for item in Item.query.all():
        print(item.booking)  # the backref is lazy="joined"


def dynamic_and_members():
    for c in Chef.query.all():
        print(c.reviews)  # dynamic: its terminals are ORM001/ORM003
        print(c.fans)  # selectin
        print(c.label, c.upper, c.created_at)
    for r in Review.query.all():
        print(r.chef)  # expect: ORM002
    for c in Chef.query.all():
        print(c.old_reviews)  # expect: ORM002


def pagination_and_session(page):
    p = Booking.query.paginate(page=page, per_page=20)
    for b in p.items:
        print(b.chef)  # expect: ORM002
    for b in db.session.scalars(select(Booking).where(Booking.status == "paid")).all():
        print(b.items)  # expect: ORM002
    for b in db.session.scalars(select(Booking).options(selectinload(Booking.items))):
        print(b.items)


def annotated(bookings: List[Booking]):
    for b in bookings:
        print(b.chef)  # expect: ORM002


def not_models(data, rows):
    for k, v in data.items():
        print(k, v)
    for r in rows:
        print(r.chef)
    page = {"items": []}
    for x in page["items"]:
        print(x.chef)


def writes_are_not_reads():
    for b in Booking.query.all():
        b.chef = None


# --- SQLAlchemy 1.4 declarative and 2.0 typed models -----------------------

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    books = relationship("Book", back_populates="author")


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("authors.id"))  # expect: ORM007
    author = relationship("Author", back_populates="books")


class Base2(DeclarativeBase):
    pass


class Shelf(Base2):
    __tablename__ = "shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    volumes: Mapped[List["Volume"]] = relationship(back_populates="shelf")


class Volume(Base2):
    __tablename__ = "volumes"
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("shelves.id"))  # expect: ORM007
    shelf: Mapped[Optional["Shelf"]] = relationship(back_populates="volumes")


def declarative(session):
    for book in session.query(Book).all():
        print(book.author.name)  # expect: ORM002
    for author in session.scalars(select(Author)):
        print(len(author.books))  # expect: ORM002
    for v in session.scalars(select(Volume)).all():
        print(v.shelf)  # expect: ORM002
    for s in session.scalars(select(Shelf)).unique().all():
        print(s.volumes)  # expect: ORM002


async def async_reads(session):
    for s in (await session.scalars(select(Shelf))).all():
        print(await s.awaitable_attrs.volumes)  # expect: ORM002


def read_twice(user_id):
    for b in Booking.query.filter_by(owner_id=user_id):
        if b.items:  # expect: ORM002
            for item in b.items:
                print(item)


def through_collections(user_id):
    for b in Booking.query.filter_by(owner_id=user_id):
        for item in b.items:  # expect: ORM002
            print(item.booking)  # the reverse of b.items: the identity map answers it
    for c in Chef.query.options(selectinload(Chef.bookings)):
        for b in c.bookings:
            print(b.owner)  # expect: ORM002
            print(b.chef)  # the reverse of c.bookings
    for c in Chef.query.options(selectinload(Chef.bookings).joinedload(Booking.owner)):
        for b in c.bookings:
            print(b.owner)


def sub_options_and_conditional(deep):
    for b in Booking.query.options(defaultload(Booking.chef).options(joinedload(Chef.user))):
        print(b.chef.user)  # expect: ORM002
    for b in Booking.query.options(joinedload(Booking.chef).options(joinedload(Chef.user))):
        print(b.chef.user)
    for b in Booking.query.options(joinedload(Booking.items) if deep else selectinload(Booking.items)):
        print(b.items)


# --- real code: the identity map answers a many-to-one back to the parent ---
def back_to_the_parent(chef, chef_ids):
    for b in Booking.query.with_parent(chef):
        print(b.chef.name)  # ok: every row's chef is `chef`, already in the session
    for b in Booking.query.filter_by(chef_id=chef.id):
        print(b.chef.name)  # ok: the same one chef
    for b in Booking.query.filter(Booking.chef_id == chef.id).order_by(Booking.id):
        print(b.chef.name)  # ok
    for b in Booking.query.filter(Booking.chef_id.in_(chef_ids)):
        print(b.chef.name)  # expect: ORM002
    for b in Booking.query.join(Chef, Booking.chef_id == Chef.id):
        print(b.chef.name)  # expect: ORM002
    for b in Booking.query.filter_by(chef_id=7):
        print(b.chef.name)  # ok: one chef for every row, loaded once
    for b in Booking.query.filter_by(chef_id=chef.id):
        print(b.owner.name)  # expect: ORM002


# --- real code: every foreign-key spelling keeps the direction --------------
class Category(db.Model):
    __table_args__ = {"schema": "core"}
    __tablename__ = "category"
    id = db.Column(db.Integer, primary_key=True)


class Conference(db.Model):
    __table_args__ = {"schema": "events"}
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("core.category.id"), index=True)
    category = db.relationship("Category", backref="conferences")
    profile = db.relationship("ConferenceProfile", uselist=False, backref="conference")


class ConferenceProfile(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    conference_id = db.Column(db.Integer, db.ForeignKey("events.conference.id"), index=True)


def schema_qualified(ids):
    for c in Conference.query.filter(Conference.id.in_(ids)):
        print(c.category.id)  # expect: ORM002
    for cat in Category.query.all():
        print(len(cat.conferences))  # expect: ORM002
    for p in ConferenceProfile.query.all():
        print(p.conference.id)  # expect: ORM002


# --- rows of a collection of one row (a get, a first(), self) ---------------
def collection_of_a_got_row(session, chef_id):
    chef = session.get(Chef, chef_id)
    for b in chef.bookings:
        print(b.owner.name)  # expect: ORM002
        print(b.chef.name)  # ok: the reverse of chef.bookings, the identity map answers it
        print(b.status)  # ok: a column
    for b in chef.bookings[:3]:
        print(b.owner)  # ok: a slice is not rows ormlint follows


def collection_loaded_with_the_row(session, chef_id):
    chef = session.get(Chef, chef_id, options=[selectinload(Chef.bookings).joinedload(Booking.owner)])
    for b in chef.bookings:
        print(b.owner)  # ok: loaded with the chef


def collection_of_a_legacy_get(chef_id):
    chef = Chef.query.get(chef_id)
    for b in chef.bookings:
        print(b.invoices)  # expect: ORM002


def collection_of_a_first(chef_id):
    chef = Chef.query.filter_by(id=chef_id).first()
    for b in chef.bookings:
        for item in b.items:  # expect: ORM002
            print(item.booking)  # ok: the reverse of b.items


def collection_of_get_or_404(chef_id):
    chef = db.get_or_404(Chef, chef_id)
    for b in chef.bookings:
        print(b.owner)  # expect: ORM002
    for r in chef.reviews:
        print(r.chef)  # ok: a dynamic relationship is a query (ORM001's), and r.chef is the chef


class Board(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    panels = db.relationship("Panel", back_populates="board")

    def widget_owners(self):
        out = []
        for p in self.panels:
            for wdg in p.widgets:  # expect: ORM002
                out.append(wdg.owner)  # expect: ORM002
                out.append(wdg.panel)  # ok: the reverse of p.widgets
        return out


class Panel(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("board.id"), index=True)
    board = db.relationship("Board", back_populates="panels")
    widgets = db.relationship("Widget", back_populates="panel")


class Widget(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    panel_id = db.Column(db.Integer, db.ForeignKey("panel.id"), index=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    panel = db.relationship("Panel", back_populates="widgets")
    owner = db.relationship("User")
    body = deferred(db.Column(db.Text))


def nested_collections():
    for board in Board.query.options(selectinload(Board.panels).selectinload(Panel.widgets)):
        for p in board.panels:
            for wdg in p.widgets:
                print(wdg.owner)  # expect: ORM002
    for board in Board.query.options(
        selectinload(Board.panels).selectinload(Panel.widgets).joinedload(Widget.owner)
    ):
        for p in board.panels:
            for wdg in p.widgets:
                print(wdg.owner)  # ok: the chain loads it


# --- pagination ---------------------------------------------------------------
def pagination_forms(page):
    p = db.paginate(select(Booking).order_by(Booking.id), page=page)
    for b in p.items:
        print(b.owner)  # expect: ORM002
    p = db.paginate(db.select(Booking).options(joinedload(Booking.owner)), page=page)
    for b in p.items:
        print(b.owner)  # ok


# --- rows of several entities -----------------------------------------------
def tuples(session):
    for row in session.query(Booking, User.name):
        print(row.Booking.owner)  # expect: ORM002
        print(row.name)  # ok: a column
    for row in session.query(Booking, User.name):
        print(row[0].chef)  # expect: ORM002
        print(row[1])
    for b, u in session.query(Booking, User).join(User, Booking.owner_id == User.id):
        print(b.chef, u.name)  # expect: ORM002
    for b, n in session.query(Booking, func.count(Item.id)).group_by(Booking.id):
        print(b.items, n)  # expect: ORM002
    for (v,) in session.execute(select(Volume)):
        print(v.shelf)  # expect: ORM002
    for (v,) in session.execute(select(Volume).options(joinedload(Volume.shelf))):
        print(v.shelf)  # ok
    for row in session.execute(select(Volume)):
        print(row.Volume.shelf)  # expect: ORM002
    for b, u in session.query(Booking, User).options(joinedload(Booking.chef)):
        print(b.chef, u.name)  # ok


# --- 2.0 and async forms --------------------------------------------------------
async def async_forms(session):
    for v in session.execute(select(Volume)).scalars():
        print(v.shelf)  # expect: ORM002
    async for v in await session.stream_scalars(select(Volume)):
        print(v.shelf)  # expect: ORM002
    result = await session.execute(select(Volume))
    for v in result.scalars().all():
        print(v.shelf)  # expect: ORM002
    for v in (await session.scalars(select(Volume).options(selectinload(Volume.shelf)))).all():
        print(v.shelf)  # ok


# --- implicit loops ---------------------------------------------------------------
def implicit_loops():
    chefs = Chef.query.all()
    a = list(map(lambda c: c.user, chefs))  # expect: ORM002
    b = list(filter(lambda c: c.bookings, chefs))  # expect: ORM002
    c = sorted(chefs, key=lambda c: len(c.old_reviews))  # expect: ORM002
    d = sum(len(c.bookings) for c in chefs)  # expect: ORM002
    e = list(map(lambda c: c.id, chefs))  # ok: a column
    f = list(map(lambda k: k.upper(), ["a", "b"]))  # ok: not rows
    return a, b, c, d, e, f


def chef_user(c):
    return c.user


def chef_id(c):
    return c.id


def named_callbacks():
    # a function passed by name is called on each element, as a lambda is
    chefs = Chef.query.all()
    a = list(map(chef_user, chefs))  # expect: ORM002
    b = list(filter(chef_user, Chef.query.filter(Chef.id > 3)))  # expect: ORM002
    c = sorted(chefs, key=chef_user)  # expect: ORM002
    d = list(map(chef_user, Chef.query.options(joinedload(Chef.user))))  # ok: loaded
    e = list(map(chef_id, chefs))  # ok: a column
    f = list(map(str.upper, ["a", "b"]))  # ok: not rows
    g = max(chefs, key=len)  # ok: not a project function
    return a, b, c, d, e, f, g


# --- a join does not load the relationship -------------------------------------
def joined_not_loaded():
    for b in Booking.query.join(Booking.chef).filter(Chef.id > 3):
        print(b.chef.id)  # expect: ORM002
    for b in Booking.query.outerjoin(Booking.items):
        print(len(b.items))  # expect: ORM002
    for b in Booking.query.join(Booking.chef).options(contains_eager(Booking.chef)):
        print(b.chef.id)  # ok


# --- deferred columns: one SELECT per row on first read -----------------------
def deferred_columns():
    for wdg in Widget.query.all():
        print(wdg.body)  # expect: ORM002
    for wdg in Widget.query.options(undefer(Widget.body)):
        print(wdg.body)  # ok: undeferred
    for wdg in Widget.query.all():
        print(wdg.panel_id)  # ok: a column loaded with the rows
    for p in Panel.query.options(selectinload(Panel.widgets)):
        for wdg in p.widgets:
            print(wdg.body)  # expect: ORM002


# --- a dynamic relationship's query of one row, paginated ----------------------
class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("board.id"), index=True)
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    assignee = db.relationship("User")
    board = db.relationship("Board", backref=db.backref("tickets", lazy="dynamic"))


def dynamic_query_of_one_row(board_id, page):
    board = db.session.get(Board, board_id)
    for t in board.tickets.order_by(Ticket.id).paginate(page=page, per_page=20).items:
        print(t.assignee.name)  # expect: ORM002
        print(t.board.id)  # ok: the reverse of board.tickets: the board itself
    for t in board.tickets.options(joinedload(Ticket.assignee)):
        print(t.assignee)  # ok
