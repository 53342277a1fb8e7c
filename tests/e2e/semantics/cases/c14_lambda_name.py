from models import db, Chef, Booking, Setting


def run():
    setting = "local value"
    chefs = Chef.query.all()
    ordered = sorted(chefs, key=lambda c: (Setting.query.filter_by(key="rank").first().value, c.name))
    return [c.name for c in ordered], setting
