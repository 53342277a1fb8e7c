from .. import helpers
from ..helpers import rating_of
from ..other import chef_of


def ratings(chefs):
    return [rating_of(c.id) for c in chefs]  # expect: ORM001


def labels(chefs):
    return [chef_of(c.id) for c in chefs]  # app.other.chef_of: no query


def names(chefs):
    return [helpers.Lookup.chef_name(c.id) for c in chefs]  # expect: ORM001
