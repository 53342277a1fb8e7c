# Posts with a dynamic comments relationship, and members that query.
from blog import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    email = db.Column(db.String(120))


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), index=True)
    comments = db.relationship("Comment", lazy="dynamic", backref="post")

    @property
    def latest_comment(self):
        return Comment.query.filter_by(post_id=self.id).order_by(Comment.id.desc()).first()

    def similar(self):
        return Post.query.filter(Post.title == self.title, Post.id != self.id).all()

    @property
    def slug(self):
        return self.title.lower().replace(" ", "-")


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"), index=True)
    body = db.Column(db.String(500))
