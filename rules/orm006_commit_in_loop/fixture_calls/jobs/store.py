from jobs import db
from jobs.models import Job


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


def find_job(state):
    return Job.query.filter_by(state=state).first()


def get_or_create_job(state):
    job = find_job(state)
    if not job:
        job = Job(state=state)
        save(job)
    return job


def get_or_save_job(state):
    job = find_job(state)
    if not job:
        job = Job(state=state)
    save(job)  # commits on every call
    return job


def create_unless_known(state, known):
    job = known.get(state)
    if not job:
        job = Job(state=state)
        save(job)
    return job


def get_or_create_inline(state):
    job = Job.query.filter_by(state=state).first()
    if job is None:
        job = Job(state=state)
        db.session.add(job)
        db.session.commit()  # its own commit: taken as per call (the conservative answer)
    return job
