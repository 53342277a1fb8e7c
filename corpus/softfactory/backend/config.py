"""Configuration classes for the app factory."""
import os


class Config:
    SECRET_KEY = os.environ.get("SOFTFACTORY_SECRET_KEY", "dev-only-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///softfactory.db")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # When set (an ISO timestamp), clock.now() returns it: tests pin time.
    FIXED_NOW = None


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
