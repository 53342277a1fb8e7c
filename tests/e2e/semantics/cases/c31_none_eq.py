from models import db, Chef, Booking, Setting


def run():
    out = []
    for cid in [1, None]:
        rows = Booking.query.filter_by(chef_id=cid).order_by(Booking.id).all()
        first = Booking.query.filter(Booking.chef_id == cid).first()
        out.append(([r.id for r in rows], first.id if first else None))
    return out
