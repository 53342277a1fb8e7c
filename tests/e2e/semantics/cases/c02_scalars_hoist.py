from sqlalchemy import select
from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.order_by(Booking.id).all():
        currency = db.session.scalars(select(Setting).where(Setting.key == "currency")).first()
        out.append((b.id, currency.value))
    return out
