"""CooCook: private chefs, their bookings, and each booking's payment and review."""
from ..extensions import db
from .base import TimestampMixin, iso


class Chef(TimestampMixin, db.Model):
    __tablename__ = "chefs"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), unique=True)
    name = db.Column(db.String(120), nullable=False)
    cuisine = db.Column(db.String(60), nullable=False, index=True)
    city = db.Column(db.String(60), nullable=False)
    price_per_person_cents = db.Column(db.Integer, nullable=False)

    bookings = db.relationship("Booking", back_populates="chef", order_by="Booking.id")

    @property
    def display_name(self):
        return f"{self.name} ({self.cuisine})"

    def to_dict(self):
        return {
            "id": self.id,
            "name": self.name,
            "cuisine": self.cuisine,
            "city": self.city,
            "price_per_person_cents": self.price_per_person_cents,
        }


class Booking(TimestampMixin, db.Model):
    __tablename__ = "bookings"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # expect: ORM007
    chef_id = db.Column(db.Integer, db.ForeignKey("chefs.id"), nullable=False)  # expect: ORM007
    booking_date = db.Column(db.Date, nullable=False, index=True)
    guests = db.Column(db.Integer, nullable=False, default=2)
    status = db.Column(db.String(20), nullable=False, default="confirmed", index=True)
    total_cents = db.Column(db.Integer, nullable=False)

    chef = db.relationship("Chef", back_populates="bookings")
    user = db.relationship("User", backref=db.backref("bookings", order_by="Booking.id"))
    # One-to-one: at most one payment per booking (the FK is on the payment).
    payment = db.relationship("BookingPayment", back_populates="booking", uselist=False)

    def to_dict(self):
        return {
            "id": self.id,
            "chef_id": self.chef_id,
            "booking_date": iso(self.booking_date),
            "guests": self.guests,
            "status": self.status,
            "total_cents": self.total_cents,
        }


class BookingPayment(TimestampMixin, db.Model):
    __tablename__ = "booking_payments"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, unique=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    method = db.Column(db.String(20), nullable=False, default="card")
    status = db.Column(db.String(20), nullable=False, default="paid")

    booking = db.relationship("Booking", back_populates="payment")


class BookingReview(TimestampMixin, db.Model):
    __tablename__ = "booking_reviews"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, unique=True)
    rating = db.Column(db.Integer, nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")

    # The backref gives Booking.review, one-to-one as well.
    booking = db.relationship("Booking", backref=db.backref("review", uselist=False))
