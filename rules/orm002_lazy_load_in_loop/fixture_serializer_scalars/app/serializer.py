# A serializer mixin whose plain attributes leave out the collections only:
# with relations=False it still reads every scalar relationship of the row.
import sqlalchemy.orm as orm
from sqlalchemy.inspection import inspect


class SerializerMixin(object):
    @classmethod
    def _is_join_attr(cls, attr):
        descriptor = getattr(cls, attr)
        return hasattr(descriptor, "impl") and isinstance(
            descriptor.impl, orm.attributes.CollectionAttributeImpl
        )

    @classmethod
    def _is_any_attr(cls, attr):
        descriptor = getattr(cls, attr)
        return hasattr(descriptor, "impl") or isinstance(
            descriptor.impl, orm.attributes.CollectionAttributeImpl
        )

    @classmethod
    def _serializable_attrs(cls):
        cached = cls.__dict__.get("_serializable_attrs_cache")
        if cached is None:
            attrs = tuple(inspect(cls).all_orm_descriptors.keys())
            plain = tuple(attr for attr in attrs if not cls._is_join_attr(attr))
            cached = (attrs, plain)
            cls._serializable_attrs_cache = cached
        return cached

    @classmethod
    def _columns_attrs(cls):
        attrs = tuple(inspect(cls).all_orm_descriptors.keys())
        return attrs, tuple(a for a in attrs if not cls._is_any_attr(a))

    def serialize(self, relations=False, ignored_attrs=()):
        all_attrs, plain_attrs = self._serializable_attrs()
        attrs = all_attrs if relations else plain_attrs
        return {attr: getattr(self, attr) for attr in attrs if attr not in ignored_attrs}

    def serialize_columns(self, relations=False):
        # the filter's test is an `or`: not it drops every attribute with an impl
        all_attrs, plain_attrs = self._columns_attrs()
        attrs = all_attrs if relations else plain_attrs
        return {attr: getattr(self, attr) for attr in attrs}

    def serialize_none(self, relations=False):
        all_attrs, _ = self._serializable_attrs()
        attrs = all_attrs if relations else ()
        return {attr: getattr(self, attr) for attr in attrs}


def serialize_models(models, relations=False):
    return [model.serialize(relations=relations) for model in models if model is not None]
