from models import db, Chef, Booking, Setting


def run():
    keys = ["currency", None, "rank", "currency", "missing"]
    return [(k, Setting.query.get(k).value if Setting.query.get(k) else None) for k in keys]
