# A service whose helper returns the query the other methods build on.
from sqlalchemy.orm import joinedload

from blog import db
from blog.models import Comment, Post


def published_posts():
    return db.session.query(Post).filter(Post.title.isnot(None))


def loaded_posts():
    return db.session.query(Post).options(joinedload(Post.author)).filter(Post.id > 0)


class PostService:
    def _base_query(self):
        return Post.query.filter(Post.title.isnot(None))

    def _comments_of(self, post):
        return Comment.query.with_parent(post)

    def _with(self, *opts):
        return Post.query.options(*opts)

    def _loaded_query(self):
        return Post.query.options(joinedload(Post.author))

    def author_names(self):
        return [p.author.name for p in self._base_query().order_by(Post.id).all()]  # expect: ORM002

    def titles_by_id(self, ids):
        out = []
        for i in ids:
            out.append(self._base_query().filter_by(id=i).first())  # expect: ORM001
        return out

    def loaded_names(self):
        return [p.author.name for p in self._loaded_query().all()]  # ok: the helper loads it

    def loaded_here(self):
        return [p.author.name for p in self._base_query().options(joinedload(Post.author))]  # ok

    def titles(self):
        return [p.title for p in self._base_query().all()]  # ok: a column

    def titles_by_name(self, names):
        q = self._base_query()
        return [q.filter_by(title=n).first() for n in names]  # expect: ORM001

    def one_title(self, name):
        q = self._base_query()
        return q.filter_by(title=name).first()  # ok: not in a loop

    def comment_posts(self, post):
        return [c.post.title for c in self._comments_of(post).all()]  # ok: all of one post

    def with_options(self, opts):
        return [p.author.name for p in self._with(*opts).all()]  # ok: options not known
