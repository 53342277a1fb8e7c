from models import db, Chef, Booking, Setting


def run():
    names_of = lambda ids: [Chef.query.get(i).name for i in ids]
    return names_of([1, 2]), names_of([3])
