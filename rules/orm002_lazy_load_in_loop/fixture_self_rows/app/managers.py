from app.db import db
from app.models import Abstract, Track


class BaseManager:
    """Subclasses name the models they manage as class attributes."""

    abstract_model = None

    def all_abstracts(self):
        raise NotImplementedError

    def converge(self):
        for abstract in self.all_abstracts():
            print(abstract.submitter.name)  # todo-expect: ORM002 (the base's method is a stub a subclass overrides)


class Manager(BaseManager):
    abstract_model = Abstract
    track_model = Track

    def all_abstracts(self):
        return db.session.query(self.abstract_model).all()

    def all_tracks(self):
        return db.session.query(self.track_model).all()

    def export(self):
        for abstract in self.all_abstracts():
            print(abstract.submitter.name)  # expect: ORM002
        for track in self.all_tracks():
            print(track.convener.name)  # ok: SortedManager (a subclass) names another model


class SortedManager(Manager):
    track_model = Abstract


def helper(manager, other):
    for abstract in manager.all_abstracts():
        print(abstract.submitter.name)  # ok: the manager's class is not known here
