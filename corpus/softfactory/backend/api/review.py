from flask import Blueprint, jsonify, request

from ..services import review, reviewers

bp = Blueprint("review", __name__, url_prefix="/api/review")


@bp.get("/campaigns")
def campaigns():
    return jsonify(
        campaigns=review.get_campaigns(
            status=request.args.get("status"), category=request.args.get("category")
        )
    )


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id):
    return jsonify(review.get_campaign(campaign_id))


@bp.get("/campaigns/<int:campaign_id>/applicants")
def applicants(campaign_id):
    return jsonify(applicants=review.get_campaign_applicants(campaign_id))


@bp.get("/campaigns/<int:campaign_id>/reviewers")
def campaign_reviewers(campaign_id):
    return jsonify(reviewers=reviewers.get_campaign_reviewers(campaign_id))
