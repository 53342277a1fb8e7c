from flask import request
from sqlalchemy.orm import joinedload

from app.models import Book, Contribution, Event, Shelf


class RHEventBase:
    def _process_args(self):
        self.event = Event.get(request.view_args['event_id'])


class RHSpeakers(RHEventBase):
    def _process(self):
        names = []
        for contrib in self.event.contributions:
            names.append(contrib.user.name)  # expect: ORM002
        return names


class RHLoadedBase:
    def _process_args(self):
        self.event = Event.get_loaded(request.view_args['event_id'])


class RHLoaded(RHLoadedBase):
    def _process(self):
        for contrib in self.event.contributions:
            print(contrib.user)  # ok: the classmethod's query has loader options


class RHManyBase:
    def _process_args(self):
        self.event = Event.get_many(request.view_args['event_id'])


class RHMany(RHManyBase):
    def _process(self):
        for contrib in self.event.contributions:
            print(contrib.user)  # ok: get_many may return a list


class RHEachBase:
    def _process_args(self):
        self.event = next(Event.each(request.view_args['event_id']))


class RHEach(RHEachBase):
    def _process(self):
        for contrib in self.event.contributions:
            print(contrib.user)  # ok: a generator's value is not known to be one row


class RHOtherBase:
    def _process_args(self):
        self.event = Contribution.get(request.view_args['contrib_id']).event


class RHOther(RHOtherBase):
    def _process(self):
        for contrib in self.event.contributions:
            print(contrib.user)  # ok: an attribute of the returned row, not the row


class ShelfPage:
    def __init__(self, shelf_id):
        self.shelf = Shelf.by_id(shelf_id)

    def titles(self):
        return [book.author for book in self.shelf.books]  # expect: ORM002


class ShelfCopy:
    def __init__(self, shelf_id, other):
        self.shelf = Shelf.by_id(shelf_id)

    def reset(self, other):
        self.shelf = other

    def titles(self):
        return [book.author for book in self.shelf.books]  # ok: self.shelf is assigned twice



class RHTrackBase:
    def _process_args(self):
        self.event = Event.get_or_404(request.view_args['event_id'])


class RHTracks(RHTrackBase):
    def _process(self):
        return [c.user for c in self.event.contributions]  # expect: ORM002


class RHMaybeBase:
    def _process_args(self):
        self.event = Event.get_or_new(request.view_args['event_id'])


class RHMaybe(RHMaybeBase):
    def _process(self):
        return [c.user for c in self.event.contributions]  # ok: get_or_new may return a new object


class ShelfList:
    def _load(self):
        return Book.query.filter(Book.title.isnot(None)).all()

    def _load_with_authors(self):
        return Book.query.options(joinedload(Book.author)).all()

    def prepare(self):
        self.books = self._load()
        self.loaded = self._load_with_authors()

    def authors(self):
        return [b.author for b in self.books]  # expect: ORM002

    def loaded_authors(self):
        return [b.author for b in self.loaded]  # ok: the helper's query loads them
