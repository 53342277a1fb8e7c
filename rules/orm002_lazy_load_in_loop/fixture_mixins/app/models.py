from sqlalchemy.ext.associationproxy import association_proxy

from app.db import db
from app.mixins import ComputedMixin, OwnedMixin, PersonLinkMixin, TaggedMixin


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Tag(db.Model):
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    contribution_id = db.Column(db.Integer, db.ForeignKey("contributions.id"))


class Extra(db.Model):
    __tablename__ = "extras"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))


class Event(PersonLinkMixin, OwnedMixin, TaggedMixin, ComputedMixin, db.Model):
    __tablename__ = "events"
    person_link_relation_name = "EventPersonLink"
    person_link_backref_name = "event"
    review_class = "EventReview"
    review_lazy = "dynamic"
    has_extras = True
    id = db.Column(db.Integer, primary_key=True)
    domain_links = db.relationship("EventDomain", lazy=True)
    domains = association_proxy("domain_links", "domain")
    link_names = association_proxy("person_links", "name")
    tag_ids = association_proxy("tags", "id")


class Contribution(PersonLinkMixin, TaggedMixin, db.Model):
    __tablename__ = "contributions"
    person_link_relation_name = "ContributionPersonLink"
    person_link_backref_name = "contribution"
    id = db.Column(db.Integer, primary_key=True)


class EventPersonLink(db.Model):
    __tablename__ = "event_person_links"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    name = db.Column(db.String(80))


class ContributionPersonLink(db.Model):
    __tablename__ = "contribution_person_links"
    id = db.Column(db.Integer, primary_key=True)
    contribution_id = db.Column(db.Integer, db.ForeignKey("contributions.id"))
    name = db.Column(db.String(80))


class Domain(db.Model):
    __tablename__ = "domains"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class EventDomain(db.Model):
    __tablename__ = "event_domains"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"))
    domain_id = db.Column(db.Integer, db.ForeignKey("domains.id"))
    domain = db.relationship("Domain")
