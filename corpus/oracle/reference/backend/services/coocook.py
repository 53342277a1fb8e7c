"""CooCook: chefs and bookings."""
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Booking, Chef


def list_bookings(user_id):
    """The user's bookings, newest first, with chef, payment and review."""
    bookings = (
        Booking.query.options(
            joinedload(Booking.chef), joinedload(Booking.payment), joinedload(Booking.review)
        )
        .filter_by(user_id=user_id)
        .order_by(Booking.booking_date.desc(), Booking.id.desc())
        .all()
    )
    result = []
    for booking in bookings:
        item = booking.to_dict()
        chef = booking.chef
        item["chef_name"] = chef.display_name
        payment = booking.payment
        item["payment_status"] = payment.status if payment is not None else "unpaid"
        review = booking.review
        item["rating"] = review.rating if review is not None else None
        result.append(item)
    return result


def list_chefs(cuisine=None):
    """Chefs with their number of bookings: one query, GROUP BY over a count."""
    query = db.session.query(Chef, func.count(Booking.id).label("booking_count")).outerjoin(
        Booking, Booking.chef_id == Chef.id
    )
    if cuisine:
        query = query.filter(Chef.cuisine == cuisine)
    rows = query.group_by(Chef.id).order_by(Chef.id).all()
    result = []
    for chef, booking_count in rows:
        item = chef.to_dict()
        item["display_name"] = chef.display_name
        item["booking_count"] = booking_count
        result.append(item)
    return result


def get_chef_schedule(chef_id):
    """A chef and the dates booked (the collection is read once, outside a loop)."""
    chef = db.get_or_404(Chef, chef_id)
    dates = sorted({booking.booking_date.isoformat() for booking in chef.bookings})
    return {"chef": chef.to_dict(), "booked_dates": dates}
