"""Every route × every role, read from the app's URL map so that new routes are covered automatically.

Each view declares its roles with `roles_required` (or `public`); this test fails for a view that declares
nothing, and checks that each role gets in, or gets 403, and that anonymous users are sent to the login page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.officers.models import Position
from elearn.web import PUBLIC
from tests import factories
from tests.conftest import Auth, csrf_from

ROLES = ("officer", "trainer", "staff", "admin")
EMAILS = {
    "officer": "officer@test.vn",
    "trainer": "trainer@test.vn",
    "staff": "staff-a@test.vn",
    "admin": "admin@test.vn",
}
SKIP = {"static"}
# Parameters mapped to an id that does not exist: allowed roles get 404 (roles are checked before lookups).
MISSING_ID = 999999
MISSING_PARAMS = {"class_id", "session_id"}


def _sample_args(db, world, rule) -> dict:
    """Values for the rule's URL parameters that every role's scope could hold (objects of unit TEST-A1)."""
    position = db.scalar(select(Position).where(Position.unit_id == world.a1.id))
    values = {
        "officer_id": position.officer_id,
        "unit_id": world.a1.id,
        "position_id": position.id,
        "user_id": world.trainer.id,
        "fmt": "xlsx",
        "target_id": factories.sample_target(db, world).id,
        **factories.course_samples(db),
        **factories.bank_samples(db),
        **factories.certificate_samples(db),
        **factories.sample_quiz(db),
        "class_id": MISSING_ID,
        "session_id": MISSING_ID,
    }
    missing = set(rule.arguments) - set(values)
    assert not missing, f"add sample values for {rule.rule}: {missing}"
    return {k: values[k] for k in rule.arguments}


def _endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_view_declares_its_roles(app):
    undeclared = [rule.rule for rule, view in _endpoints(app) if not hasattr(view, "allowed_roles")]
    assert undeclared == []


@pytest.mark.parametrize("role", (None, *ROLES))
def test_route_matrix(app, db, world, role):
    client = app.test_client()
    if role:
        assert Auth(client).login(EMAILS[role]).status_code == 302
        token = csrf_from(client.get("/account/password").get_data(as_text=True))
    else:
        token = csrf_from(client.get("/login").get_data(as_text=True))
    checked = 0
    with app.test_request_context():
        for rule, view in _endpoints(app):
            url = app.url_for(rule.endpoint, **_sample_args(db, world, rule))
            allowed = view.allowed_roles == PUBLIC or (role is not None and role in view.allowed_roles)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    if rule.endpoint == "accounts.logout":
                        continue  # would end the session the rest of the matrix needs; tested elsewhere
                    response = client.open(url, method=method, data={"csrf_token": token})
                checked += 1
                where = f"{method} {rule.rule} as {role or 'anonymous'}"
                if view.allowed_roles == PUBLIC:
                    assert response.status_code < 500, where
                elif role is None:
                    assert response.status_code == 302, where
                    assert "/login" in response.headers["Location"], where
                elif allowed:
                    ok = (200, 302, 400, 422) + ((404,) if MISSING_PARAMS & set(rule.arguments) else ())
                    assert response.status_code in ok, f"{where}: {response.status_code}"
                else:
                    assert response.status_code == 403, f"{where}: {response.status_code}"
    assert checked > 15
