import json

from models import db, Chef, Booking


def run():
    # keys from outside (request args, JSON, Redis) are strings; the column is an integer
    wanted = json.loads('["1", "2", "3"]')
    out = []
    for key in wanted:
        chef = Chef.query.filter_by(id=key).first()
        out.append(chef.name if chef else None)
        c2 = db.session.get(Chef, key)
        out.append(c2.name if c2 else None)
    return out
