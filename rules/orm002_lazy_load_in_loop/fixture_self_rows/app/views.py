from sqlalchemy.orm import joinedload

from app.base import RHEventBase, RHPlain, RHTrackListBase
from app.db import db
from app.models import Abstract, Track


class RHAbstractList(RHEventBase):
    def _process_args(self, event_id):
        RHEventBase._process_args(self, event_id)
        self.abstracts = Abstract.query.filter_by(event_id=event_id).all()

    def _process(self):
        for abstract in self.abstracts:
            print(abstract.submitter.name)  # expect: ORM002


class RHAbstractNames(RHAbstractList):
    def _process(self):
        return [a.submitter.name for a in self.abstracts]  # expect: ORM002


class RHTracks(RHEventBase):
    def _process(self):
        for track in self.event.tracks:
            print(track.convener.name)  # expect: ORM002


class RHLoaded(RHEventBase):
    def _process_args(self, event_id):
        self.loaded = Abstract.query.options(joinedload(Abstract.submitter)).all()

    def _process(self):
        for abstract in self.loaded:
            print(abstract.submitter.name)  # ok: the assigning query loads it


class RHMixedBase:
    def _process_args(self):
        self.items = Abstract.query.all()

    def _process(self):
        for item in self.items:
            print(item.submitter.name)  # ok: a subclass assigns other rows to items


class RHMixed(RHMixedBase):
    def _process_args(self):
        self.items = Track.query.all()


class RHFiltered:
    def _process_args(self):
        self.rows = Abstract.query.all()
        if len(self.rows) > 10:
            self.rows = self.rows[:10]

    def _process(self):
        for row in self.rows:
            print(row.submitter.name)  # ok: assigned twice, the second is no query


class RHPapers:
    def _process_args(self):
        self.papers = Abstract.query.all()


class RHOther(RHPlain):
    def _process(self):
        for paper in self.papers:
            print(paper.submitter.name)  # ok: RHPapers is no base nor subclass; RHPlain's is a list


def notify(abstract):
    print(abstract.submitter.name)


class RHNotify(RHAbstractList):
    def _process(self):
        for abstract in self.abstracts:
            notify(abstract)  # expect: ORM002


class RHCommitted(RHAbstractList):
    def _process(self):
        for abstract in self.abstracts:
            print(abstract.submitter.name)  # ok: each commit expires the rows, an eager load would not hold
            db.session.commit()


class RHTrackList(RHTrackListBase):
    def _process(self):
        return {t.id: t.convener.name for t in self.track_list}  # expect: ORM002
