from models import db, Chef, Booking


def run():
    out = []
    chefs = Chef.query.order_by(Chef.id).all()
    for chef in chefs:
        n = Booking.query.filter_by(chef_id=chef.id).count()
        out.append((chef.name, n))
    return out, [c.name for c in chefs], len(chefs)
