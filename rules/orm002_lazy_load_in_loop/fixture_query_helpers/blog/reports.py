# Report queries built in steps: a generic query of a model, then filter
# helpers that each hand back the query they are given.
from sqlalchemy.orm import selectinload

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


def _titled_query(title):
    return Post.query.filter(Post.title == title)


def posts_titled(title):
    # The rows of another helper's query, filtered further and loaded here.
    if title is None:
        return []
    return _titled_query(title).filter(Post.id > 0).all()


def sorted_posts_titled(title):
    return sorted(_titled_query(title).all(), key=lambda p: p.id)


def posts_titled_loaded(title):
    return _titled_query(title).options(selectinload(Post.comments)).all()


def post_ids_titled(title):
    return _titled_query(title).with_entities(Post.id).all()
