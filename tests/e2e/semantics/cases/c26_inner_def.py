from models import db, Chef, Booking, Setting, Job


def run():
    out = []
    for b in Booking.query.order_by(Booking.id).all():
        def chef_name():
            return Chef.query.get(b.chef_id).name if b.chef_id else None
        out.append(chef_name())
    return out
