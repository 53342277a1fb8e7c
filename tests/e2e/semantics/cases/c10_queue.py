from models import db, Chef, Booking, Setting


def run():
    queue = [Booking.query.get(15)]
    chain = []
    for b in queue:
        chain.append(b.id)
        parent = Booking.query.filter_by(id=b.parent_id).first()
        if parent is not None:
            queue.append(parent)
    return chain
