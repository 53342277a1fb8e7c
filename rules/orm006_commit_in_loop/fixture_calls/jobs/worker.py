from jobs import db
from jobs.models import Job
from jobs.store import record, save, stage


def run_all(jobs):
    for job in jobs:
        job.state = "running"
        save(job)  # expect: ORM006


def run_logged(jobs, log):
    for job in jobs:
        record(job, log)  # expect: ORM006


def finish_all():
    for job in Job.query.filter_by(state="running").all():
        job.finish()  # expect: ORM006


def batched(jobs):
    for job in jobs:
        stage(job)
    db.session.commit()


def one(job):
    save(job)


def per_item(jobs):
    for job in jobs:
        try:
            save(job)  # a per-item transaction: meant to commit each
        except Exception:
            db.session.rollback()


def first_that_saves(jobs):
    for job in jobs:
        if job.state == "ready":
            save(job)
            break


def each_in_its_transaction(jobs):
    from jobs.store import save_or_skip

    for job in jobs:
        save_or_skip(job)


def create_all(names):
    from jobs.models import Task

    for name in names:
        Task.create(name=name)  # expect: ORM006


def construct_then_save(names):
    from jobs.models import Task

    for name in names:
        task = Task(name=name)
        task.save()  # expect: ORM006


def built_by_a_function(names, make):
    for name in names:
        task = make(name)
        task.save()  # make is a parameter: what it returns is unknown
