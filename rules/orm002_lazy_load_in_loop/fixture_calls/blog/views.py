from sqlalchemy.orm import joinedload

from blog.helpers import author_name, describe, recent_posts
from blog.models import Post


def feed():
    posts = Post.query.filter_by(published=True).all()
    return [p.to_dict() for p in posts]  # expect: ORM002, ORM002


def bylines():
    return [p.byline for p in Post.query.all()]  # expect: ORM002


def described():
    out = []
    for p in Post.query.order_by(Post.title):
        out.append(describe(p))  # expect: ORM002
    return out


def keyword():
    for p in Post.query.all():
        print(author_name(post=p))  # expect: ORM002


def already_loaded():
    for p in Post.query.options(joinedload(Post.author)).all():
        print(describe(p))
        print(p.byline)


def plain_rows():
    return [p.plain() for p in Post.query.all()]


def from_other_file():
    for p in recent_posts():
        print(p.author.name)  # expect: ORM002


def local_posts():
    return Post.query.filter_by(published=False).all()


def from_this_file():
    for p in local_posts():
        print(author_name(p))  # expect: ORM002


def not_called_in_loop(posts):
    first = posts[0]
    return author_name(first)
