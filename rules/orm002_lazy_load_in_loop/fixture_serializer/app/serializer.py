# A serializer mixin that reads every attribute the mapper lists: with
# relations=True each relationship of the row, lazy ones included.
from sqlalchemy.inspection import inspect


class SerializerMixin(object):
    @classmethod
    def _serializable_attrs(cls):
        attrs = tuple(inspect(cls).all_orm_descriptors.keys())
        plain = tuple(a for a in attrs if not cls._is_join_attr(a))
        return attrs, plain

    @classmethod
    def _is_join_attr(cls, attr):
        return hasattr(getattr(cls, attr), "impl")

    def serialize(self, obj_type=None, relations=False):
        all_attrs, plain_attrs = self._serializable_attrs()
        attrs = all_attrs if relations else plain_attrs
        obj_dict = {attr: getattr(self, attr) for attr in attrs}
        obj_dict["type"] = obj_type or type(self).__name__
        return obj_dict

    def columns_only(self):
        # the table's columns: no relationship among them
        return {name: getattr(self, name) for name in self.__table__.columns.keys()}

    def from_files(self, path):
        import os

        # names from the file system (listdir is not dir): nothing is known
        return {f: getattr(self, f) for f in os.listdir(path)}

    def serialize_names(self, names):
        # names the caller chose: not the mapper's, nothing is known
        return {name: getattr(self, name) for name in names}


def serialize_models(models, relations=False):
    return [model.serialize(relations=relations) for model in models if model is not None]


class Plain(object):
    # not a model: its serialize reads what dir() lists, of no model
    def dump(self, other):
        return {k: getattr(other, k) for k in dir(other)}
