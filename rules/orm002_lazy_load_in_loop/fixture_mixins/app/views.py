from sqlalchemy.orm import joinedload, selectinload

from app.models import Contribution, Event, EventDomain, EventPersonLink


def speakers():
    for contrib in Contribution.query.all():
        print([link.name for link in contrib.person_links])  # expect: ORM002


def event_people():
    for event in Event.query.filter_by(id=1).all():
        print(len(event.person_links))  # expect: ORM002
        print(event.owner.name)  # expect: ORM002


def link_events():
    for link in EventPersonLink.query.all():
        print(link.event.id)  # expect: ORM002


def eager_people():
    for event in Event.query.options(selectinload(Event.person_links), joinedload(Event.owner)):
        print(len(event.person_links), event.owner.name)  # ok: loaded with the rows


def mixin_eager():
    for event in Event.query.all():
        print(len(event.tags))  # ok: the mixin declares lazy="selectin"
        print(event.code)  # ok: a declared_attr column, not a relationship
        print(event.owner_id)  # ok: the foreign key column


def computed():
    for event in Event.query.all():
        print(event.links)  # expect: ORM002  # unknown target: selectinload fits either direction
        print(event.reviews.count())  # ok: lazy=cls.review_lazy is "dynamic" on Event: a query (ORM003), not a load
        print(event.extras)  # ok: declared only when the class has extras, which the index cannot tell


def proxies():
    for event in Event.query.all():
        print([d.name for d in event.domains])  # expect: ORM002
    for event in Event.query.filter_by(id=2):
        print(event.link_names)  # expect: ORM002
    for event in Event.query.filter_by(id=3):
        print(event.tag_ids)  # ok: the proxy's collection is lazy="selectin"


def eager_proxies():
    for event in Event.query.options(selectinload(Event.domain_links).joinedload(EventDomain.domain)):
        print(list(event.domains))  # ok: its collection is loaded with the rows
