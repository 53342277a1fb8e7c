from .. import helpers
from ..helpers import rating_of
from ..cursor import Pager, advance
from ..other import ChefCursor, chef_of
from .. import db
from ..models import Chef


def ratings(chefs):
    return [rating_of(c.id) for c in chefs]  # expect: ORM001


def labels(chefs):
    return [chef_of(c.id) for c in chefs]  # app.other.chef_of: no query


def names(chefs):
    return [helpers.Lookup.chef_name(c.id) for c in chefs]  # expect: ORM001


class ChefTour(ChefCursor):
    # A method of another file moves self.cursor_chef_id on every step: not one key.
    def tour(self, rows):
        for row in rows:
            self.step(row)
            db.session.get(Chef, self.cursor_chef_id)  # expect: ORM001
            db.session.get(Chef, self.home_chef_id)  # ok: no code writes home_chef_id


# A key `<name>.<attr>` on an object whose method the loop calls, or which it hands to a call
# (here in a file the index may not parse): the key moves, each get is a query.
def paged(rows, start):
    pager = Pager(start)
    for row in rows:
        db.session.get(Chef, pager.page_chef_id)  # expect: ORM001
        helpers.chef_of(pager.page_chef_id)  # expect: ORM001
        pager.step()


def handed(rows, start):
    pager = Pager(start)
    for row in rows:
        helpers.chef_of(pager.page_chef_id)  # expect: ORM001
        advance(pager)


def still_pager(rows, start):
    pager = Pager(start)
    for row in rows:
        db.session.get(Chef, pager.first_chef_id)  # ok: the loop neither calls pager nor hands it on
        helpers.chef_of(pager.first_chef_id)  # ok: the same key for the whole loop
        print(row.name, pager.first_chef_id)
