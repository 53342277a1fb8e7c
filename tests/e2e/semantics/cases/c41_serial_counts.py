from models import db, Chef, Booking


def run():
    chefs = Chef.query.count()
    paid = Booking.query.filter_by(status="paid").count()
    stats = {"active": Chef.query.filter_by(active=True).count(), "new": Booking.query.filter_by(status="new").count()}
    return chefs, paid, stats
