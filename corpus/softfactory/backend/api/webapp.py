from flask import Blueprint, jsonify, request

from ..services import webapp_builder

bp = Blueprint("webapp", __name__, url_prefix="/api/webapp")


@bp.get("/enrollments")
def enrollments():
    return jsonify(enrollments=webapp_builder.list_enrollments(request.args.get("cohort")))


@bp.get("/apps")
def apps():
    return jsonify(apps=webapp_builder.list_webapps())
