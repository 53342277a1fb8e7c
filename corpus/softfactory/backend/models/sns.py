"""SNS Auto: connected social accounts and their scheduled or published posts."""
from ..extensions import db
from .base import TimestampMixin, iso


class SNSAccount(TimestampMixin, db.Model):
    __tablename__ = "sns_accounts"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # expect: ORM007
    platform = db.Column(db.String(20), nullable=False)
    handle = db.Column(db.String(80), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="connected", index=True)
    followers = db.Column(db.Integer, nullable=False, default=0)

    user = db.relationship("User", backref="sns_accounts")
    # A query per access: account.posts.filter(...), account.posts.count().
    posts = db.relationship("SNSPost", backref="account", lazy="dynamic")

    def to_dict(self):
        return {
            "id": self.id,
            "platform": self.platform,
            "handle": self.handle,
            "status": self.status,
            "followers": self.followers,
        }


class SNSPost(TimestampMixin, db.Model):
    __tablename__ = "sns_posts"

    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("sns_accounts.id"), nullable=False)  # expect: ORM007
    content = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)
    scheduled_at = db.Column(db.DateTime)

    def to_dict(self):
        return {
            "id": self.id,
            "content": self.content,
            "status": self.status,
            "scheduled_at": iso(self.scheduled_at),
            "created_at": iso(self.created_at),
        }
