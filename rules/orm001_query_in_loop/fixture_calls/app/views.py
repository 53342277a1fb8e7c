import app.helpers
from app import helpers
from app.helpers import Lookup, chef_alias, chef_of, double, maybe_chef, ping, walk
from app.models import Booking
from app.other import rating_of
from app.services import report


def view(bookings):
    out = []
    for b in bookings:
        out.append(chef_of(b.chef_id))  # expect: ORM001
        out.append(helpers.rating_of(b.chef_id))  # expect: ORM001
        out.append(maybe_chef(b.chef_id, {}))  # expect: ORM001
        out.append(walk(b.chef_id, 3))  # expect: ORM001
        out.append(Lookup.chef(b.chef_id))  # expect: ORM001
        out.append(Lookup.chef_name(b.chef_id))  # expect: ORM001
        out.append(chef_alias(b.chef_id))  # expect: ORM001
        out.append(app.helpers.chef_of(b.chef_id))  # expect: ORM001
        out.append(report.ratings([b]))  # expect: ORM001
        out.append(rating_of(b.chef_id))  # app.other.rating_of: no query
        out.append(double(b.id))
        out.append(ping(3))
    return out


def row_methods():
    for b in Booking.query.all():
        print(b.latest_review())  # expect: ORM001
        print(b.chef_rating)  # expect: ORM001
        print(b.label)
        print(b.describe())  # expect: ORM001


def same_file(bookings):
    return [local_lookup(b.id) for b in bookings]  # expect: ORM001


def local_lookup(booking_id):
    return Booking.query.get(booking_id)


def nested(bookings):
    def find(booking_id):
        return Booking.query.get(booking_id)

    return [find(b.id) for b in bookings]  # expect: ORM001


def once(b):
    return chef_of(b.chef_id)  # not in a loop


def deferred(bookings):
    for b in bookings:

        def later():
            return chef_of(b.chef_id)  # defined in the loop, not called there

        b.callback = later


def dynamic(bookings, fn):
    for b in bookings:
        fn(b.chef_id)  # a callback: not resolved, not guessed at
        getattr(helpers, "chef_of")(b.chef_id)


def generic(bookings):
    for b in bookings:
        print(helpers.get(Booking, b.id))  # expect: ORM001
        print(helpers.session_query(Booking).filter_by(id=b.id).first())  # expect: ORM001
        print(helpers.by_name(b.name).count())  # expect: ORM003
        print(helpers.session_query(Booking))


def update(item, booking):
    for key, value in item.items():
        if key == "chef":
            booking.chef = chef_of(value)  # dict keys are distinct: runs once
        elif key == "rating":
            booking.rating = helpers.rating_of(value)  # once too
        else:
            print(chef_of(value))  # expect: ORM001


def all_ratings():
    return report.ratings(Booking.query.all())  # rows: the loop in report.ratings is per row
