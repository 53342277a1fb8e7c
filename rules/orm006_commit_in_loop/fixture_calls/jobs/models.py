from jobs import db


class Job(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    state = db.Column(db.String(20))  # expect: ORM007

    def finish(self):
        self.state = "done"
        db.session.commit()


class CRUDMixin:
    @classmethod
    def create(cls, **kwargs):
        return cls(**kwargs).save()

    def save(self):
        db.session.add(self)
        db.session.commit()
        return self


class Task(CRUDMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40))
