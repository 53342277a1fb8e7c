from sqlalchemy.orm import selectinload

from models import db, Chef, Booking

OPTS = [selectinload(Chef.bookings)]


def run():
    out = []
    for c in Chef.query.options(*OPTS).order_by(Chef.id).all():
        out.append(len(c.bookings))
    db.session.expunge_all()
    first = Chef.query.filter_by(id=1).first()
    out.append(sorted(b.id for b in first.bookings))
    for c in Chef.query.order_by(Chef.id).all():
        c = first
        out.append(len(c.bookings))
    return out
