"""Platform: the signed-in user's profile."""
from ..extensions import db
from ..models import Payment, User


def get_profile(user_id):
    """The user's profile and how many payments they made."""
    user = db.get_or_404(User, user_id)
    data = user.to_dict()
    data["payment_count"] = Payment.query.filter_by(user_id=user.id).count()
    return data
