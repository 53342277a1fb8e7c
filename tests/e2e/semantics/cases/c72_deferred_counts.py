from models import Chef


def run():
    chef = Chef.query.filter_by(name="Ann").first()
    return chef.booking_count, chef.paid_count
