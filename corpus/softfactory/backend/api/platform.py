from flask import Blueprint, g, jsonify

from ..auth import login_required
from ..metrics import get_content_summary, get_dashboard_stats
from ..services.platform import get_profile

bp = Blueprint("platform", __name__, url_prefix="/api/platform")


@bp.get("/stats")
@login_required
def stats():
    return jsonify(get_dashboard_stats())


@bp.get("/summary")
def summary():
    return jsonify(get_content_summary())


@bp.get("/me")
@login_required
def me():
    return jsonify(get_profile(g.user_id))
