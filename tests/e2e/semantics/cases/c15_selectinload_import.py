from sqlalchemy.orm import selectinload
from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.options(selectinload(Booking.chef)).order_by(Booking.id).all():
        chef = db.session.get(Chef, b.chef_id) if b.chef_id else None
        out.append(chef.name if chef else None)
    return out
