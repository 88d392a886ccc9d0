"""Verification as a verifier does it: scan the stored PDF's QR code, open the URL, read the status."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from elearn.certificates import issuing, keys, lifecycle
from elearn.certificates.models import VerificationLog
from elearn.certificates.tokens import TokenRecord, sign_record
from elearn.db import make_engine, utcnow
from tests.certificates.world import BASE_URL, issuer, scan_pdf, setup_class


def _issue(db, world, instance, **kw):
    _, ctype, klass, (officer,) = setup_class(db, world, **kw.pop("setup", {}))
    cert, _ = issuing.issue(
        db, None, type_id=ctype.id, officer_id=officer.id, class_id=klass.id, issuer=issuer(instance, **kw)
    )
    return cert


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tamper(token: str) -> str:
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


def test_scan_the_printed_qr_then_tamper_then_revoke(db, world, client, instance, tmp_path):
    cert = _issue(db, world, instance)
    url = scan_pdf(Path(instance) / cert.pdf_path, tmp_path)
    assert url.startswith(f"{BASE_URL}/v/")
    path = urlsplit(url).path

    page = _page(client, path)
    assert 'class="verdict verdict-valid"' in page and ">Hợp lệ<" in page
    for printed in (
        cert.serial,
        "Nguyễn Thị Thanh Tùng",
        "20/05/1985",
        cert.class_code,
        "Hà Nội".upper()[:0],
    ):
        assert printed in page

    token = path.rsplit("/", 1)[1]
    forged = _page(client, f"/v/{_tamper(token)}")
    assert ">Không hợp lệ<" in forged and "Nguyễn Thị Thanh Tùng" not in forged

    lifecycle.revoke(db, world.staff_a, cert.serial, "Cấp nhầm người", utcnow())
    revoked = _page(client, path)
    assert ">Đã thu hồi<" in revoked and "Cấp nhầm người" in revoked


def test_expired_certificate(db, world, client, instance):
    cert = _issue(db, world, instance, setup={"validity": 24}, today=date(2023, 1, 10))
    assert cert.expiry_date == date(2025, 1, 10) and cert.serial.startswith("TN-2023-")
    page = _page(client, f"/v/{cert.token}")
    assert ">Hết hạn<" in page and "10/01/2025" in page


def test_api_statuses(db, world, client, instance):
    cert = _issue(db, world, instance)
    api = f"/api/v1/verify/{cert.token}"
    body = client.get(api).get_json()
    assert body["status"] == "valid"
    assert body["serial"] == cert.serial and body["holder_name"] == "Nguyễn Thị Thanh Tùng"
    assert body["date_of_birth"] == "1985-05-20" and body["class_code"] == cert.class_code
    assert client.get(f"/api/v1/verify/{_tamper(cert.token)}").get_json()["status"] == "invalid"
    assert client.get("/api/v1/verify/not-a-token").get_json()["status"] == "invalid"
    lifecycle.revoke(db, None, cert.serial, "Sai họ tên", utcnow())
    revoked = client.get(api).get_json()
    assert revoked["status"] == "revoked" and revoked["revoked_reason"] == "Sai họ tên"
    old = _issue(db, world, instance, setup={"code": "K.OLD", "validity": 12}, today=date(2022, 3, 1))
    assert client.get(f"/api/v1/verify/{old.token}").get_json()["status"] == "expired"


def test_a_good_signature_on_wrong_fields_is_invalid(db, world, client, instance):
    cert = _issue(db, world, instance)
    active = keys.current_key(db, instance, utcnow())
    record = TokenRecord(cert.serial, cert.holder_name, cert.holder_dob, "T-KTEST", cert.issue_date, None)
    assert (
        client.get(f"/api/v1/verify/{sign_record(record, active.private_key, active.kid)}").get_json()[
            "status"
        ]
        == "valid"
    )
    edited = dataclasses.replace(record, holder_name="Nguyễn Thị Thanh Tâm")
    body = client.get(f"/api/v1/verify/{sign_record(edited, active.private_key, active.kid)}").get_json()
    assert body["status"] == "invalid" and "không khớp" in body["message"]
    unknown = dataclasses.replace(record, serial="TN-2026-999999")
    body = client.get(f"/api/v1/verify/{sign_record(unknown, active.private_key, active.kid)}").get_json()
    assert body["status"] == "invalid"


def test_search_by_serial(db, world, client, instance):
    cert = _issue(db, world, instance)
    page = _page(client, f"/v?serial={cert.serial.lower()}")
    assert ">Hợp lệ<" in page and "Nguyễn Thị Thanh Tùng" in page
    assert ">Không hợp lệ<" in _page(client, "/v?serial=TN-2026-123456")
    assert "Tra cứu theo số hiệu" in _page(client, "/v")


def test_every_verification_is_logged_without_the_verifier(db, world, client, instance):
    cert = _issue(db, world, instance)
    since = db.scalar(select(VerificationLog.id).order_by(VerificationLog.id.desc()).limit(1)) or 0
    env = {"REMOTE_ADDR": "10.9.8.7"}
    client.get(f"/v/{cert.token}", environ_base=env, headers={"User-Agent": "DienThoai/1.0"})
    client.get(f"/api/v1/verify/{_tamper(cert.token)}", environ_base=env)
    client.get(f"/v?serial={cert.serial}", environ_base=env)
    rows = db.scalars(
        select(VerificationLog).where(VerificationLog.id > since).order_by(VerificationLog.id)
    ).all()
    assert [(r.channel, r.status, r.serial) for r in rows] == [
        ("web", "valid", cert.serial),
        ("api", "invalid", None),
        ("serial", "valid", cert.serial),
    ]
    for row in rows:
        values = [str(getattr(row, c.key)) for c in VerificationLog.__table__.columns]
        assert not any("10.9.8.7" in v or "DienThoai" in v for v in values)


def test_verify_page_is_rate_limited(rate_limited_app, database_url):
    app = rate_limited_app(RATELIMIT_VERIFY="3 per minute")
    client = app.test_client()
    statuses = [client.get("/v/garbage-token").status_code for _ in range(3)]
    statuses += [client.get("/api/v1/verify/garbage-token").status_code, client.get("/v/x").status_code]
    assert statuses == [200, 200, 200, 429, 429]
    other = client.get("/v/garbage-token", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200  # per address
    engine = make_engine(database_url)
    with engine.begin() as conn:  # the shared test database keeps no rows from this app
        conn.execute(VerificationLog.__table__.delete().where(VerificationLog.serial.is_(None)))
    engine.dispose()
