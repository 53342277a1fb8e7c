# ORM006 commit-in-loop. An expect marker sits on the reported call's line.
from flask import current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class Job(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20))  # expect: ORM007


def mark_all(jobs):
    for job in jobs:
        job.status = "done"
        db.session.commit()  # expect: ORM006


def flush_each(jobs):
    for job in jobs:
        job.status = "queued"
        db.session.flush()  # expect: ORM006
    return jobs


async def async_commit(session, jobs):
    for job in jobs:
        job.status = "done"
        await session.commit()  # expect: ORM006


def while_loop(queue):
    while queue:
        job = queue.pop()
        job.status = "done"
        if job.id:
            db.session.commit()  # expect: ORM006


def alone_in_block(jobs):
    for job in jobs:
        db.session.commit()  # expect: ORM006


# --- not reported ---------------------------------------------------------


def after_the_loop(jobs):
    for job in jobs:
        job.status = "done"
    db.session.commit()


def first_success(candidates):
    for job in candidates:
        job.status = "claimed"
        db.session.commit()
        break


def retry(job):
    for attempt in range(3):
        job.status = "done"
        db.session.commit()
        return attempt


def batched(jobs):
    for i, job in enumerate(jobs):
        job.status = "done"
        if i % 100 == 0:
            db.session.commit()


def per_item_transaction(jobs):
    for job in jobs:
        try:
            job.status = "done"
            db.session.commit()
        except IntegrityError:
            db.session.rollback()


def flush_for_keys(names):
    ids = []
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.flush()
        ids.append(job.id)
    return ids


def not_a_session(files):
    for f in files:
        f.flush()
        f.commit()


# --- real code: commits that are not per row (DESIGN.md "Real code") -------
def commit_on_error_path(jobs):
    for job in jobs:
        try:
            job.status = "running"
        except ValueError:
            db.session.commit()  # ok: only when an item fails


def per_item_external_work(jobs, mailer):
    import requests
    import time

    for job in jobs:
        requests.post("https://hooks.example.com/done", json={"id": job.id})
        job.status = "notified"
        db.session.commit()  # ok: what was sent stays recorded if a later item fails
    for job in jobs:
        time.sleep(1)
        job.status = "throttled"
        db.session.commit()  # ok: a paced loop
    for job in jobs:
        job.status = "sent"
        db.session.commit()  # expect: ORM006


def imported_outside_work(jobs):
    # Names imported from modules of outside work, called bare.
    from os import remove
    from shutil import rmtree
    from time import sleep
    from urllib.parse import urlsplit

    for job in jobs:
        remove(f"/tmp/{job.id}.lock")
        job.status = "unlocked"
        db.session.commit()  # ok: a file removed per item
    for job in jobs:
        rmtree(f"/tmp/{job.id}")
        db.session.commit()  # ok: a directory removed per item
    for job in jobs:
        sleep(0.1)
        db.session.commit()  # ok: a paced loop
    for job in jobs:
        job.host = urlsplit(job.status).hostname  # parsing a string is no outside work
        db.session.commit()  # expect: ORM006
    import urllib.parse
    import urllib.request

    for job in jobs:
        job.host = urllib.parse.quote(job.status)
        db.session.commit()  # expect: ORM006
    for job in jobs:
        job.page = urllib.request.urlopen(job.status).read()
        db.session.commit()  # ok: a page fetched per item


def outside_objects(jobs, plugins, get_client, metrics):
    for job in jobs:
        issuer = plugins.get(job.kind)  # taken from a registry of plugins
        issuer.issue(job.id)
        db.session.commit()  # ok: each item is issued outside first
    for job in jobs:
        client = get_client(job.kind)
        job.remote = client.fetch(job.id)
        db.session.commit()  # ok: a client call per item
    for job in jobs:
        metrics.send("jobs.sent", 1)  # telemetry is no outside work
        db.session.commit()  # expect: ORM006
    for job in jobs:
        plugins.get(job.kind).issue(job.id)
        db.session.commit()  # ok: issued outside per item
    for job in jobs:
        if job.urgent:
            plugins.get(job.kind).issue(job.id)  # only some items call out
        db.session.commit()  # expect: ORM006
    for job in jobs:
        if job.urgent:
            plugins.get(job.kind).issue(job.id)
        else:
            plugins.get("batch").queue(job.id)
        db.session.commit()  # ok: every item calls out, through one arm or the other
    for job in jobs:
        job.status = "deleted"
        publisher_store.publish("job:delete", {"id": job.id})  # a message to a broker
        db.session.commit()  # ok: the event went out per item
    for job in jobs:
        job_queue.enqueue(job.run)
        db.session.commit()  # ok: a task queued per item
    for job in jobs:
        job.published = True  # a flag named so is no outside work
        db.session.commit()  # expect: ORM006


def bounded_commits():
    for status in ("new", "done"):
        db.session.add(Job(status=status))
        db.session.commit()  # ok: two commits, fixed by the code


def add_statuses(statuses):
    for status in statuses:
        db.session.add(Job(status=status))
        db.session.commit()  # ok: its only caller passes two statuses


def add_default_statuses():
    add_statuses(["new", "done"])


def mark_jobs(jobs):
    for job in jobs:
        job.status = "done"
        db.session.commit()  # expect: ORM006


def mark_some_jobs():
    mark_jobs(["a"])
    mark_jobs(Job.query.all())  # rows: a commit per row


def flush_then_hand_on(names, notify):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.flush()  # ok: the helper reads the new row, so it is flushed per item
        notify(job)


def flush_then_log(names):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.flush()  # ok: the log line reads the new row
        logger.info("created %s", job)


