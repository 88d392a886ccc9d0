"""Entry point: `flask --app app ...` and `gunicorn app:app` both start here."""

from elearn import create_app

app = create_app()
