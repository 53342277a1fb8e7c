from stats import db
from stats.models import Follow, User


def count_users():
    return User.query.count()


def total_users():
    return count_users()


def active_users():
    return User.query.filter_by(active=True)


def main_stats():
    return {"users": User.query.count(), "follows": Follow.query.count()}  # expect: ORM004


def page_of_users(page):
    query = User.query.filter_by(active=True)
    pagination = (page, query.count())
    return query.limit(20).all(), pagination


def users_or_none(strict):
    if strict and User.query.count() > 10:
        return None
    return User.query.limit(5).all()


def follow_stats(user):
    # `follows` is a dynamic relationship (the only one so named): each count is a query
    total = user.follows.count()
    recent = user.follows.filter(Follow.id > 10).count()  # expect: ORM004
    return total, recent


def follow_stats_in_variable(user):
    query = user.follows.filter(Follow.id > 0)
    first = query.filter(Follow.id < 5).count()
    later = query.filter(Follow.id >= 5).count()  # expect: ORM004
    return first, later


def not_relationships(report):
    a = report.lines.filter(kind=1).count()
    b = report.lines.filter(kind=2).count()  # ok: `lines` is no relationship of this project
    return a, b


def commit_all():
    db.session.commit()
