"""Entry point: `flask --app app ...` and `gunicorn app:app` both start here."""

import gc

from elearn import create_app

app = create_app()
# What importing and building the app created lives as long as the process: the collector's full passes need
# not walk it again (each walked about 170,000 objects, some 80 ms, every few thousand requests).
gc.freeze()
