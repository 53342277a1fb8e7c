import json

from sqlalchemy.exc import IntegrityError

from models import db, Setting


def run():
    for key in json.loads('["a", "currency", "b"]'):
        try:
            db.session.add(Setting(key=key, value=key.upper()))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        db.session.commit()
    return sorted((s.key, s.value) for s in Setting.query.all())
