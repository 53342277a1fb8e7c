from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.filter(Booking.id == 15).all():
        b = Booking.query.get(b.parent_id)
        chef = Chef.query.filter_by(id=b.chef_id).first()
        out.append(chef.name)
    return out
