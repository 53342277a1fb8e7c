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


def commit_all():
    db.session.commit()
