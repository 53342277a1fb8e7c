"""Platform: the signed-in user's profile, and the subscriptions console."""
from ..extensions import db
from ..models import Payment, Product, Subscription, User


def get_profile(user_id):
    """The user's profile and how many payments they made."""
    user = db.get_or_404(User, user_id)
    data = user.to_dict()
    data["payment_count"] = Payment.query.filter_by(user_id=user.id).count()
    return data


def list_subscriptions(status=None):
    """Subscriptions for the admin console, with the product each is for."""
    query = Subscription.query
    if status:
        query = query.filter_by(status=status)
    subscriptions = query.order_by(Subscription.id).all()
    product_ids = sorted({subscription.product_id for subscription in subscriptions})
    products = {product.id: product for product in Product.query.filter(Product.id.in_(product_ids))}
    result = []
    for subscription in subscriptions:
        product = products[subscription.product_id]
        item = subscription.to_dict()
        item["product"] = product.name
        item["monthly_price_cents"] = product.monthly_price_cents
        result.append(item)
    return result
