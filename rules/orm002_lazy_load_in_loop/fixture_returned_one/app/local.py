"""One row a project function returns, bound to a local name."""
from app.models import Event


def speakers(event_id):
    event = Event.get_or_404(event_id)
    return [c.user for c in event.contributions]  # expect: ORM002


def speakers_many(event_id):
    event = Event.get_many(event_id)
    return [c.user for c in event.contributions]  # ok: get_many may return a list


def speakers_loaded(event_id):
    event = Event.get_loaded(event_id)
    return [c.user for c in event.contributions]  # ok: loaded with its collections
