from models import Booking


def pending():
    return Booking.query.filter(Booking.id > 1).order_by(Booking.id).all()


def run():
    out = []
    for b in pending():
        out.append(b.chef.name if b.chef else None)
    return out
