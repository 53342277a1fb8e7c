# Methods and properties that read lazy relationships of self: called on
# each row of a loop, each is one SELECT per row unless the query that
# loaded the rows loads the relationship with them.
from blog import db

tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id")),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id")),
)


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(40))


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))  # expect: ORM007
    published = db.Column(db.Boolean)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
    author = db.relationship("Author", backref="posts")
    tags = db.relationship("Tag", secondary=tags)

    def to_dict(self):
        return {"title": self.title, "author": self.author.name, "tags": self.tag_labels()}

    def tag_labels(self):
        return [t.label for t in self.tags]

    @property
    def byline(self):
        return f"{self.title} by {self.author.name}"

    def plain(self):
        return {"id": self.id, "title": self.title}
