from models import db, Chef, Booking, Setting


def run():
    rows = [Booking.query.get(10), None, Booking.query.get(12)]
    out = []
    for b in rows:
        if b is None:
            continue
        chef = Chef.query.filter_by(id=b.chef_id).first()
        out.append(chef.name)
    return out
