from sqlalchemy.orm import joinedload

from blog.helpers import author_name, describe, describe_maybe, describe_on, describe_short, describe_when, recent_posts
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


def guarded_by_parameters(user):
    posts = Post.query.all()
    a = [p.summary() for p in posts]  # ok: tags read only with with_tags
    b = [p.summary(True) for p in posts]  # expect: ORM002
    c = [p.summary(with_tags=True) for p in posts]  # expect: ORM002
    d = [p.summary(with_tags=False) for p in posts]  # ok: a falsy keyword argument
    e = [p.summary(*user) for p in posts]  # expect: ORM002
    f = [p.card() for p in posts]  # ok: to_dict runs only when full
    g = [p.card(0) for p in posts]  # ok: a falsy literal
    h = [p.card(full=user) for p in posts]  # expect: ORM002, ORM002
    i = [p.label() for p in posts]  # ok: the property runs only when full
    j = [p.label(user) for p in posts]  # expect: ORM002
    k = [p.visible_to(user) for p in posts]  # ok: check_author defaults to False
    m = [p.visible_to(user, True) for p in posts]  # expect: ORM002
    n = [p.headline() for p in posts]  # expect: ORM002
    o = [p.teaser() for p in posts]  # ok: `if not short` with short left at True
    o2 = [p.teaser(False) for p in posts]  # expect: ORM002
    o3 = [p.teaser(short=user) for p in posts]  # expect: ORM002
    q = [p.preview() for p in posts]  # ok: card runs without full
    r = [p.preview_full() for p in posts]  # expect: ORM002, ORM002
    s = [describe_maybe(p) for p in posts]  # ok: with_author defaults to False
    t = [describe_maybe(p, user) for p in posts]  # expect: ORM002
    u = [describe_short(p) for p in posts]  # ok: describe_maybe without with_author
    v = [p.wrapped() for p in posts]  # expect: ORM002
    w = [p.annotated() for p in posts]  # expect: ORM002
    x1 = [p.render() for p in posts]  # ok: mode left at "plain"
    x2 = [p.render("full") for p in posts]  # expect: ORM002
    x3 = [p.render(mode=user) for p in posts]  # expect: ORM002
    x4 = [p.brief() for p in posts]  # ok: returns before the read without deep
    x5 = [p.brief(True) for p in posts]  # expect: ORM002
    x6 = [p.guarded_twice() for p in posts]  # expect: ORM002
    x7 = [p.owner_of(None) for p in posts]  # ok: the read runs only for an owner
    x8 = [p.owner_of(user) for p in posts]  # expect: ORM002
    y1 = [describe_on(p, False) for p in posts]  # ok: passed on to with_author as False
    y2 = [describe_on(p, user) for p in posts]  # expect: ORM002
    y3 = [describe_when(p) for p in posts]  # ok: describe_on runs only with full
    y4 = [describe_when(p, True) for p in posts]  # expect: ORM002
    return (a, b, c, d, e, f, g, h, i, j, k, m, n, o, o2, o3, q, r, s, t, u, v, w, x1, x2, x3, x4,
            x5, x6, x7, x8, y1, y2, y3, y4)
