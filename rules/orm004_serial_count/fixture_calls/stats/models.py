from stats import db


class CrudMixin:
    @classmethod
    def count(cls, **filters):
        return cls.query.filter_by(**filters).count()


class User(CrudMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    active = db.Column(db.Boolean, index=True)
    follows = db.relationship("Follow", lazy="dynamic")

    def followers_count(self):
        return Follow.query.filter_by(followed_id=self.id).count()

    def display_name(self):
        return f"user {self.id}"


class Follow(CrudMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    followed_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
