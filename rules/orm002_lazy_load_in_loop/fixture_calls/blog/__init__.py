from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def with_defaults(f):
    """A wrapper that may pass parameters its callers leave off."""
    return lambda *a, **k: f(*a, full=True, **k)
