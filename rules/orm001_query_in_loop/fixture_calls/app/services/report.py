from .. import helpers
from ..helpers import rating_of
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
