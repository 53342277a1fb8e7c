from jobs import db


class Job(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    state = db.Column(db.String(20))

    def finish(self):
        self.state = "done"
        db.session.commit()
