# ORM003 count-in-loop. An expect marker sits on the line where the count starts.
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()


class Campaign(db.Model):
    __tablename__ = "campaigns"
    id = db.Column(db.Integer, primary_key=True)
    applications = db.relationship("Application", lazy="dynamic")


class Application(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"))  # expect: ORM007
    status = db.Column(db.String(20))  # ok: compared only to a value the code names ("ok")


def per_row_counts():
    campaigns = Campaign.query.order_by(Campaign.id).all()
    out = []
    for campaign in campaigns:
        n = Application.query.filter_by(campaign_id=campaign.id, status="ok").count()  # expect: ORM003
        out.append((campaign.id, n))
    return out


def dynamic_count():
    for campaign in Campaign.query.all():
        print(campaign.applications.count())  # expect: ORM003


def filter_form():
    for campaign in Campaign.query.all():
        print(Application.query.filter(Application.campaign_id == campaign.id).count())  # expect: ORM003


def dynamic_filtered():
    for campaign in Campaign.query.all():
        print(campaign.applications.filter(Application.status == "ok").count())  # expect: ORM003
        print(campaign.applications.filter_by(status="ok").count())  # expect: ORM003


def dynamic_filtered_once(campaign, rows):
    for r in rows:
        print(r.applications.filter_by(status="ok").count())  # ok: rows of no known model
    return campaign.applications.filter_by(status="ok").count()  # ok: outside a loop


def no_fix_forms(ids):
    rows = Campaign.query.all()
    for campaign in rows:
        print(db.session.query(func.count(Application.id)).filter(Application.campaign_id == campaign.id).scalar())  # expect: ORM003
        print(len(Application.query.filter_by(campaign_id=campaign.id).all()))  # expect: ORM003
    print(len(rows))
    for i in ids:
        print(db.session.scalar(select(func.count()).select_from(Application).where(Application.campaign_id == i)))  # expect: ORM003


def not_reported(words, rows):
    for w in words:
        print(w.count("a"))
    for r in rows:
        print([1, 2].count(r))
    total = Application.query.count()
    return total


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"))  # expect: ORM007


def two_counts_per_row():
    for campaign in Campaign.query.all():
        apps = Application.query.filter_by(campaign_id=campaign.id).count()  # expect: ORM003
        posts = Post.query.filter_by(campaign_id=campaign.id).count()  # expect: ORM003
        print(apps, posts)


def grouped_counts(ids):
    for i in ids:
        per_status = db.session.query(Application.status, func.count(Application.id)).filter(Application.campaign_id == i).group_by(Application.status).all()  # expect: ORM001  # ok: no ORM003, a row per group is rows, not one count
        stmt = select(Application.status, func.count()).where(Application.campaign_id == i).group_by(Application.status)  # ok: built, not run
        rows = db.session.execute(select(Application.status, func.count()).where(Application.campaign_id == i).group_by(Application.status)).all()  # expect: ORM001  # ok: no ORM003, grouped
        print(per_status, stmt, rows)
        print(db.session.query(func.count(Application.id)).filter(Application.campaign_id == i).scalar())  # expect: ORM003


def count_per_status(i):
    return db.session.query(Application.status, func.count(Application.id)).filter(Application.campaign_id == i).group_by(Application.status).all()


def grouped_through_a_call(ids):
    for i in ids:
        print(count_per_status(i))  # expect: ORM001  # ok: no ORM003, the helper's count is grouped
