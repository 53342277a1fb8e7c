# Loops over the queries the report helpers build: each post's author is
# loaded per row unless the query the helpers start from loads it.
from blog import database, reports
from blog.models import Post


def report(title):
    out = []
    for p in reports.titled_posts(title, author=None).all():
        out.append(p.author.name)  # expect: ORM002
    for p in reports.all_posts():
        out.append(len(p.comments))  # expect: ORM002
    for p in database.session_query(Post).all():
        out.append(p.author.name)  # expect: ORM002
    return out


def report_guards(title, model):
    out = []
    for p in reports.titled_posts(title).all():
        out.append(p.title)  # ok: a column
    for p in database.loaded_query(Post, Post.author).all():
        out.append(p.author.name)  # ok: the helper adds a loader of its own
    for p in database.query_or_nothing(Post, True):
        out.append(p.author.name)  # ok: the helper may return something else
    for p in database.session_query(model).all():
        out.append(p.author.name)  # ok: which model is not known here
    for p in reports.authors_instead().all():
        out.append(p.author)  # ok: the filter helper returns another query
    for p in reports.not_a_model().all():
        out.append(p.author)  # ok: not a model
    return out


def titled(title):
    out = []
    posts = reports.posts_titled(title)
    for p in posts:
        out.append(len(p.comments))  # expect: ORM002
    for p in reports.sorted_posts_titled(title):
        out.append(p.author.name)  # expect: ORM002
    for p in reports.posts_titled_loaded(title):
        out.append(len(p.comments))  # ok: loaded where the rows are read
    for p in reports.post_ids_titled(title):
        out.append(p.comments)  # ok: rows of one column, not posts
    for p in reports.posts_titled(title):
        out.append(p.title)  # ok: a column
    return out
