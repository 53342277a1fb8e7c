from functools import wraps

from app.models import Form


def no_autoflush(fn):
    """Pass the caller's arguments on as they are."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        print("before")
        return fn(*args, **kwargs)

    return wrapper


def with_session(fn):
    # passes an argument of its own: positions say nothing
    @wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(None, *args, **kwargs)

    return wrapper


def rebinding(fn):
    # binds args again: what the caller passed is not what fn gets
    @wraps(fn)
    def wrapper(*args, **kwargs):
        args = args[1:]
        return fn(*args, **kwargs)

    return wrapper


@no_autoflush
def clone_form(form):
    for r in form.registrations:
        print(r.user)  # expect: ORM002


@with_session
def clone_other(form):
    for r in form.registrations:
        print(r.user)  # ok: the decorator passes an argument of its own


@rebinding
def clone_third(form):
    for r in form.registrations:
        print(r.user)  # ok: the decorator binds args again


def clone_all(event_id):
    form = Form.query.filter_by(event_id=event_id).first()
    clone_form(form)
    clone_other(form)
    clone_third(form)
