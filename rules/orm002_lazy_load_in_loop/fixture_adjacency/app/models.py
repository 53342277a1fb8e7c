# Adjacency lists: a table related to itself holds the foreign key on both
# sides, so the remote side (remote_side=, remote(...) in the primaryjoin)
# says which way each relationship goes, as SQLAlchemy reads it.
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import backref, relationship, remote

db = SQLAlchemy()


class Category(db.Model):
    __tablename__ = "categories"
    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    is_deleted = db.Column(db.Boolean, default=False)
    title = db.Column(db.String(80))
    # The foreign key is remote: one-to-many. Its backref names the primary
    # key remote: many-to-one.
    children = db.relationship(
        "Category",
        primaryjoin=(id == db.remote(parent_id)) & ~db.remote(is_deleted),
        backref=db.backref("parent", primaryjoin=(db.remote(id) == parent_id)),
    )


class Node(db.Model):
    __tablename__ = "nodes"
    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("nodes.id"), index=True)
    name = db.Column(db.String(80))
    # Nothing said forward: one-to-many (SQLAlchemy's default); the backref
    # names the primary key as its remote side.
    children = relationship("Node", backref=backref("parent", remote_side=[id]))


class Folder(db.Model):
    __tablename__ = "folders"
    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("folders.id"), index=True)
    name = db.Column(db.String(80))
    parent = relationship("Folder", remote_side="Folder.id", back_populates="subfolders")
    subfolders = relationship("Folder", back_populates="parent")


class Tag(db.Model):
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("tags.id"), index=True)
    # A remote side that is not a column declared above: the direction is
    # not known, and the fix loads it with selectinload (right either way).
    parent = relationship("Tag", remote_side=lambda: Tag.key)


class Page(db.Model):
    __tablename__ = "pages"
    id = db.Column(db.Integer, primary_key=True)
    uuid = db.Column(db.String(36), unique=True)
    parent_uuid = db.Column(db.String(36), db.ForeignKey("pages.uuid"), index=True)
    # The remote side is the unique key the foreign key points to, not the
    # primary key: still many-to-one.
    parent = relationship("Page", remote_side=[uuid])
