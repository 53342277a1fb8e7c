"""HTTP API: one blueprint per product area."""


def register_blueprints(app):
    from .ai import bp as ai_bp
    from .coocook import bp as coocook_bp
    from .experience import bp as experience_bp
    from .platform import bp as platform_bp
    from .review import bp as review_bp
    from .sns_auto import bp as sns_auto_bp
    from .webapp import bp as webapp_bp

    for bp in (platform_bp, coocook_bp, sns_auto_bp, review_bp, ai_bp, webapp_bp, experience_bp):
        app.register_blueprint(bp)
