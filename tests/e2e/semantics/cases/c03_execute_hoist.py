from sqlalchemy import select
from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.order_by(Booking.id).all():
        names = db.session.execute(select(Chef.name).order_by(Chef.id)).scalars().all()
        out.append((b.id, names))
    return out
