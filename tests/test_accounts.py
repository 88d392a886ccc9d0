"""Accounts: login, logout, remember me, password change and admin reset, CSRF, rate limit, sessions."""

from __future__ import annotations

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from elearn.accounts import services
from elearn.accounts.models import LoginSession, Role
from elearn.audit.models import AuditEvent
from elearn.errors import Conflict, Forbidden, ValidationError
from tests.conftest import TEST_PASSWORD, Auth


def test_login_page_is_vietnamese(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html


@pytest.mark.parametrize(
    ("email", "marker"),
    [
        ("officer@test.vn", "Đơn vị và chức vụ"),
        ("trainer@test.vn", "Lớp tôi phụ trách"),
        ("staff-a@test.vn", "Công đoàn Khu công nghiệp Thử Nghiệm"),
        ("admin@test.vn", "Liên đoàn Lao động Thành phố Thử Nghiệm"),
    ],
)
def test_each_role_lands_on_its_home(auth, client, email, marker):
    response = auth.login(email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    home = client.get("/")
    assert home.status_code == 200
    assert marker in home.get_data(as_text=True)


def test_officer_home_shows_unit_and_positions(auth, client):
    auth.login("officer@test.vn")
    html = client.get("/").get_data(as_text=True)
    assert "Công đoàn Công ty TNHH Điện tử Sao Mai" in html
    assert "Phó Chủ tịch" in html and "Nhiệm kỳ 2025-2030" in html
    assert "Học tập của tôi" in html


def test_wrong_password_is_refused_without_saying_which_part(auth, client):
    response = auth.login("officer@test.vn", "sai-mat-khau1")
    assert response.status_code == 400
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert auth.login("nobody@test.vn").status_code == 400


def test_post_without_csrf_token_is_rejected(client, auth):
    response = client.post("/login", data={"email": "officer@test.vn", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    auth.login("officer@test.vn")
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_pages_reuse_their_sessions_signed_csrf_token_and_others_get_their_own(
    app, client, auth, monkeypatch
):
    ticks = iter(range(1_800_000_000, 1_900_000_000, 10))  # every signature a different second
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: next(ticks))
    auth.login("officer@test.vn")
    first, again = auth.csrf("/"), auth.csrf("/courses/")
    assert first == again
    assert auth.post("/logout", {"csrf_token": again}).status_code == 302
    other = app.test_client()
    Auth(other).login("officer@test.vn")
    assert Auth(other).csrf("/") != first


def test_csrf_tokens_of_another_session_or_process(app, client, auth, monkeypatch):
    from elearn import extensions

    ticks = iter(range(1_800_000_000, 1_900_000_000, 10))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: next(ticks))
    auth.login("officer@test.vn")
    mine = auth.csrf("/")
    other = app.test_client()
    Auth(other).login("officer@test.vn")
    theirs = Auth(other).csrf("/")
    assert other.post("/logout", data={"csrf_token": mine}).status_code == 400  # signed, but for my session
    extensions._SIGNED_CSRF.clear()  # as if another worker had signed the page's token
    assert auth.csrf("/courses/") != mine
    assert client.post("/logout", data={"csrf_token": mine}).status_code == 302  # Flask-WTF's own check
    assert other.post("/logout", data={"csrf_token": theirs}).status_code == 302


def test_csrf_over_https_still_checks_the_referrer(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_SSL_STRICT", True)
    auth.login("officer@test.vn")
    token = auth.csrf("/")
    https = {"base_url": "https://lms.test"}
    assert client.post("/logout", data={"csrf_token": token}, **https).status_code == 400
    evil = {"Referer": "https://evil.example/"}
    assert client.post("/logout", data={"csrf_token": token}, headers=evil, **https).status_code == 400
    good = {"Referer": "https://lms.test/"}
    assert client.post("/logout", data={"csrf_token": token}, headers=good, **https).status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, auth):
    page = client.get("/login")
    from tests.conftest import csrf_from

    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        with client.session_transaction() as sess:
            sess.clear()
        page = client.get("/login")
        response = client.post(
            f"/login?next={target}",
            data={
                "email": "officer@test.vn",
                "password": TEST_PASSWORD,
                "csrf_token": csrf_from(page.get_data(True)),
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] in ("/", "http://lms.test/"), target
        client.post("/logout", data={"csrf_token": auth.csrf()})


def test_logout_ends_the_session_even_for_a_copied_cookie(app, db, auth, client):
    auth.login("officer@test.vn", remember=True)
    stolen = client.get_cookie("session", domain="lms.test").value
    remember = client.get_cookie("remember_token", domain="lms.test")
    assert remember is not None and remember.http_only
    assert client.post("/logout", data={"csrf_token": auth.csrf()}).status_code == 302
    other = app.test_client()
    other.set_cookie("session", stolen, domain="lms.test")
    other.set_cookie("remember_token", remember.value, domain="lms.test")
    assert other.get("/").status_code == 302


def test_session_cookie_flags_and_security_headers(auth, client):
    response = auth.login("officer@test.vn")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/")
    csp = home.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["Cache-Control"] == "no-store"  # a page that shows the learner's data
    names = [name.lower() for name, _value in home.headers]
    assert not {name for name in names if names.count(name) > 1} - {"set-cookie"}  # each header once
    assert "strict-transport-security" not in names  # only behind HTTPS (SESSION_COOKIE_SECURE)


def test_security_headers_keep_what_a_view_set(app, client):
    keys = client.get("/.well-known/certificate-keys.json")
    assert keys.status_code == 200
    assert keys.headers.getlist("Cache-Control") == ["public, max-age=3600"]
    assert keys.headers["X-Frame-Options"] == "DENY"
    health = client.get("/healthz")
    assert "Cache-Control" not in health.headers  # JSON, not a page
    assert health.headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_when_cookies_are_secure(database_url, tmp_path):
    from elearn import create_app

    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False}
    secure = create_app({**config, "SESSION_COOKIE_SECURE": True}).test_client().get("/healthz")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = create_app(config).test_client().get("/healthz")
    assert "Strict-Transport-Security" not in plain.headers


def test_login_clears_what_the_session_held_before(auth, client):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("officer@test.vn")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_change_password_logs_out_other_browsers(app, db, world, auth, client):
    auth.login("officer@test.vn")
    second = app.test_client()
    from tests.conftest import Auth

    Auth(second).login("officer@test.vn")
    assert second.get("/").status_code == 200
    response = auth.post(
        "/account/password", {"current": TEST_PASSWORD, "new": "matkhaumoi456", "confirm": "matkhaumoi456"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays in
    assert second.get("/").status_code == 302  # the other one is out
    assert Auth(app.test_client()).login("officer@test.vn", "matkhaumoi456").status_code == 302


def test_change_password_rules(db, world):
    user = world.officer_user
    with pytest.raises(ValidationError, match="hiện tại không đúng"):
        services.change_password(db, user, "sai", "abcd12345", "abcd12345")
    with pytest.raises(ValidationError, match="không khớp"):
        services.change_password(db, user, TEST_PASSWORD, "abcd12345", "abcd12346")
    with pytest.raises(ValidationError, match="ít nhất 8"):
        services.change_password(db, user, TEST_PASSWORD, "ab1", "ab1")
    with pytest.raises(ValidationError, match="cả chữ và số"):
        services.change_password(db, user, TEST_PASSWORD, "12345678910", "12345678910")


def test_admin_reset_forces_a_new_password_and_ends_sessions(app, db, world, auth, client):
    from tests.conftest import Auth

    victim = app.test_client()
    Auth(victim).login("trainer@test.vn")
    auth.login("admin@test.vn")
    page = client.get(f"/admin/users/{world.trainer.id}")
    from tests.conftest import csrf_from

    done = client.post(
        f"/admin/users/{world.trainer.id}/reset-password", data={"csrf_token": csrf_from(page.get_data(True))}
    )
    assert done.status_code == 200
    temporary = done.get_data(as_text=True).split('<p class="secret">')[1].split("</p>")[0]
    assert victim.get("/").status_code == 302
    fresh = app.test_client()
    Auth(fresh).login("trainer@test.vn", temporary)
    assert fresh.get("/").headers["Location"].endswith("/account/password")
    assert db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "user.reset_password")
    )


def test_only_admins_manage_accounts(db, world):
    for actor in (world.staff_a, world.trainer, world.officer_user):
        with pytest.raises(Forbidden):
            services.create_user(
                db, actor, email="x@test.vn", full_name="X", role=Role.ADMIN, password="abc12345"
            )
        with pytest.raises(Forbidden):
            services.reset_password(db, actor, world.admin.id)
    with pytest.raises(Conflict):
        services.create_user(
            db, world.admin, email="OFFICER@test.vn", full_name="X", role=Role.OFFICER, password="abc12345"
        )
    with pytest.raises(ValidationError, match="gán một đơn vị"):
        services.create_user(
            db, world.admin, email="s@test.vn", full_name="S", role=Role.STAFF, password="abc12345"
        )


def test_admin_creates_staff_account_through_the_web(auth, client, db, world):
    auth.login("admin@test.vn")
    response = auth.post(
        "/admin/users/new",
        {
            "email": "moi@test.vn",
            "full_name": "Đỗ Thị Hoa",
            "role": "staff",
            "unit_id": str(world.b.id),
            "officer_code": "",
            "password": "batdau123",
        },
    )
    assert response.status_code == 302
    created = services.find_by_email(db, "moi@test.vn")
    assert created.role == "staff" and created.unit_id == world.b.id and created.must_change_password


def test_locking_an_account_logs_it_out(app, db, world):
    from tests.conftest import Auth

    browser = app.test_client()
    Auth(browser).login("trainer@test.vn")
    services.update_user(
        db,
        world.admin,
        world.trainer.id,
        full_name="Giảng viên",
        role=Role.TRAINER,
        unit_id=None,
        is_active=False,
    )
    db.commit()
    assert browser.get("/").status_code == 302
    assert (
        db.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.user_id == world.trainer.id)
        )
        == 0
    )


