"""AI Automation: virtual employees and the scenarios they run."""
from ..extensions import db
from .base import TimestampMixin, iso


class AIEmployee(TimestampMixin, db.Model):
    __tablename__ = "ai_employees"

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # expect: ORM007
    name = db.Column(db.String(80), nullable=False)
    role = db.Column(db.String(60), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="active", index=True)

    owner = db.relationship("User", backref="ai_employees")
    # Always needed with the employee: loaded with one extra SELECT ... IN.
    scenarios = db.relationship(
        "Scenario", back_populates="employee", lazy="selectin", order_by="Scenario.id"
    )

    def to_dict(self):
        return {"id": self.id, "name": self.name, "role": self.role, "status": self.status}


class Scenario(TimestampMixin, db.Model):
    __tablename__ = "scenarios"

    id = db.Column(db.Integer, primary_key=True)
    employee_id = db.Column(db.Integer, db.ForeignKey("ai_employees.id"), nullable=False)  # expect: ORM007
    name = db.Column(db.String(120), nullable=False)
    trigger = db.Column(db.String(40), nullable=False, default="manual")
    status = db.Column(db.String(20), nullable=False, default="active", index=True)
    run_count = db.Column(db.Integer, nullable=False, default=0)
    last_run_at = db.Column(db.DateTime)

    employee = db.relationship("AIEmployee", back_populates="scenarios")

    def to_dict(self):
        return {
            "id": self.id,
            "name": self.name,
            "trigger": self.trigger,
            "status": self.status,
            "run_count": self.run_count,
            "last_run_at": iso(self.last_run_at),
        }
