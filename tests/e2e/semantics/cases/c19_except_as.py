from models import db, Chef, Booking, Setting


def run():
    out = []
    for raw in ["1", "x", "2"]:
        try:
            out.append(int(raw))
        except ValueError as err:
            s = Setting.query.filter_by(key=str(err)[:3]).first()
            out.append(s)
    return out
