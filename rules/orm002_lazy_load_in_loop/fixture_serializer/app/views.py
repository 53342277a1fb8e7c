from sqlalchemy.orm import selectinload

from .models import Comment, Person, Task
from .serializer import Plain, serialize_models


def tasks_with_relations():
    tasks = Task.query.all()
    return [t.serialize(relations=True) for t in tasks]  # expect: ORM002


def tasks_plain():
    tasks = Task.query.all()
    return [t.serialize() for t in tasks]  # ok: relations=False lists no collection


def tasks_false():
    tasks = Task.query.all()
    return [t.serialize(relations=False) for t in tasks]  # ok: the guard is false


def tasks_through_helper():
    return serialize_models(Task.query.all(), relations=True)  # expect: ORM002


def tasks_helper_plain():
    return serialize_models(Task.query.all())  # ok: the default makes relations false


def tasks_loaded():
    tasks = Task.query.options(
        selectinload(Task.comments), selectinload(Task.project)
    ).all()
    return [t.serialize(relations=True) for t in tasks]  # ok: every lazy one is loaded


def people():
    return [p.serialize(relations=True) for p in Person.query.all()]  # ok: joined, selectin


def comments(flag):
    out = []
    for c in Comment.query.all():
        out.append(c.serialize(relations=flag))  # expect: ORM002
    return out


def chosen_names():
    return [t.serialize_names(["id"]) for t in Task.query.all()]  # ok: names the caller chose


def columns():
    return [t.columns_only() for t in Task.query.all()]  # ok: columns only


def files():
    return [t.from_files("/tmp") for t in Task.query.all()]  # ok: names from elsewhere


def not_a_model(items):
    p = Plain()
    return [p.dump(i) for i in items]  # ok: no rows of a model


def shots():
    from .models import Shot

    return [s.serialize(relations=True) for s in Shot.query.all()]  # expect: ORM002


def shots_safe():
    from .models import Shot

    return [s.serialize_safe(relations=True) for s in Shot.query.all()]  # expect: ORM002


def shots_safe_plain():
    from .models import Shot

    return [s.serialize_safe() for s in Shot.query.all()]  # ok: no keyword, relations=False


def get_paginated(query, page, relations=False):
    if page < 1:
        entries = query.all()
        return serialize_models(entries, relations=relations)
    query = query.limit(10)
    return serialize_models(query.all(), relations=relations)


def paged_tasks():
    query = Task.query.filter(Task.id > 3)
    return get_paginated(query, 1, relations=True)  # expect: ORM002


def paged_tasks_plain():
    query = Task.query.filter(Task.id > 3)
    return get_paginated(query, 1)  # ok: relations=False by default


def push(path, query, batch_size=200, relations=False):
    offset = 0
    while True:
        instances = query.offset(offset).limit(batch_size).all()
        if not instances:
            break
        for instance in instances:
            print(instance.serialize(relations=relations))
        offset += batch_size


def push_all():
    push("/a", Task.query.filter_by(id=1), batch_size=3, relations=True)  # expect: ORM002
    push("/b", Task.query.filter_by(id=1), batch_size=3)  # ok: relations=False by default


def get_crew_raw(crew_id):
    from .models import Crew

    crew = Crew.get(crew_id)
    if crew is None:
        raise KeyError(crew_id)
    return crew


def crew_members(crew_id, manager):
    crew = get_crew_raw(crew_id)
    out = []
    for member in crew.members:
        if manager:
            out.append(member.serialize(relations=True))  # expect: ORM002
        else:
            out.append(member.serialize())  # ok: relations=False reads no collection
    return out


def crew_members_loaded(crew_id, options):
    from .models import Crew

    crew = Crew.get_loaded(crew_id, options)
    return [m.serialize(relations=True) for m in crew.members]  # ok: what the options load is not known
