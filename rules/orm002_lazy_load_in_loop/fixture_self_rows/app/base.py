from app.db import db
from app.models import Event, Track


class RHEventBase:
    """A request handler: _process_args loads what _process reads."""

    def _process_args(self, event_id):
        self.event = db.session.get(Event, event_id)


class RHPlain:
    def _process_args(self):
        self.papers = []


class RHTrackListBase:
    def _process_args(self):
        self.track_list = Track.query.filter_by(event_id=1).all()
