from models import db, Chef, Booking, Setting


def run():
    ids = [1]
    chefs = (Chef.query.get(i) for i in ids)
    ids.append(2)
    return [c.name for c in chefs]
