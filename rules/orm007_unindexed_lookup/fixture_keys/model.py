"""ORM007: which other lookups key a query, and when a model's indexes are
not known. An indexed flag keys nothing; a later sort key only breaks ties;
a computed __table_args__ (a helper, a @declared_attr) hides the indexes, so
nothing is said about that model."""
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Index
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()


class Ticket(db.Model):
    __tablename__ = "tickets"
    id = db.Column(db.Integer, primary_key=True)
    queue_id = db.Column(db.Integer, db.ForeignKey("queues.id"))  # expect: ORM007
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # ok: its query is keyed by number
    number = db.Column(db.String(20), index=True)
    is_open = db.Column(db.Boolean, index=True)  # indexed, but half the table is open
    opened_at = db.Column(db.DateTime)  # expect: ORM007
    rank = db.Column(db.Integer)  # ok: a later sort key only breaks ties
    closed_at = db.Column(db.DateTime)  # ok: sorts one queue's tickets (its foreign key leads)
    severity = db.Column(db.String(10))  # expect: ORM007
    due_at = db.Column(db.DateTime)  # expect: ORM007
    weight = db.Column(db.Integer)  # ok: sorts the tickets of one queue (its primary key)
    stamp = db.Column(db.DateTime)  # expect: ORM007
    score = db.Column(db.Integer)  # expect: ORM007
    title = db.Column(db.String(80))  # ok: sorts the rows of one number (a column query)
    label = db.Column(db.String(20))  # expect: ORM007
    kind = db.Column(db.String(20))  # ok: keyed by number, compared to an instance's value
    topic = db.Column(db.String(20))  # expect: ORM007


class Queue(db.Model):
    __tablename__ = "queues"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), unique=True)
    code = db.Column(db.String(20))

    def same_kind(self, kind):
        # self.code is this queue's value: number == self.code is a key, not a join
        return Ticket.query.filter(Ticket.number == self.code, Ticket.kind == kind).all()

    def on_topic(self):
        return Ticket.query.filter(Ticket.topic == self.name).all()  # a filter on topic


def closed_in(queue_id):
    # the index that serves this sort leads with queue_id, reported on its own
    return Ticket.query.filter_by(queue_id=queue_id).order_by(Ticket.closed_at).all()


def by_severity(severity):
    # not a foreign key: which of severity and due_at narrows best is not known
    return Ticket.query.filter_by(severity=severity).order_by(Ticket.due_at).all()


def in_queue(queue_id, names, score):
    # the joined queue's primary key finds the rows: sorting them needs no index of its own
    page = Ticket.query.join(Queue).filter(Queue.id == queue_id).order_by(Ticket.weight).all()
    # a unique name of the joined model may name most queues: stamp still sorts the table
    many = Ticket.query.join(Queue).filter(Queue.name.in_(names)).order_by(Ticket.stamp).all()
    # and a range on the ticket beside a key of another model is a lookup of its own
    best = Ticket.query.join(Queue).filter(Queue.id == queue_id, Ticket.score > score).all()
    return page, many, best


def ids_by_number(number, label):
    # filter_by on a column query filters the column's model; two chains on `db` are two queries
    a = db.session.query(Ticket.id).filter_by(number=number).order_by(Ticket.title).all()
    b = db.session.query(Ticket.id).filter_by(label=label).all()
    return a, b


def schema_args(*indexes):
    return (*indexes, {"schema": "audit"})


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = schema_args(Index(None, "actor_id"))  # computed: its indexes are not known
    id = db.Column(db.Integer, primary_key=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # ok: the indexes are computed


class AuditMixin:
    @declared_attr
    def __table_args__(cls):
        return schema_args(Index(None, "subject_id"))


class AuditNote(AuditMixin, db.Model):
    __tablename__ = "audit_notes"
    id = db.Column(db.Integer, primary_key=True)
    subject_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # ok: a mixin computes them


class AuditTag(db.Model):
    __tablename__ = "audit_tags"
    __table_args__ = (Index("ix_audit_tags_name", "name"), {"schema": "audit"})  # written out
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40))  # ok: leads the Index
    entry_id = db.Column(db.Integer, db.ForeignKey("audit_entries.id"))  # expect: ORM007


def open_in(queue_id):
    # the indexed flag leaves half the tickets: the foreign key still needs its index
    return Ticket.query.filter_by(queue_id=queue_id, is_open=True).all()


def owned(owner_id, number):
    return Ticket.query.filter_by(owner_id=owner_id, number=number).first()


def queue_page():
    return Ticket.query.order_by(Ticket.opened_at.desc(), Ticket.rank).limit(50).all()


def audit_lookups(actor_id, subject_id, name, entry_id):
    a = AuditEntry.query.filter_by(actor_id=actor_id).all()
    b = AuditNote.query.filter_by(subject_id=subject_id).all()
    c = AuditTag.query.filter_by(name=name).all()
    d = AuditTag.query.filter(AuditTag.entry_id == entry_id).all()
    return a, b, c, d
