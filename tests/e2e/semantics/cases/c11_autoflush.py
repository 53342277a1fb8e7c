from models import db, Chef, Booking, Setting


def run():
    out = []
    for b in Booking.query.filter_by(status="new").order_by(Booking.id).all():
        b.status = "paid"
        paid = Booking.query.filter_by(status="paid").all()
        out.append(len(paid))
    return out
