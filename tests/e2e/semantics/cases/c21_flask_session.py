from flask import session
from models import db, Chef, Booking, Setting

FIELDS = ["name", "email"]


def run():
    data = {}
    for field in FIELDS:
        data[field] = session.get(field, None)
    return data
