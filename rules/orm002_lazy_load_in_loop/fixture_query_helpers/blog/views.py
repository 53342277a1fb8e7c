# Classmethods that return `cls.query...`: their results are queries of the
# class they are called on, loops over them are loops over its rows.
from sqlalchemy.orm import selectinload

from blog.models import Author, Post
from blog.services import loaded_posts, published_posts


def by_author(author_ids):
    found = []
    for author_id in author_ids:
        found.extend(Post.find(author_id=author_id).all())  # expect: ORM001
    return found


def feed():
    out = []
    for p in Post.find(title="news").all():
        out.append(p.author.name)  # expect: ORM002
    for p in Post.newest().filter(Post.title != ""):
        out.append(len(p.comments))  # expect: ORM002
    for p in Post.published():
        out.append(p.author.name)  # expect: ORM002
    return out


def guards():
    out = []
    for p in Post.with_authors().all():
        out.append(p.author.name)  # ok: the classmethod loads it
    for p in Post.newest().options(selectinload(Post.comments)):
        out.append(len(p.comments))  # ok: loaded at the loop
    for p in Post.every():
        out.append(p.author.name)  # expect: ORM002  # no fix: loaded in a mixin every model shares
    for p in Post.recent():
        out.append(p.author.name)  # expect: ORM002  # fixed in Post.recent, on cls.query
    for p in Post.recent():
        out.append(p.title)  # ok: a column
    for a in Author.find(name="x").all():
        out.append(a.name)  # ok: a column
    return out


def through_names(title):
    posts = Post.find(title=title)
    for p in posts:
        print(p.author.name)  # expect: ORM002
    q = Post.newest()
    for p in q.filter(Post.title != title).all():
        print(len(p.comments))  # expect: ORM002


def through_names_loaded(title):
    posts = Post.find(title=title).options(selectinload(Post.comments))
    for p in posts:
        print(len(p.comments))  # ok: loaded where the name is bound
    q = Post.newest()
    q = q.options(selectinload(Post.comments))
    for p in q.all():
        print(len(p.comments))  # ok: loaded before the loop


def session_helpers():
    posts = published_posts()
    for p in posts:
        print(p.author.name)  # expect: ORM002
    for p in published_posts().order_by(Post.id):
        print(p.title)  # ok: a column
    for p in loaded_posts():
        print(p.author.name)  # ok: the helper's session query loads it


def through_names_built(title):
    posts = Post.find(title=title).options(selectinload(Post.comments)).order_by(Post.id)
    for p in posts:
        print(p.author.name)  # expect: ORM002
    for p in posts:
        print(len(p.comments))  # ok: the chain bound to the name loads them
    ids = published_posts().with_entities(Post.id)
    for p in ids:
        print(p.author)  # ok: rows of one column, not posts
    loaded = loaded_posts().order_by(Post.id)
    for p in loaded:
        print(p.author.name)  # ok: the helper's query loads it
