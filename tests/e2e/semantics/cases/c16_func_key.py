from sqlalchemy import func
from models import db, Chef, Booking, Setting


def run():
    out = []
    for raw in [" Ann ", "Bob  "]:
        chef = Chef.query.filter(Chef.name == func.trim(raw)).first()
        out.append(chef.name if chef else None)
    return out
