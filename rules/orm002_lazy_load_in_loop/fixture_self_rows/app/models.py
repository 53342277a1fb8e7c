from app.db import db


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Event(db.Model):
    __tablename__ = "events"
    id = db.Column(db.Integer, primary_key=True)
    tracks = db.relationship("Track", backref="event")


class Track(db.Model):
    __tablename__ = "tracks"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    convener_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    convener = db.relationship("User")


class Abstract(db.Model):
    __tablename__ = "abstracts"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    submitter_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    submitter = db.relationship("User")
