# Models whose methods and properties run queries: called on each row of a
# loop, they are an N+1 reported at the call in the loop.
from app import db


class Chef(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Review(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))  # expect: ORM007
    booking_id = db.Column(db.Integer, db.ForeignKey("booking.id"))  # expect: ORM007
    stars = db.Column(db.Integer)


class Booking(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    chef_id = db.Column(db.Integer, db.ForeignKey("chef.id"))

    def latest_review(self):
        return Review.query.filter_by(booking_id=self.id).order_by(Review.id.desc()).first()

    @property
    def chef_rating(self):
        from app.helpers import rating_of  # imported here to break the cycle

        return rating_of(self.chef_id)

    @property
    def label(self):
        return f"booking {self.id}"

    def describe(self):
        return self.label + " " + self.latest_review_text()

    def latest_review_text(self):
        review = self.latest_review()
        return str(review.stars) if review else ""
