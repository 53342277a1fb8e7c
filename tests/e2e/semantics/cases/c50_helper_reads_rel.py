from models import Booking


def chef_name(booking):
    return booking.chef.name if booking.chef else None


def run():
    return [chef_name(b) for b in Booking.query.order_by(Booking.id).all()]
