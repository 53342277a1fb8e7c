from sqlalchemy.orm import joinedload

from blog import db
from blog.crud import CRUDMixin


class Author(CRUDMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Post(CRUDMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), index=True)
    author = db.relationship("Author", backref="posts")
    comments = db.relationship("Comment", backref="post")

    @classmethod
    def published(cls):
        return cls.query.filter(cls.title.isnot(None))

    @classmethod
    def recent(cls):
        return cls.query.order_by(cls.id.desc()).all()

    @classmethod
    def with_authors(cls):
        return cls.query.options(joinedload(cls.author))


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"), index=True)
    body = db.Column(db.Text)
