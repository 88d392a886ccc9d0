"""The certificates blueprint; routes live in views.py (signed-in users) and public_views.py (verifiers)."""

from __future__ import annotations

from flask import Blueprint, current_app

from elearn.certificates.issuing import Issuer
from elearn.db import utcnow
from elearn.web import today

# No URL prefix: the verify page is /v/<token> and the keys are under /.well-known/.
bp = Blueprint("certificates", __name__)


def issuer() -> Issuer:
    return Issuer(
        instance_path=current_app.instance_path,
        base_url=current_app.config["PUBLIC_BASE_URL"],
        today=today(),
        now=utcnow(),
    )
