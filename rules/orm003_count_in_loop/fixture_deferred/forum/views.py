from sqlalchemy.orm import undefer

from forum.models import Forum


def overview():
    rows = []
    for forum in Forum.query.all():
        rows.append((forum.name, forum.topic_count))  # expect: ORM003
        rows.append(forum.inline_count)  # ok: loaded with the row
    return rows


def overview_undeferred():
    forums = Forum.query.options(undefer(Forum.topic_count)).all()
    return [(f.name, f.topic_count) for f in forums]  # ok: undeferred with the rows


def empty_ones():
    # is_empty reads two counting columns of each forum
    return [f for f in Forum.query.all() if f.is_empty]  # expect: ORM003


def empty_ones_undeferred():
    forums = Forum.query.options(undefer(Forum.topic_count), undefer(Forum.post_count)).all()
    return [f for f in forums if f.is_empty]  # ok: both undeferred


def labels():
    return [f.label for f in Forum.query.all()]  # ok: reads a column only


def one(forum_id):
    forum = Forum.query.get(forum_id)
    return forum.topic_count  # ok: one row, outside a loop
