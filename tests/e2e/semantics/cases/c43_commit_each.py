from models import db, Setting


def run():
    for key in ["a", "b", "c"]:
        db.session.add(Setting(key=key, value=key.upper()))
        db.session.commit()
    return sorted((s.key, s.value) for s in Setting.query.all())
