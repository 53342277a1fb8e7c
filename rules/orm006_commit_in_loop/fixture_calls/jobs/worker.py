from jobs import db
from jobs.models import Job
from jobs.store import (create_unless_known, get_or_create_inline, get_or_create_job, get_or_save_job, record, save,
                        stage)


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


# --- per-item outside work seen through calls (DESIGN.md "Real code") -------
def publish_each(jobs):
    from jobs.outside import publish_later

    for job in jobs:
        job.state = "published"
        db.session.commit()  # ok: publish_later posts per item, in another file
        publish_later(job)


def archive_each(jobs, storages):
    from jobs.outside import archive

    for job in jobs:
        archive(job, storages)
        save(job)  # ok: archive() writes to a storage object per item


def plugin_each(jobs, plugins):
    for job in jobs:
        uploader = plugins.get(job.state)
        uploader.send_file(job.id)
        save(job)  # ok: a plugin from the registry sends per item


def finish_each(jobs):
    from jobs.outside import finish_and_publish

    for job in jobs:
        finish_and_publish(job)  # ok: the function commits and posts per item


def counted_each(jobs, metrics):
    from jobs.outside import count_done

    for job in jobs:
        count_done(job, metrics)
        save(job)  # expect: ORM006


def statsd_each(jobs):
    from jobs.outside import count_then_save

    for job in jobs:
        count_then_save(job)  # expect: ORM006


def published_sometimes(jobs):
    from jobs.outside import publish

    for job in jobs:
        if job.state == "urgent":
            publish(job)
        save(job)  # expect: ORM006


def published_either_way(jobs):
    from jobs.outside import publish, publish_later

    for job in jobs:
        if job.state == "urgent":
            publish(job)
        else:
            publish_later(job)
        save(job)  # ok: every item posts, through one arm or the other


def get_or_create_all(states, known):
    for state in states:
        get_or_create_job(state)  # expect: ORM001  # ok: no ORM006, it commits only for a state not stored yet
        get_or_save_job(state)  # expect: ORM001, ORM006
        create_unless_known(state, known)  # expect: ORM006
        get_or_create_inline(state)  # expect: ORM001, ORM006


def published_with_its_save(jobs, force):
    from jobs.outside import publish

    for job in jobs:
        if job.state == "urgent":
            publish(job)
            if force:
                save(job)  # ok: it saves only where it posted (the branch around it posts)
            save(job)  # ok: the same branch posts
        if job.state == "new":
            save(job)  # expect: ORM006  # this branch posts nothing
        if job.state == "late":
            save(job)  # expect: ORM006  # it posts only in a part inside this branch
            if force:
                publish(job)
        if job.state == "old":
            finish_and_publish_if(job, force)  # expect: ORM006  # its own outside work is judged on its path


def finish_and_publish_if(job, force):
    from jobs.outside import publish

    job.state = "done"
    save(job)
    if force:
        publish(job)
