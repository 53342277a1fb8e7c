from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.order_by(Booking.id).all():
        for rank, chef in enumerate(Chef.query.order_by(Chef.id)):
            out.append((b.id, rank, chef.name))
    return out
