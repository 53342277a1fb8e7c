from flask import Blueprint, jsonify, request

from ..services import experience

bp = Blueprint("experience", __name__, url_prefix="/api/experience")


@bp.get("/listings")
def listings():
    return jsonify(listings=experience.list_listings(request.args.get("city")))


@bp.get("/crawler/summary")
def crawler_summary():
    return jsonify(experience.crawler_summary())
