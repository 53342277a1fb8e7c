"""Platform metrics for the admin dashboard."""
from sqlalchemy import func, select

from .extensions import db
from .models import AIEmployee, Booking, Campaign, Chef, SNSAccount, SNSPost, Subscription, User


def get_dashboard_stats():
    """Headline numbers of the dashboard: one query of scalar subqueries."""
    stmt = select(
        select(func.count(User.id)).scalar_subquery().label("total_users"),
        select(func.count(Subscription.id))
        .where(Subscription.status == "active")
        .scalar_subquery()
        .label("active_subscriptions"),
        select(func.count(Booking.id)).scalar_subquery().label("total_bookings"),
        select(func.count(SNSAccount.id))
        .where(SNSAccount.status == "connected")
        .scalar_subquery()
        .label("connected_accounts"),
        select(func.count(Campaign.id))
        .where(Campaign.status == "active")
        .scalar_subquery()
        .label("active_campaigns"),
        select(func.count(AIEmployee.id))
        .where(AIEmployee.status == "active")
        .scalar_subquery()
        .label("active_ai_employees"),
    )
    row = db.session.execute(stmt).one()
    return {
        "total_users": row.total_users,
        "active_subscriptions": row.active_subscriptions,
        "total_bookings": row.total_bookings,
        "connected_accounts": row.connected_accounts,
        "active_campaigns": row.active_campaigns,
        "active_ai_employees": row.active_ai_employees,
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
