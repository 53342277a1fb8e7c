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


def logged(label):
    # a factory of a transparent decorator
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            print(label)
            return fn(*args, **kwargs)

        return wrapper

    return decorator


def registered(label):
    # a factory that also keeps the function: it may call it otherwise
    def decorator(fn):
        REGISTRY[label] = fn
        return fn

    return decorator


REGISTRY = {}


@logged("clone")
def clone_logged(form):
    for r in form.registrations:
        print(r.user)  # expect: ORM002


@registered("clone")
def clone_registered(form):
    for r in form.registrations:
        print(r.user)  # ok: the registry may call it with anything


def clone_more(event_id):
    form = Form.query.filter_by(event_id=event_id).first()
    clone_logged(form)
    clone_registered(form)



def audited(fn):
    # transparent, but app/audit.py defines another `audited` that keeps the function
    @wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper
