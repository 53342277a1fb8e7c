from app.db import db
from app.models import Abstract, Track


class BaseManager:
    """Subclasses name the models they manage as class attributes."""

    abstract_model = None

    def all_abstracts(self):
        raise NotImplementedError

    def converge(self):
        for abstract in self.all_abstracts():
            print(abstract.submitter.name)  # expect: ORM002

    def notify(self, abstract):
        raise NotImplementedError

    def notify_all(self):
        for abstract in self.all_abstracts():
            self.notify(abstract)  # expect: ORM002


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


    def notify(self, abstract):
        print(abstract.submitter.name)


class SortedManager(Manager):
    track_model = Abstract


class TwoBase:
    def rows(self):
        raise NotImplementedError

    def report(self):
        for abstract in self.rows():
            print(abstract.submitter.name)  # ok: two subclasses return different rows


class TwoA(TwoBase):
    def rows(self):
        return Abstract.query.all()


class TwoB(TwoBase):
    def rows(self):
        return Abstract.query.options(db.joinedload(Abstract.submitter)).all()


def helper(manager, other):
    for abstract in manager.all_abstracts():
        print(abstract.submitter.name)  # ok: the manager's class is not known here
