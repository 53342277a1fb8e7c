"""The one place the app reads the time, so tests can pin it."""
from datetime import datetime

from flask import current_app


def now():
    fixed = current_app.config.get("FIXED_NOW")
    if fixed:
        return datetime.fromisoformat(fixed)
    return datetime.utcnow()
