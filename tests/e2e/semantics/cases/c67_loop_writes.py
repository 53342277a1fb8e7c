from models import db, Chef, Booking


def move(booking, chef_id):
    booking.chef_id = chef_id
    db.session.commit()


def run():
    out = []
    bob = db.session.get(Chef, 2)
    for b in Booking.query.filter(Booking.chef_id == 1).order_by(Booking.id).all():
        bob.bookings.append(Booking(status="copy-%d" % b.id))
        out.append(sorted(x.status for x in Booking.query.filter_by(chef_id=2).all()))
    for b in Booking.query.filter(Booking.chef_id == 3).order_by(Booking.id).all():
        move(b, 2)
        out.append(sorted(x.id for x in Booking.query.filter_by(chef_id=2).all()))
    return out
