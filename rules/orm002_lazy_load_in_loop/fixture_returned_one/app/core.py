"""The project's model base: every model inherits `get` from IndicoModel."""
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declarative_base, selectinload


class IndicoModel:
    @classmethod
    def get(cls, oid, is_deleted=None):
        """One row by primary key, or None."""
        obj = cls.query.get(oid)
        if obj is None:
            return None
        if is_deleted is not None and obj.is_deleted != is_deleted:
            return None
        return obj

    @classmethod
    def get_or_404(cls, oid):
        """What get returns, or a 404."""
        obj = cls.get(oid)
        if obj is None:
            raise LookupError(oid)
        return obj

    @classmethod
    def get_or_new(cls, oid):
        """What get returns, or a new object."""
        return cls.get(oid) or cls()

    @classmethod
    def get_loaded(cls, oid):
        """One row with its collections: loaded by the options."""
        return cls.query.options(selectinload('*')).get(oid)

    @classmethod
    def get_many(cls, oid):
        """Sometimes one row, sometimes a list: not known."""
        if oid is None:
            return cls.query.all()
        return cls.query.get(oid)

    @classmethod
    def each(cls, oid):
        """A generator: not one row."""
        yield cls.query.get(oid)


db = SQLAlchemy(model_class=declarative_base(cls=IndicoModel, name='Model'))


class PlainMixin:
    @classmethod
    def by_id(cls, oid):
        return cls.query.get(oid)


Base = declarative_base(cls=PlainMixin)
