from flask import Blueprint, g, jsonify, request

from ..auth import login_required
from ..services import sns_auto

bp = Blueprint("sns_auto", __name__, url_prefix="/api/sns-auto")


@bp.get("/accounts")
@login_required
def accounts():
    return jsonify(accounts=sns_auto.get_my_accounts(g.user_id))


@bp.get("/accounts/<int:account_id>/posts")
@login_required
def account_posts(account_id):
    limit = min(request.args.get("limit", 20, type=int), 100)
    return jsonify(sns_auto.get_account_posts(g.user_id, account_id, limit))
