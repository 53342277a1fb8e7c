# Loader options held in local variables: what they load is read from the
# statements that build them, before the query uses them.
from sqlalchemy.orm import joinedload, selectinload

from .models import Answer, Event, Question


def strategy_variable():
    strategy = joinedload(Answer.question)
    strategy.joinedload(Question.answers)
    rows = Answer.query.options(strategy).all()
    return [a.question.id for a in rows]  # ok: strategy loads it


def strategy_extended():
    # SQLAlchemy 2.0 copies a loader: the statement leaves strategy as it
    # was (1.x extended it in place), so the nested load is not known.
    strategy = joinedload(Answer.question)
    strategy.joinedload(Question.answers)
    rows = Answer.query.options(strategy).all()
    return [len(a.question.answers) for a in rows]  # expect: ORM002


def strategy_derived_name():
    strategy = joinedload(Answer.question)
    nested = strategy.selectinload(Question.answers)
    rows = Answer.query.options(strategy, nested).all()
    # A loader derived from another is not followed: what nested loads is
    # unknown, so the nested read is reported, without a fix; strategy
    # still loads the question.
    return [len(a.question.answers) for a in rows]  # expect: ORM002


def strategy_derived_unused():
    # Deriving a loader from strategy (1.x extends strategy in place, 2.0
    # copies it) leaves strategy loading the question either way.
    strategy = joinedload(Answer.question)
    nested = strategy.selectinload(Question.answers)
    nested.joinedload(Answer.user)
    rows = Answer.query.options(strategy).all()
    for a in rows:
        print(a.question.id)  # ok: strategy loads it
        print(a.user.name)  # expect: ORM002


def strategy_derived_in_list():
    strategy = joinedload(Answer.question)
    opts = [strategy.selectinload(Question.answers)]
    # The list holds a loader derived from strategy, whose path starts at
    # the question, not at the rows: what it loads is not read.
    return [a.user.name for a in Answer.query.options(*opts)]  # expect: ORM002


def strategy_derived():
    owner = joinedload(Event.owner)
    owner.load_only("id")
    rows = Event.query.options(owner).all()
    for e in rows:
        print(e.owner.name)  # ok: owner loads it, load_only adds no load


def strategy_other():
    strategy = joinedload(Answer.question)
    rows = Answer.query.options(strategy).all()
    return [a.user.name for a in rows]  # expect: ORM002


def options_list():
    opts = [joinedload(Answer.question)]
    opts.append(joinedload(Answer.user))
    return [a.user.name for a in Answer.query.options(*opts)]  # ok: opts loads it


def options_list_other():
    opts = [joinedload(Answer.question)]
    return [a.user.name for a in Answer.query.options(*opts)]  # expect: ORM002


def options_from_call(make):
    opts = make()
    return [a.user.name for a in Answer.query.options(*opts)]  # expect: ORM002


def options_changed_in_branch(flag):
    opts = [selectinload(Answer.question)]
    if flag:
        opts.append(joinedload(Answer.user))
    return [a.user.name for a in Answer.query.options(*opts)]  # expect: ORM002
