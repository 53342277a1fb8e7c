"""Experience: hosted local experiences and the crawler that imports them."""
from ..extensions import db
from .base import TimestampMixin, iso


class ExperienceListing(TimestampMixin, db.Model):
    __tablename__ = "experience_listings"

    id = db.Column(db.Integer, primary_key=True)
    host_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    city = db.Column(db.String(60), nullable=False, index=True)
    price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="published", index=True)

    host = db.relationship("User", backref="experience_listings")
    crawler_logs = db.relationship("CrawlerLog", backref="listing", order_by="CrawlerLog.id")

    def to_dict(self):
        return {
            "id": self.id,
            "title": self.title,
            "city": self.city,
            "price_cents": self.price_cents,
            "status": self.status,
        }


class CrawlerLog(db.Model):
    __tablename__ = "crawler_logs"

    id = db.Column(db.Integer, primary_key=True)
    listing_id = db.Column(db.Integer, db.ForeignKey("experience_listings.id"))
    source = db.Column(db.String(40), nullable=False)
    status = db.Column(db.String(20), nullable=False, index=True)
    items_found = db.Column(db.Integer, nullable=False, default=0)
    started_at = db.Column(db.DateTime, nullable=False, index=True)

    def to_dict(self):
        return {
            "id": self.id,
            "source": self.source,
            "status": self.status,
            "items_found": self.items_found,
            "started_at": iso(self.started_at),
        }
