"""Web pages of the targets feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("targets", __name__, url_prefix="/targets")
