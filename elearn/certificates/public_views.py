"""Public pages for verifiers: no login, rate-limited per address, every verification logged."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request

from elearn.certificates import keys
from elearn.certificates.blueprint import bp
from elearn.certificates.forms import SerialLookupForm
from elearn.certificates.tokens import public_keys_json
from elearn.certificates.verification import Verification, log, verify_serial, verify_token
from elearn.db import connect, get_session, utcnow
from elearn.extensions import limiter
from elearn.web import public, today


def _verify_limit() -> str:
    return current_app.config.get("RATELIMIT_VERIFY", "30 per minute")


# One budget per address across the page, the serial search and the API.
verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verify")


def _logged(channel: str, check) -> Verification:
    with connect() as connection:  # the read, on a Core connection of its own
        result = check(connection)
    db = get_session()  # the log insert (rows buffered for up to a second) begins its own transaction
    if log(db, channel, result, utcnow(), current_app.config.get("VERIFY_LOG_MAX_DELAY", 1.0)):
        db.commit()
    return result


@bp.route("/v/<cert_token>")
@verify_limit
@public
def verify(cert_token: str):
    result = _logged("web", lambda db: verify_token(db, cert_token, today()))
    return render_template("certificates/verify.html", result=result, form=SerialLookupForm(formdata=None))


@bp.route("/v")
@verify_limit
@public
def verify_by_serial():
    form = SerialLookupForm(formdata=request.args or None)
    result = None
    if request.args and form.validate():
        result = _logged(
            "serial",
            lambda db: verify_serial(
                db,
                form.serial.data,
                today(),
                holder_name=form.holder_name.data or "",
                date_of_birth=form.date_of_birth.data,
            ),
        )
    return render_template("certificates/verify.html", result=result, form=form)


@bp.route("/api/v1/verify/<cert_token>")
@verify_limit
@public
def verify_api(cert_token: str):
    result = _logged("api", lambda db: verify_token(db, cert_token, today()))
    response = jsonify(result.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/.well-known/certificate-keys.json")
@public
def public_keys():
    response = jsonify(public_keys_json(keys.public_keys(get_session())))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
