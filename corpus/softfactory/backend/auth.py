"""Bearer tokens: a signed user id, checked without touching the database."""
from functools import wraps

from flask import current_app, g, jsonify, request
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="softfactory-api")


def issue_token(user_id):
    return _serializer().dumps({"uid": int(user_id)})


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return jsonify(error="missing bearer token"), 401
        try:
            payload = _serializer().loads(token)
        except BadSignature:
            return jsonify(error="invalid token"), 401
        g.user_id = payload["uid"]
        return view(*args, **kwargs)

    return wrapper
