from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.core import Base, db


class User(db.Model):
    __tablename__ = 'users'
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)


class Event(db.Model):
    __tablename__ = 'events'
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean)


class Contribution(db.Model):
    __tablename__ = 'contributions'
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey('events.id'))
    user_id = db.Column(db.Integer, db.ForeignKey('users.id'))
    event = db.relationship(Event, backref='contributions')
    user = db.relationship(User)


class Shelf(Base):
    __tablename__ = 'shelves'
    id = Column(Integer, primary_key=True)


class Book(Base):
    __tablename__ = 'books'
    id = Column(Integer, primary_key=True)
    title = Column(String)
    shelf_id = Column(Integer, ForeignKey('shelves.id'))
    author_id = Column(Integer, ForeignKey('authors.id'))
    shelf = relationship(Shelf, backref='books')
    author = relationship('Author')


class Author(Base):
    __tablename__ = 'authors'
    id = Column(Integer, primary_key=True)
