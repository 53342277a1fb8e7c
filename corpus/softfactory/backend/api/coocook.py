from flask import Blueprint, g, jsonify, request

from ..auth import login_required
from ..services import coocook

bp = Blueprint("coocook", __name__, url_prefix="/api/coocook")


@bp.get("/bookings")
@login_required
def bookings():
    return jsonify(bookings=coocook.list_bookings(g.user_id))


@bp.get("/chefs")
def chefs():
    return jsonify(chefs=coocook.list_chefs(request.args.get("cuisine")))


@bp.get("/chefs/<int:chef_id>/schedule")
def chef_schedule(chef_id):
    return jsonify(coocook.get_chef_schedule(chef_id))
