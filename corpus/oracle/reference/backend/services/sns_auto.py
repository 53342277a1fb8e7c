"""SNS Auto: the user's connected accounts and their posts."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import SNSAccount, SNSPost


def get_my_accounts(user_id):
    """The user's accounts, each with its number of posts."""
    post_count = (
        select(func.count(SNSPost.id))
        .where(SNSPost.account_id == SNSAccount.id)
        .correlate(SNSAccount)
        .scalar_subquery()
    )
    rows = (
        db.session.query(SNSAccount, post_count.label("post_count"))
        .filter(SNSAccount.user_id == user_id)
        .order_by(SNSAccount.id)
        .all()
    )
    result = []
    for account, count in rows:
        item = account.to_dict()
        item["post_count"] = count
        result.append(item)
    return result


def get_account_posts(user_id, account_id, limit=20):
    """Latest posts of one account, with the number of posts in total."""
    account = db.first_or_404(
        db.select(SNSAccount).filter_by(id=account_id, user_id=user_id)
    )
    posts = account.posts.order_by(SNSPost.created_at.desc(), SNSPost.id.desc()).limit(limit).all()
    total = account.posts.count()
    items = []
    for post in posts:
        item = post.to_dict()
        # str.count on a column value: no query.
        item["hashtags"] = post.content.count("#")
        items.append(item)
    return {"account": account.to_dict(), "total": total, "posts": items}
