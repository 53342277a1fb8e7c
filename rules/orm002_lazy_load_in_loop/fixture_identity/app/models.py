# Models for the identity-map and one-row-parameter cases of ORM002.
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.declarative import declared_attr

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Event(db.Model):
    __tablename__ = "events"
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    owner = db.relationship("User")


# Single-table inheritance: Question declares neither a table nor a key, so
# an answer's question_id into "items" makes Answer.question many-to-one.
class Item(db.Model):
    __tablename__ = "items"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))


class Question(Item):
    __mapper_args__ = {"polymorphic_identity": "question"}


class Answer(db.Model):
    __tablename__ = "answers"
    id = db.Column(db.Integer, primary_key=True)
    question_id = db.Column(db.Integer, db.ForeignKey("items.id"), index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    question = db.relationship("Question", backref=db.backref("answers", lazy=True))
    user = db.relationship("User")


# The foreign key comes from a mixin that is not the first base.
class JSONBase:
    value = db.Column(db.String(200))


class EventMixin:
    @declared_attr
    def event_id(cls):
        return db.Column(db.Integer, db.ForeignKey("events.id"), index=True)

    @declared_attr
    def event(cls):
        return db.relationship("Event")


class Setting(JSONBase, EventMixin, db.Model):
    __tablename__ = "settings"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
