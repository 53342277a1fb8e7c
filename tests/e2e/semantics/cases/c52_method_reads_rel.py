from models import Booking


def run():
    return [b.describe() for b in Booking.query.order_by(Booking.id)]
