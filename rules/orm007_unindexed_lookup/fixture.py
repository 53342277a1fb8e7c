"""ORM007 unindexed-lookup: columns queries look rows up by, with no index."""
import enum
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Index, UniqueConstraint, and_, desc, select
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy_utils import ChoiceType

db = SQLAlchemy()

STATE_DONE = "done"
KINDS = [("grant", "Grant"), ("loan", "Loan")]


class Stage(enum.Enum):
    draft = "draft"
    final = "final"


class TimestampMixin:
    created_at = db.Column(db.DateTime, default=datetime.utcnow)  # expect: ORM007
    updated_at = db.Column(db.DateTime, default=datetime.utcnow)  # only written


class Campaign(TimestampMixin, db.Model):
    __tablename__ = "campaigns"
    id = db.Column(db.Integer, primary_key=True)  # ok: the primary key
    slug = db.Column(db.String(80), unique=True)  # ok: unique
    status = db.Column(db.String(20))  # ok: compared only to "active", a value the code names
    category = db.Column(db.String(40), index=True)  # ok: index=True
    state = db.Column(db.String(20))  # ok: only ever one of the values the code names
    stage = db.Column(db.String(20))  # ok: compared to Enum members
    kind = db.Column(ChoiceType(KINDS))  # ok: a column of declared choices, a handful of values
    region = db.Column(db.String(20))  # expect: ORM007
    code = db.Column(db.String(20))  # expect: ORM007
    budget = db.Column(db.Integer)  # expect: ORM007
    archived = db.Column(db.Boolean, default=False)  # ok: two values, a poor index alone
    notes = db.Column(db.Text)  # ok: only written
    applications = db.relationship("Application", back_populates="campaign")


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_user_status", "user_id", "status"),
        UniqueConstraint("reviewer_id", "campaign_id"),
    )
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(  # expect: ORM007
        db.Integer, db.ForeignKey("campaigns.id"), nullable=False
    )
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # ok: leads the composite Index
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # ok: leads the UniqueConstraint
    status = db.Column(db.String(20))  # expect: ORM007
    score = db.Column(db.Integer, index=False)  # expect: ORM007
    campaign = db.relationship("Campaign", back_populates="applications")


class Comment(db.Model):
    __tablename__ = "comments"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.Integer, db.ForeignKey("applications.id"))  # expect: ORM007
    posted_at = db.Column(db.DateTime)
    application = db.relationship("Application", backref="comments")


Index("ix_comments_posted_at", Comment.posted_at.desc())  # covers posted_at


class Membership(db.Model):
    __tablename__ = "memberships"
    group_id = db.Column(db.Integer, primary_key=True)  # ok: leads the composite primary key
    member_id = db.Column(db.Integer, primary_key=True)  # expect: ORM007


def application_counts():
    """The seed's campaign list: a count per campaign, filtered by its foreign key."""
    counts = {}
    for campaign in Campaign.query.filter_by(status="active").order_by(Campaign.created_at.desc()):
        counts[campaign.id] = Application.query.filter_by(campaign_id=campaign.id).count()  # expect: ORM003
    return counts


def pending(user_id):
    # keyed by user_id (the leading column of an index): status only narrows those rows
    return Application.query.filter(Application.user_id == user_id, Application.status == "x").all()


def by_status(session, status):
    stmt = select(Application).where(and_(Application.status == status, Application.score > 10))
    return session.execute(stmt).scalars().all()


def recent_comments():
    return Comment.query.order_by(desc(Comment.posted_at)).all()


def with_comments():
    return Application.query.options(selectinload(Application.comments)).all()


def members_of(group_id):
    return Membership.query.filter_by(group_id=group_id).order_by(Membership.member_id).all()


def group_of(member_id):
    return Membership.query.filter(Membership.member_id == member_id).all()


def by_slug(slug):
    return Campaign.query.filter_by(slug=slug, category="x").first()


def visible(archived):
    return Campaign.query.filter_by(archived=archived).all()


def reviewed_by(reviewer_id):
    reviewed = aliased(Application)
    return db.session.query(reviewed).filter(reviewed.reviewer_id == reviewer_id).all()


def named_values(kind):
    # the values these queries pick are written in the code: a status, a state, a stage
    a = Campaign.query.filter_by(state=STATE_DONE).all()
    b = Campaign.query.filter(Campaign.state.in_(("open", "closed"))).all()
    c = Campaign.query.filter(Campaign.stage == Stage.final).all()
    d = Campaign.query.filter(Campaign.stage.is_(None)).all()
    e = Campaign.query.filter(Campaign.kind == kind).all()
    return a, b, c, d, e


def built_values(region, prefix):
    # a value from the caller, an f-string, a threshold: lookups by whatever the data holds
    a = Campaign.query.filter_by(region="eu").all()  # named, but region is also looked up below
    b = Campaign.query.filter(Campaign.region == region).all()
    c = Campaign.query.filter(Campaign.code == f"{prefix}-1").all()
    d = Campaign.query.filter(Campaign.budget >= 1000).all()
    return a, b, c, d


def touch(campaign):
    campaign.notes = "seen"
    campaign.updated_at = datetime.utcnow()
    db.session.commit()
