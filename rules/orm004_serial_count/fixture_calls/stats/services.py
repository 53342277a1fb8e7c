from stats import db
from stats.models import Follow, User


def count_users():
    return User.query.count()


def total_users():
    return count_users()


def active_users():
    return User.query.filter_by(active=True)


def commit_all():
    db.session.commit()
