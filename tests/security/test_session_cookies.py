"""The signed session cookie: a cookie checked once is remembered, but never accepted where Flask's own
check would refuse it."""

from __future__ import annotations

import time

import pytest
from flask import Flask, flash, session
from flask.sessions import SecureCookieSessionInterface

from elearn.extensions import SessionCookies

LIFETIME = 3600


@pytest.fixture
def cookie_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="key-a", PERMANENT_SESSION_LIFETIME=LIFETIME)
    app.session_interface = SessionCookies()
    return app


def sign(app: Flask, data: dict) -> str:
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def open_with(app: Flask, cookie: str):
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        return dict(session)


def test_remembered_cookie_opens_as_before_and_a_changed_one_does_not(cookie_app):
    cookie = sign(cookie_app, {"_user_id": "abc", "_fresh": True})
    assert open_with(cookie_app, cookie) == {"_user_id": "abc", "_fresh": True}
    assert open_with(cookie_app, cookie) == {"_user_id": "abc", "_fresh": True}  # from memory
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert open_with(cookie_app, forged) == {}
    other_payload = sign(cookie_app, {"_user_id": "xyz"}).rpartition(".")[0]
    assert open_with(cookie_app, other_payload + "." + signature) == {}


def test_remembered_cookie_expires_like_a_checked_one(cookie_app, monkeypatch):
    cookie = sign(cookie_app, {"_user_id": "abc"})
    assert open_with(cookie_app, cookie) == {"_user_id": "abc"}
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + LIFETIME - 5)
    assert open_with(cookie_app, cookie) == {"_user_id": "abc"}
    monkeypatch.setattr(time, "time", lambda: now + LIFETIME + 5)
    assert open_with(cookie_app, cookie) == {}


def test_changing_the_secret_key_forgets_remembered_cookies(cookie_app):
    cookie = sign(cookie_app, {"_user_id": "abc"})
    assert open_with(cookie_app, cookie) == {"_user_id": "abc"}
    cookie_app.secret_key = "key-b"
    assert open_with(cookie_app, cookie) == {}
    cookie_app.config["SECRET_KEY_FALLBACKS"] = ["key-a"]  # rotation: old cookies still open
    assert open_with(cookie_app, cookie) == {"_user_id": "abc"}


def test_a_request_that_changes_its_session_does_not_change_the_next_ones(cookie_app):
    cookie = sign(cookie_app, {"_user_id": "abc"})
    with cookie_app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        session["_user_id"] = "changed"
        session["added"] = 1
    assert open_with(cookie_app, cookie) == {"_user_id": "abc"}
    with_flash = sign(cookie_app, {"_user_id": "abc", "_flashes": [["info", "Một"]]})
    with cookie_app.test_request_context(headers={"Cookie": f"session={with_flash}"}):
        flash("Hai", "info")  # appends to the session's list in place
        assert len(session["_flashes"]) == 2
    assert open_with(cookie_app, with_flash)["_flashes"] == [["info", "Một"]]
