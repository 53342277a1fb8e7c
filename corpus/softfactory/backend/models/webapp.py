"""WebApp Builder: bootcamp enrollments and the apps students ship."""
from ..extensions import db
from .base import TimestampMixin, iso


class BootcampEnrollment(TimestampMixin, db.Model):
    __tablename__ = "bootcamp_enrollments"

    id = db.Column(db.Integer, primary_key=True)
    # No relationship to User on purpose: older code looks students up by id.
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    cohort = db.Column(db.String(20), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="enrolled")
    progress_percent = db.Column(db.Integer, nullable=False, default=0)

    webapps = db.relationship("WebApp", back_populates="enrollment", order_by="WebApp.id")

    def to_dict(self):
        return {
            "id": self.id,
            "user_id": self.user_id,
            "cohort": self.cohort,
            "status": self.status,
            "progress_percent": self.progress_percent,
            "enrolled_at": iso(self.created_at),
        }


class WebApp(TimestampMixin, db.Model):
    __tablename__ = "webapps"

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    enrollment_id = db.Column(db.Integer, db.ForeignKey("bootcamp_enrollments.id"))
    name = db.Column(db.String(120), nullable=False)
    subdomain = db.Column(db.String(63), nullable=False, unique=True)
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)

    owner = db.relationship("User", backref="webapps")
    enrollment = db.relationship("BootcampEnrollment", back_populates="webapps")

    def to_dict(self):
        return {
            "id": self.id,
            "name": self.name,
            "subdomain": self.subdomain,
            "status": self.status,
        }
