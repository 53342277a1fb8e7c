from models import db, Chef, Booking


def names_of(bookings, wanted):
    out = []
    for b in bookings:
        chef = Chef.query.filter_by(name=wanted[0]).first()
        out.append((b.id, chef.id if chef else None))
    return out


def run():
    return names_of([], []), names_of(Booking.query.order_by(Booking.id).limit(2).all(), ["Bob"])
