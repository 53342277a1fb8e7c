from models import bookings_in_order


def run():
    return [(b.id, b.chef_label) for b in bookings_in_order()]
