from sqlalchemy.ext.declarative import declared_attr
from sqlalchemy.orm import declared_attr as orm_declared_attr

from app.db import db


class PersonLinkMixin:
    """Each model names its own link class and backref (indico's PersonLinkMixin)."""

    person_link_relation_name = None
    person_link_backref_name = None

    @declared_attr
    def person_links(cls):
        return db.relationship(
            cls.person_link_relation_name,
            lazy=True,
            backref=db.backref(cls.person_link_backref_name, lazy=True),
        )


class OwnedMixin:
    @declared_attr
    def owner_id(cls):
        return db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)

    @orm_declared_attr
    def owner(cls):
        """The user who owns the row."""
        return db.relationship("User", lazy=True)


class TaggedMixin:
    @declared_attr.directive
    def tags(cls):
        return db.relationship("Tag", lazy="selectin")

    @declared_attr
    def code(cls):
        return db.Column(db.String(20))


class ComputedMixin:
    link_class = None

    @declared_attr
    def links(cls):
        return db.relationship(f"{cls.__name__}Link", lazy=True)

    @declared_attr
    def reviews(cls):
        return db.relationship(cls.review_class, lazy=cls.review_lazy)

    @declared_attr
    def extras(cls):
        if cls.has_extras:
            return db.relationship("Extra", lazy=True)
