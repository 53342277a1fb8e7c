from models import db, Chef, Booking


def run():
    n = len(Chef.query.join(Booking, Booking.chef_id == Chef.id).all())
    m = len(Chef.query.outerjoin(Booking, Booking.chef_id == Chef.id).filter(Booking.status == "paid").all())
    return n, m