def test_login_is_rate_limited(rate_limited_app):
    app = rate_limited_app(RATELIMIT_LOGIN="5 per minute", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": "officer@test.vn", "password": "sai-mat-khau1"}).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429, 429]
    assert "quá nhiều lần" in client.post("/login", data={"email": "a@b.vn", "password": "x"}).get_data(True)


def test_password_form_reports_every_problem_at_once(db, world, auth, client):
    auth.login("officer@test.vn")
    response = auth.post(
        "/account/password", {"current": "sai-mat-khau1", "new": "abcd12345", "confirm": "x"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in html and "Mật khẩu mới nhập lại không khớp." in html
    assert html.count("Mật khẩu mới nhập lại không khớp.") == 1  # the form and the service agree
    # The form accepts the shape; the service still finds both problems.
    response = auth.post(
        "/account/password", {"current": "sai-mat-khau1", "new": "abcd12345", "confirm": "abcd12346"}
    )
    html = response.get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in html and "Mật khẩu mới nhập lại không khớp." in html


def test_password_change_problems_lists_each_field(db, world):
    problems = services.password_change_problems(world.officer_user, "sai", "ab1", "ab2")
    assert set(problems) == {"current", "new", "confirm"}
    assert not services.password_change_problems(world.officer_user, TEST_PASSWORD, "abcd1234", "abcd1234")
    with pytest.raises(services.PasswordChangeRefused) as refused:
        services.change_password(db, world.officer_user, "sai", "x", "y")
    assert set(refused.value.problems) == {"current", "new", "confirm"}
