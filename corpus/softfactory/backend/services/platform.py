"""Platform: the signed-in user's profile, and the subscriptions console."""
from ..extensions import db
from ..models import Payment, Product, Subscription, User


def get_profile(user_id):
    """The user's profile and how many payments they made."""
    user = db.get_or_404(User, user_id)
    data = user.to_dict()
    data["payment_count"] = len(Payment.query.filter_by(user_id=user.id).all())  # expect: ORM005
    return data


def list_subscriptions(status=None):
    """Subscriptions for the admin console, with the product each is for."""
    query = Subscription.query
    if status:
        query = query.filter_by(status=status)
    subscriptions = query.order_by(Subscription.id).all()
    result = []
    for subscription in subscriptions:
        product = db.session.get(Product, subscription.product_id)  # expect: ORM001
        item = subscription.to_dict()
        item["product"] = product.name
        item["monthly_price_cents"] = product.monthly_price_cents
        result.append(item)
    return result
