from jobs import db


def save(obj):
    db.session.add(obj)
    db.session.commit()


def record(obj, log):
    log.append(obj)
    save(obj)


def stage(obj):
    db.session.add(obj)  # adds only: the caller commits once


def save_or_skip(obj):
    try:
        db.session.add(obj)
        db.session.commit()  # its own transaction: meant to commit on every call
    except Exception:
        db.session.rollback()
