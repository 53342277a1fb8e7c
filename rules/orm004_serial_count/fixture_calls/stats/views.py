from flask import render_template

from stats import services
from stats.models import Follow, User
from stats.services import (
    active_users,
    commit_all,
    count_users,
    main_stats,
    page_of_users,
    total_users,
    users_or_none,
)


def dashboard():
    users = services.count_users()
    follows = Follow.count()  # expect: ORM004
    active = active_users().count()  # expect: ORM004
    return render_template("dash.html", users=users, follows=follows, active=active)


def through_two_calls():
    return {"users": total_users(), "active": User.count(active=True)}  # expect: ORM004


def profile(user_id):
    user = User.query.get(user_id)
    followers = user.followers_count()
    return render_template(
        "profile.html",
        followers=followers,
        users=count_users(),  # todo-expect: ORM004 (a method of one loaded row is not resolved)
        name=user.display_name(),  # ok: no count
    )


def after_commit():
    before = count_users()
    commit_all()
    after = count_users()  # ok: a commit in between, the second count sees other rows
    return before, after


def one_each(kind):
    if kind:
        return count_users()
    return active_users().count()  # ok: the first count returned before


def telemetry():
    # main_stats returns the counts it ran: a call of it runs them here
    stats = main_stats()
    active = User.query.filter_by(active=True).count()  # expect: ORM004
    return stats, active


def listing(page):
    total = User.query.count()
    users, pagination = page_of_users(page)  # expect: ORM004
    return total, users, pagination


def checked():
    total = User.query.count()
    users = users_or_none(True)  # ok: its count only decides what it returns
    return total, users
