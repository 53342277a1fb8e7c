import requests

from jobs import db


def publish(job):
    requests.post("https://hooks.example.com/done", json={"id": job.id})


def publish_later(job):
    publish(job)  # outside work two calls down, in another file


def archive(job, storages):
    store = storages.get(job.state)  # an object taken from a registry of storages
    store.put(job.id)


def finish_and_publish(job):
    job.state = "done"
    db.session.commit()
    publish(job)


def count_done(job, metrics):
    metrics.send("jobs.done", 1)  # telemetry: not outside work


def count_then_save(job):
    from jobs.telemetry import statsd

    statsd.incr("jobs.saved")
    db.session.commit()
