"""Review Campaigns: brands recruit reviewers, users apply."""
from ..extensions import db
from .base import TimestampMixin, iso


class Campaign(TimestampMixin, db.Model):
    __tablename__ = "campaigns"

    id = db.Column(db.Integer, primary_key=True)
    brand = db.Column(db.String(120), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    category = db.Column(db.String(40), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="active", index=True)
    max_reviewers = db.Column(db.Integer, nullable=False, default=10)
    deadline = db.Column(db.Date)

    applications = db.relationship(
        "CampaignApplication", back_populates="campaign", order_by="CampaignApplication.id"
    )

    def to_dict(self):
        return {
            "id": self.id,
            "brand": self.brand,
            "title": self.title,
            "category": self.category,
            "status": self.status,
            "max_reviewers": self.max_reviewers,
            "deadline": iso(self.deadline),
        }


class CampaignApplication(TimestampMixin, db.Model):
    __tablename__ = "campaign_applications"
    __table_args__ = (db.UniqueConstraint("user_id", "campaign_id"),)

    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"), nullable=False)  # expect: ORM007
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    message = db.Column(db.Text, nullable=False, default="")

    campaign = db.relationship("Campaign", back_populates="applications")
    user = db.relationship("User", backref="campaign_applications")

    def to_dict(self):
        return {
            "id": self.id,
            "user_id": self.user_id,
            "status": self.status,
            "message": self.message,
            "applied_at": iso(self.created_at),
        }
