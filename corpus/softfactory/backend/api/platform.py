from flask import Blueprint, g, jsonify, request

from ..auth import login_required
from ..metrics import get_content_summary, get_coocook_overview, get_dashboard_stats
from ..services.platform import get_profile, list_subscriptions

bp = Blueprint("platform", __name__, url_prefix="/api/platform")


@bp.get("/stats")
@login_required
def stats():
    return jsonify(get_dashboard_stats())


@bp.get("/overview")
def overview():
    return jsonify(get_coocook_overview())


@bp.get("/summary")
def summary():
    return jsonify(get_content_summary())


@bp.get("/me")
@login_required
def me():
    return jsonify(get_profile(g.user_id))


@bp.get("/subscriptions")
@login_required
def subscriptions():
    return jsonify(subscriptions=list_subscriptions(request.args.get("status")))
