"""SoftFactory backend: the application factory."""
from flask import Flask, jsonify

from .config import Config
from .extensions import db


def create_app(overrides=None):
    app = Flask(__name__)
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)

    db.init_app(app)

    from . import models  # noqa: F401  (registers every model with the metadata)
    from .api import register_blueprints

    register_blueprints(app)
    from .pages import bp as pages_bp

    app.register_blueprint(pages_bp)

    @app.get("/api/health")
    def health():
        return jsonify(status="ok")

    return app
