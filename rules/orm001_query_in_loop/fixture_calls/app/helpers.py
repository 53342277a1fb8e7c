# Helpers that query, one and two calls deep, in a branch, recursively; and
# helpers that do not.
from app import db
from app.models import Chef, Review


def chef_of(chef_id):
    return Chef.query.get(chef_id)


def rating_of(chef_id):
    return _average(chef_id)


def _average(chef_id):
    reviews = Review.query.filter_by(chef_id=chef_id).all()
    return sum(r.stars for r in reviews) / max(len(reviews), 1)


def maybe_chef(chef_id, cached):
    if chef_id in cached:
        return cached[chef_id]
    return Chef.query.get(chef_id)  # only on a cache miss: still a query per row


def walk(chef_id, depth):
    if depth > 0:
        return walk(chef_id, depth - 1)  # recursion: the summary still terminates
    return Chef.query.get(chef_id)


def ping(n):
    return pong(n - 1) if n else None


def pong(n):
    return ping(n)  # mutual recursion that never queries


def unused(chef_id):
    return Chef.query.get(chef_id)


def double(x):
    return x * 2


class Lookup:
    @staticmethod
    def chef(chef_id):
        return Chef.query.get(chef_id)

    @classmethod
    def chef_name(cls, chef_id):
        return cls.chef(chef_id).name


chef_alias = chef_of


def session_query(model):
    return model.query if hasattr(model, "query") else db.session.query(model)


def get(model, value):
    query = session_query(model)
    return query.filter(model.id == value).scalar()


def by_name(name):
    return session_query(Chef).filter(Chef.name == name)
