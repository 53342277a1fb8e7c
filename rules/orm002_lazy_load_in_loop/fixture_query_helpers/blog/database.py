# Generic helpers that build a query of whatever model their caller names.
from sqlalchemy.orm import joinedload

from blog import db


def session_query(model):
    return model.query if hasattr(model, "query") else db.session.query(model)


def loaded_query(model, rel):
    return db.session.query(model).options(joinedload(rel))


def query_or_nothing(model, ready):
    if ready:
        return model.query
    return []
