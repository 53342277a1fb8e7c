# Methods and properties that read lazy relationships of self: called on
# each row of a loop, each is one SELECT per row unless the query that
# loaded the rows loads the relationship with them.
from blog import db, with_defaults

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

    # Reads that run only when a parameter is truthy: a call that leaves it
    # at its falsy default (or passes a falsy literal) does not run them.
    def summary(self, with_tags=False):
        labels = [t.label for t in self.tags] if with_tags else []
        return {"title": self.title, "tags": labels}

    def card(self, full=False):
        if full:
            return self.to_dict()
        return self.plain()

    def label(self, full=None):
        if full and self.title:
            return self.byline
        return self.title

    def visible_to(self, user, check_author=False):
        if check_author and self.author.name != user:
            return False
        return True

    def headline(self, flag=False):
        flag = flag or self.published
        if flag:
            return self.author.name
        return self.title

    def teaser(self, short=True):
        if not short:
            return self.author.name
        return self.title

    def preview(self):
        return self.card()

    def preview_full(self):
        return self.card(True)

    @with_defaults
    def wrapped(self, full=False):
        if full:
            return self.author.name
        return self.title

    def annotated(self, full=False):
        full: bool = self.published
        if full:
            return self.author.name
        return self.title

    def render(self, mode="plain"):
        if mode == "full":
            return self.author.name
        return self.title

    def brief(self, deep=False):
        if not deep:
            return self.title
        return self.author.name

    def guarded_twice(self, full=False):
        if full:
            return self.author.name
        return self.author.id  # the same relationship read on every call

    def owner_of(self, user):
        if user is None:
            return None
        return self.author.name == user
