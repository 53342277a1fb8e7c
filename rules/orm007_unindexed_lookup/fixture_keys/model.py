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
