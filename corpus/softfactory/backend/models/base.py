"""Columns every table shares."""
from datetime import datetime

from ..extensions import db


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow, index=True)


def iso(value):
    return value.isoformat() if value is not None else None
