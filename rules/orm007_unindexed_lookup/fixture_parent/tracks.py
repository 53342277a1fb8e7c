"""ORM007: with_parent(obj) keys a query on a foreign key, when every one has an index."""
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Track(db.Model):
    __tablename__ = "tracks"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), index=True)
    title = db.Column(db.String(80))  # ok: ordered only among one event's tracks (with_parent)
    code = db.Column(db.String(20))  # expect: ORM007


class Slot(db.Model):
    __tablename__ = "slots"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))  # which key with_parent uses is not said
    room_id = db.Column(db.Integer, db.ForeignKey("rooms.id"), index=True)
    label = db.Column(db.String(20))  # expect: ORM007


def tracks_of(event):
    return Track.query.with_parent(event).order_by(Track.title).all()


def track_by_code(code):
    return Track.query.filter_by(code=code).first()


def slots_of(event):
    # Slot's event_id has no index: with_parent does not narrow the rows to an index
    return Slot.query.with_parent(event).order_by(Slot.label).all()
