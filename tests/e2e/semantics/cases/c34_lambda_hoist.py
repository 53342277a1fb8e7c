from models import db, Chef, Booking, Setting


def run():
    values_for = lambda key: [Setting.query.filter_by(key=key).first().value for _ in range(2)]
    return values_for("currency"), values_for("rank")
