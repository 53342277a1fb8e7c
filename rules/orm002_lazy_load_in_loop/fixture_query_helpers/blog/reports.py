# Report queries built in steps: a generic query of a model, then filter
# helpers that each hand back the query they are given.
from blog import database
from blog.models import Author, Post


def filter_by_title(query, title=None):
    if title:
        query = query.filter(Post.title == title)
    return query


def filter_by_author(query, author_id=None):
    if author_id:
        return query.filter(Post.author_id == author_id)
    return query


def newest_first(query):
    query = query.order_by(Post.id.desc())
    return query


def replaced(query):
    query = Author.query
    return query


class NotAModel:
    query = None


def titled_posts(title, **kwargs):
    query = database.session_query(Post)
    query = filter_by_title(query, title=title)
    query = filter_by_author(query, author_id=kwargs.get("author"))
    query = newest_first(query)
    return query


def all_posts():
    query = database.session_query(Post)
    return query


def authors_instead():
    query = database.session_query(Post)
    query = replaced(query)
    return query


def not_a_model():
    query = database.session_query(NotAModel)
    return filter_by_title(query)
