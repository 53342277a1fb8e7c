from datetime import datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Stamped:
    placed_at = db.Column(db.DateTime, default=datetime.utcnow)  # expect: ORM007
