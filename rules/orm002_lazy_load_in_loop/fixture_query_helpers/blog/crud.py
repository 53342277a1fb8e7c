# A CRUD mixin whose classmethods return queries on the class they are
# called on (`Post.find(...)` is a query of Post), and one that runs it.
from blog import db


class CRUDMixin:
    @classmethod
    def find(cls, **kw):
        return cls.query.filter_by(**kw)

    @classmethod
    def newest(cls):
        return cls.query.order_by(cls.id.desc())

    @classmethod
    def every(cls):
        return cls.query.all()  # runs the query here, for every model that inherits it

    @classmethod
    def by_id(cls, pk):
        return db.session.get(cls, pk)
