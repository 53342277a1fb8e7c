from models import db, Chef, Booking, Setting, Job


def run():
    ids = [1]
    rounds = 0
    while any(Job.query.get(i).status == "pending" for i in ids):
        rounds += 1
        for j in Job.query.filter(Job.id.in_(ids)).all():
            j.status = "done"
        if rounds < 3:
            follow = Job(status="pending")
            db.session.add(follow)
            db.session.commit()
            ids.append(follow.id)
        else:
            db.session.commit()
    return rounds
