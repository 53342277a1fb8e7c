import json

from models import db, Chef, Booking


def run():
    for name in json.loads('["Dan", "Eve"]'):
        chef = Chef(name=name)
        db.session.add(chef)
        db.session.commit()
        db.session.add(Booking(chef_id=chef.id, status="new"))
    db.session.commit()
    return sorted((b.chef.name if b.chef else None, b.status) for b in Booking.query.filter(Booking.id > 15).all())
