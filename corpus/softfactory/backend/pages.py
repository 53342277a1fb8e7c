"""Server-rendered pages: the view loads the rows, the template walks them.

The N+1s here are in the templates (templates/pages/), where the rows'
relationships are read per row; ormlint reports them there and adds the
eager options to the queries below.
"""
from flask import Blueprint, render_template

from .models import Booking, Campaign

bp = Blueprint("pages", __name__, url_prefix="/pages", template_folder="templates")


@bp.get("/bookings")
def bookings_page():
    rows = Booking.query.order_by(Booking.id).all()
    return render_template("pages/bookings.html", bookings=rows, title="Bookings")


@bp.get("/campaigns")
def campaigns_page():
    campaigns = Campaign.query.order_by(Campaign.id).all()
    return render_template("pages/campaigns.html", campaigns=campaigns)
