"""Platform metrics for the admin dashboard."""
from sqlalchemy import func, select

from .extensions import db
from .models import AIEmployee, Booking, Campaign, Chef, SNSAccount, SNSPost, Subscription, User


def get_dashboard_stats():
    """Headline numbers of the dashboard."""
    total_users = User.query.count()
    active_subscriptions = Subscription.query.filter_by(status="active").count()  # expect: ORM004
    total_bookings = Booking.query.count()  # expect: ORM004
    connected_accounts = SNSAccount.query.filter_by(status="connected").count()  # expect: ORM004
    active_campaigns = Campaign.query.filter_by(status="active").count()  # expect: ORM004
    active_ai_employees = AIEmployee.query.filter_by(status="active").count()  # expect: ORM004
    return {
        "total_users": total_users,
        "active_subscriptions": active_subscriptions,
        "total_bookings": total_bookings,
        "connected_accounts": connected_accounts,
        "active_campaigns": active_campaigns,
        "active_ai_employees": active_ai_employees,
    }


def get_coocook_overview():
    """Headline numbers of the cooking area, as one dict of counts."""
    return {
        "chefs": Chef.query.count(),
        "confirmed_bookings": Booking.query.filter_by(status="confirmed").count(),  # expect: ORM004
        "open_bookings": Booking.query.filter(Booking.status != "cancelled").count(),  # expect: ORM004
        "published_posts": SNSPost.query.filter(SNSPost.status == "published").count(),  # expect: ORM004
    }


def get_content_summary():
    """Catalogue sizes, written the right way: one query of scalar subqueries."""
    stmt = select(
        select(func.count(Chef.id)).scalar_subquery().label("chefs"),
        select(func.count(Campaign.id)).scalar_subquery().label("campaigns"),
        select(func.count(SNSPost.id))
        .where(SNSPost.status == "published")
        .scalar_subquery()
        .label("published_posts"),
    )
    row = db.session.execute(stmt).one()
    return {
        "chefs": row.chefs,
        "campaigns": row.campaigns,
        "published_posts": row.published_posts,
    }
