"""Entry point for a WSGI server: `flask --app wsgi run`."""
from backend import create_app

app = create_app()


@app.cli.command("init-db")
def init_db():
    """Create every table."""
    from backend.extensions import db

    db.create_all()
