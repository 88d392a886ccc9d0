"""Web pages of the certificates feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
