from typing import Optional

from .models import Answer, Event, Question, Setting, db


def answered(question: Question):
    # The reverse of question.answers: every answer's question is that one.
    return [a.id for a in question.answers if a.question.id]  # ok: the identity map answers it


def answer_users(question: "Question"):
    # One row given as an annotated parameter: its collection is loaded per
    # answer's user (no query in reach, so no fix).
    return [a.user.name for a in question.answers]  # expect: ORM002


def answer_users_optional(question: Optional["Question"]):
    for a in question.answers:
        print(a.user.name)  # expect: ORM002


def answer_users_union(question: Question | None):
    for a in question.answers:
        print(a.user.name)  # expect: ORM002


def answer_users_other(question: "Question | Answer"):
    for a in question.answers:
        print(a.user.name)  # ok: a union of two models, the parameter's model is not known


def settings_of(events):
    # Keys of objects the code holds: each setting's event is one of them.
    query = Setting.query.filter(Setting.event_id.in_(e.id for e in events))
    return {s.event: s.value for s in query}  # ok: the events are in the session already


def settings_of_list(events):
    query = Setting.query.filter(Setting.event_id.in_([e.id for e in events]))
    return [s.event.id for s in query.all()]  # ok: the events are in the session already


def settings_not_of(events):
    query = Setting.query.filter(~Setting.event_id.in_(e.id for e in events))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_query(owner):
    # The events are iterated from a query in place: nothing holds them, and
    # the identity map keeps only weak references.
    query = Setting.query.filter(
        Setting.event_id.in_(e.id for e in Event.query.filter_by(owner_id=owner.id))
    )
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_map(by_id):
    query = Setting.query.filter(Setting.event_id.in_(e.id for e in by_id.values()))
    return [s.event.id for s in query.all()]  # ok: the dict holds the events


def settings_of_ids(ids):
    query = Setting.query.filter(Setting.event_id.in_(ids))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_held_ids(events):
    # a name bound to the keys of objects the code holds
    event_ids = [e.id for e in events]
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # ok: the events are in the session already


def settings_of_held_id_set(events):
    event_ids = {e.id for e in events}
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # ok: the events are in the session already


def settings_of_rebound_ids(events, more):
    event_ids = [e.id for e in events]
    event_ids = event_ids + more
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_queried_ids(owner):
    event_ids = [e.id for e in Event.query.filter_by(owner_id=owner.id)]
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_grown_ids(events, more):
    # the held keys grown in place with keys of objects nobody loaded
    event_ids = [e.id for e in events]
    event_ids.extend(more)
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_added_ids(events, more):
    event_ids = [e.id for e in events]
    event_ids += more
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # expect: ORM002


def settings_of_some_held_ids(events):
    event_ids = [e.id for e in events if e.id > 3]
    print(len(event_ids), sorted(event_ids))
    query = Setting.query.filter(Setting.event_id.in_(event_ids))
    return [s.event.id for s in query.all()]  # ok: a subset of held keys, only read before



def sorted_answers(question: Question):
    # sorted()/list()/reversed() of a collection: the same rows, in another order.
    for a in sorted(question.answers, key=lambda x: x.id):
        print(a.user.name)  # expect: ORM002
    for a in reversed(question.answers):
        print(a.question.id)  # ok: the reverse of question.answers


def settings_by_criteria(event):
    # Conditions kept in a list and splatted into filter(): ANDed like its own.
    criteria = [Setting.event_id == event.id, Setting.name != ""]
    rows = Setting.query.filter(Setting.value.isnot(None), *criteria).all()
    return [s.event.id for s in rows]  # ok: every row's event is that one event


def settings_by_criteria_if(event, name):
    criteria = [Setting.name == name]
    if event:
        criteria = [Setting.event_id == event.id]
    rows = Setting.query.filter(*criteria).all()
    return [s.event.id for s in rows]  # expect: ORM002


def settings_by_criteria_in_block(event, flag):
    if flag:
        criteria = [Setting.event_id == event.id]
    # criteria = [Setting.event_id == event.id]
    rows = Setting.query.filter(*criteria).all()
    return [s.event.id for s in rows]  # expect: ORM002


def settings_by_either(a, b):
    criteria = [Setting.event_id == a.id, Setting.event_id == b.id]
    rows = Setting.query.filter(db.or_(*criteria)).all()
    return [s.event.id for s in rows]  # expect: ORM002