def flush_then_keep(names, created, log):
    for name in names:
        label = name.title()
        job = Job(status=label)
        db.session.add(job)
        db.session.flush()  # expect: ORM006
        created.append(job)  # kept in a list: one flush after the loop would do
        log(label)  # the name handed on is not a new row


def flush_then_map(names, seen):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.flush()  # expect: ORM006
        seen[name] = job  # kept for later: one flush after the loop would do


def commit_then_hand_on(names, notify):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.commit()  # expect: ORM006
        notify(job)  # another connection may read it: no fix


def commit_then_task(names, task):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.commit()  # ok: a task queue per item: each item its own unit of work
        task.delay(job.id)  # the worker reads it from the database


def commit_then_child(names):
    for name in names:
        job = Job(status=name)
        db.session.add(job)
        db.session.commit()  # expect: ORM006
        db.session.add(Job(status="child of %d" % job.id))  # flush in the loop, commit after it


def first_new_author(names):
    author = None
    for name in names:
        if not author:
            author = Job(status=name)
            db.session.add(author)
            db.session.commit()  # ok: the flag it sets keeps this branch to one run per loop
    latest = None
    for name in names:
        if latest is None:
            latest = Job(status=name)
            db.session.commit()  # ok: once, the first time
    last = None
    for name in names:
        if not last:
            last = Job(status=name)
            db.session.commit()  # expect: ORM006
        last = None  # reset on every item: the branch runs again


def job_states():
    return ("queued", "running", "done")


def job_states_or_rows(rows):
    if rows:
        return Job.query.all()
    return ("queued",)


def reset_states():
    for state in job_states():
        db.session.add(Job(status=state))
        db.session.commit()  # ok: three states written in the code


def reset_states_mixed():
    for state in job_states_or_rows(False):
        db.session.add(Job(status=state))
        db.session.commit()  # expect: ORM006


def configured_states():
    states = current_app.config.get("JOB_STATES")
    return states


def reset_configured_states():
    states = configured_states()
    for state in states:
        db.session.add(Job(status=state))
        db.session.commit()  # ok: the states the deployer configured
    extra = configured_states()
    if not extra:
        extra = Job.query.all()
    for state in extra:
        db.session.add(Job(status=state))
        db.session.commit()  # expect: ORM006


import enum  # noqa: E402


class JobState(enum.Enum):
    queued = "queued"
    done = "done"


def add_state_jobs(current):
    titles = {JobState.queued.value: "Queued", JobState.done.value: "Done"}
    for state, title in titles.items():
        db.session.add(Job(status=title))
        db.session.commit()  # ok: two states written in the code
    seen = {current.state.value: "Current", current.next.value: "Next"}
    for state, title in seen.items():
        db.session.add(Job(status=title))
        db.session.commit()  # expect: ORM006


# --- a helper's commit a call's arguments turn off -----------------------
def save_job(job, commit=True):
    db.session.add(job)
    if commit:
        db.session.commit()


def save_jobs(jobs, now):
    for job in jobs:
        save_job(job, commit=False)  # ok: the commit is under `if commit`
    for job in jobs:
        save_job(job, False)  # ok: the same, positionally
    for job in jobs:
        save_job(job)  # expect: ORM006
    for job in jobs:
        save_job(job, commit=now)  # expect: ORM006
    db.session.commit()
def get_or_create_each(names, known):
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        if job is None:
            job = Job(status=name)
            db.session.add(job)
            db.session.commit()  # ok: get-or-create, a commit only for a name not stored yet
    for name in names:
        job = db.session.get(Job, name)  # expect: ORM001
        if not job and name:
            job = Job(status=name)
            db.session.add(job)
            db.session.flush()  # ok: get-or-create (`not job and ...` still needs the miss)
    for name in names:
        job = known.get(name)
        if not job:
            job = Job(status=name)
            db.session.add(job)
            db.session.commit()  # expect: ORM006  # a dict's miss, not a lookup in the database
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        if not job:
            db.session.add(Job(status=name))
            db.session.commit()  # expect: ORM006  # the block does not bind job: not the shape
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        if not job:
            job = known.get("default")
            db.session.commit()  # expect: ORM006  # no new row: the next lookup misses again
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        job = job or known.get(name)
        if not job:
            job = Job(status=name)
            db.session.add(job)
            db.session.commit()  # expect: ORM006  # job is rebound between the lookup and the test
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        if not job or name:
            job = Job(status=name)
            db.session.add(job)
            db.session.commit()  # expect: ORM006  # `or`: the branch runs on hits too
    for name in names:
        job = Job.query.filter_by(status=name).first()  # expect: ORM001
        if not job:
            job = Job(status=name)
            db.session.add(job)
        db.session.commit()  # expect: ORM006  # after the branch: every name


def outside_work_in_the_commits_branch(jobs, ports, check):
    import requests

    for job in jobs:
        if job.status != "skip":
            for port in ports:
                job.seen = requests.get("https://probe.example.com", params={"port": port})
            if check:
                db.session.commit()  # ok: every item that gets here was probed
        if job.status == "late":
            db.session.commit()  # expect: ORM006  # this branch probes nothing
        if job.status == "old":
            db.session.commit()  # expect: ORM006  # it probes only inside the commit's branch
            if check:
                requests.get("https://probe.example.com")


class JobSeeder:
    seed_names = ("nightly", "weekly")  # never written again: two iterations
    queued_names = ["nightly"]  # extended below: as long as the code makes it

    def seed(self):
        for name in self.seed_names:
            db.session.add(Job(status=name))
            db.session.commit()  # ok: a class attribute bound to a tuple
        for name in self.queued_names:
            db.session.add(Job(status=name))
            db.session.commit()  # expect: ORM006

    def queue(self, names):
        self.queued_names.extend(names)
