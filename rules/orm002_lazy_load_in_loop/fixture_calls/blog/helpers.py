# Functions that read relationships of their parameter, directly and one
# call deeper; and a function that returns rows.
from blog.models import Post


def author_name(post):
    return post.author.name


def describe(p):
    return p.title + ": " + author_name(p)


def recent_posts():
    return Post.query.order_by(Post.id.desc()).limit(20).all()


def author_name_of(post_id):
    return post_id  # a same-named parameter elsewhere means nothing here


def describe_maybe(p, with_author=False):
    if with_author:
        return describe(p)
    return p.title


def describe_short(p):
    return describe_maybe(p)  # with_author left at False: describe does not run


def describe_on(p, flag):
    return describe_maybe(p, flag)  # with_author is whatever flag is


def describe_when(p, full=False):
    if not full:
        return p.title
    return describe_on(p, full)
