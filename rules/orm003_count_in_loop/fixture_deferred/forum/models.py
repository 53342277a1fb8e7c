from sqlalchemy import func, select
from sqlalchemy.orm import column_property

from forum import db


class Forum(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))

    @property
    def is_empty(self):
        return not self.topic_count and not self.post_count  # expect: ORM004

    @property
    def label(self):
        return self.name.title()


class Topic(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    forum_id = db.Column(db.Integer, db.ForeignKey("forum.id"), index=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    forum_id = db.Column(db.Integer, db.ForeignKey("forum.id"), index=True)


def _configure_counts():
    # Counting columns, each loaded by its own COUNT when first read (deferred)
    query = select(func.count(Topic.id)).where(Topic.forum_id == Forum.id).scalar_subquery()
    Forum.topic_count = column_property(query, deferred=True)
    Forum.post_count = column_property(
        select(func.count(Post.id)).where(Post.forum_id == Forum.id).scalar_subquery(),
        deferred=True,
    )
    # loaded with the row, in its SELECT: no query of its own
    Forum.inline_count = column_property(
        select(func.count(Post.id)).where(Post.forum_id == Forum.id).scalar_subquery()
    )


_configure_counts()
