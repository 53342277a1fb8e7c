from models import db, Chef, Booking, Setting


def run():
    bookings = Booking.query.order_by(Booking.id).all()
    out = []
    for b in bookings:
        chef = Chef.query.filter_by(id=b.chef_id).first()
        out.append((b.id, chef.name if chef else None))
    return out
