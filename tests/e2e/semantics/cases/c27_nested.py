from models import db, Chef, Booking, Setting, Job


def run():
    out = []
    for c in Chef.query.order_by(Chef.id).all():
        for b in c.bookings:
            chef = Chef.query.get(b.chef_id)
            out.append((c.id, b.id, chef.name))
    return out
