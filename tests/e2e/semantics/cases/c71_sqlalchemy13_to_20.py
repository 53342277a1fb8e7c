# requirements: SQLAlchemy>=1.3.0,<2.1.0
from models import db, Chef, Booking, Staff


def run():
    staff = Staff.query.count()
    paid = Booking.query.filter_by(status="paid").count()
    out = []
    for c in Chef.query.order_by(Chef.id).all():
        out.append((c.name, Booking.query.filter_by(chef_id=c.id).count()))
    return staff, paid, out
