from models import db, Chef, Booking


def run():
    new = len(Booking.query.filter_by(status="new").all())
    chef = Chef.query.get(1)
    return new, len(chef.bookings)
