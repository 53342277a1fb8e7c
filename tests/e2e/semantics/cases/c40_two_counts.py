from models import db, Chef, Booking


def run():
    out = []
    chefs = Chef.query.order_by(Chef.id).all()
    for chef in chefs:
        paid = Booking.query.filter_by(chef_id=chef.id, status="paid").count()
        total = Booking.query.filter(Booking.chef_id == chef.id).count()
        out.append((chef.id, paid, total))
    return out
