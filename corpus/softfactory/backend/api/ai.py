from flask import Blueprint, g, jsonify

from ..auth import login_required
from ..services import ai_automation

bp = Blueprint("ai", __name__, url_prefix="/api/ai")


@bp.get("/employees")
@login_required
def employees():
    return jsonify(employees=ai_automation.list_employees(g.user_id))


@bp.post("/employees/<int:employee_id>/run")
@login_required
def run(employee_id):
    return jsonify(ran=ai_automation.run_scenarios(employee_id))
