from models import db, Chef, Booking, Setting


def run():
    out = []
    for chef in Chef.query.order_by(Chef.id).all():
        bookings = Booking.query.filter_by(chef=chef).order_by(Booking.id).all()
        out.append((chef.name, [b.id for b in bookings]))
    return out
