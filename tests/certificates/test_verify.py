"""Verification as a verifier does it: scan the stored PDF's QR code, open the URL, read the status."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

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
    assert '<h1 class="verdict verdict-valid">Chứng chỉ hợp lệ</h1>' in page
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
    assert ">Chứng chỉ không hợp lệ</h1>" in forged and "Nguyễn Thị Thanh Tùng" not in forged

    lifecycle.revoke(db, world.staff_a, cert.serial, "Cấp nhầm người", utcnow())
    revoked = _page(client, path)
    assert ">Chứng chỉ đã bị thu hồi</h1>" in revoked and "Cấp nhầm người" not in revoked


def test_expired_certificate(db, world, client, instance):
    cert = _issue(db, world, instance, setup={"validity": 24}, today=date(2023, 1, 10))
    assert cert.expiry_date == date(2025, 1, 10) and cert.serial.startswith("TN-2023-")
    page = _page(client, f"/v/{cert.token}")
    assert ">Chứng chỉ đã hết hạn</h1>" in page and "10/01/2025" in page


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
    assert revoked["status"] == "revoked" and revoked["revoked_at"]
    assert "Sai họ tên" not in str(revoked)  # staff's free-text reason stays off the public answer
    assert "Sai họ tên" not in client.get(f"/v/{cert.token}").get_data(as_text=True)
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


def _lookup(client, serial: str, **detail) -> str:
    return _page(client, "/v?" + urlencode({"serial": serial, **detail}))


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_search_by_serial_needs_the_name_or_the_date_of_birth(db, world, client, instance):
    cert = _issue(db, world, instance, setup={"names": ("Đặng Thị Thanh Tùng",)})
    name = "Đặng Thị Thanh Tùng"
    for detail in (
        {"holder_name": "  dang THI thanh   tung "},  # as typed on a phone without Vietnamese keyboard
        {"holder_name": name},
        {"date_of_birth": "1985-05-20"},  # the date picker
        {"date_of_birth": "20/05/1985"},  # typed as printed
        {"holder_name": "ĐẶNG THỊ THANH TÙNG", "date_of_birth": "1985-05-20"},
    ):
        page = _lookup(client, cert.serial.lower(), **detail)
        assert ">Chứng chỉ hợp lệ</h1>" in page and name in page and "20/05/1985" in page, detail

    asked = _lookup(client, cert.serial)  # the serial alone: no lookup at all
    assert "Hãy nhập thêm họ và tên hoặc ngày sinh" in asked
    assert name not in asked and "verdict" not in asked

    unknown = _lookup(client, "TN-2026-999999", holder_name=name)
    assert "Không tìm thấy chứng chỉ khớp số hiệu và thông tin đã nhập." in unknown
    for detail in (
        {"holder_name": "Đặng Thị Thanh Tâm"},
        {"holder_name": "Đặng Thị Thanh"},
        {"date_of_birth": "1985-05-21"},
        {"holder_name": name, "date_of_birth": "1985-05-21"},  # every detail given must match
    ):
        wrong = _lookup(client, cert.serial, **detail)
        assert "verify-facts" not in wrong and "Không tìm thấy chứng chỉ</h1>" in wrong, detail
        assert "20/05/1985" not in wrong and cert.class_code not in wrong, detail
        # the same answer as for a serial nobody holds: the lookup tells nothing about the serial
        shown = _main(_lookup(client, "TN-2026-999999", **detail))
        assert _main(wrong).replace(cert.serial, "TN-2026-999999") == shown, detail

    bad_date = _lookup(client, cert.serial, date_of_birth="31/02/1985")
    assert "Ngày sinh không hợp lệ" in bad_date and "verdict" not in bad_date
    assert "Tra cứu theo số hiệu" in _page(client, "/v")


def test_every_verification_is_logged_without_the_verifier(db, world, client, instance):
    cert = _issue(db, world, instance)
    since = db.scalar(select(VerificationLog.id).order_by(VerificationLog.id.desc()).limit(1)) or 0
    env = {"REMOTE_ADDR": "10.9.8.7"}
    client.get(f"/v/{cert.token}", environ_base=env, headers={"User-Agent": "DienThoai/1.0"})
    client.get(f"/api/v1/verify/{_tamper(cert.token)}", environ_base=env)
    client.get(f"/v?serial={cert.serial}&date_of_birth=1985-05-20", environ_base=env)
    client.get(f"/v?serial={cert.serial}&date_of_birth=1999-01-01", environ_base=env)
    rows = db.scalars(
        select(VerificationLog).where(VerificationLog.id > since).order_by(VerificationLog.id)
    ).all()
    assert [(r.channel, r.status, r.serial) for r in rows] == [
        ("web", "valid", cert.serial),
        ("api", "invalid", None),
        ("serial", "valid", cert.serial),
        ("serial", "invalid", None),  # a wrong second detail: nothing that says the serial exists
    ]
    for row in rows:
        values = [str(getattr(row, c.key)) for c in VerificationLog.__table__.columns]
        assert not any("10.9.8.7" in v or "DienThoai" in v for v in values)


def test_verify_page_is_rate_limited(rate_limited_app, database_url):
    app = rate_limited_app(RATELIMIT_VERIFY="3 per minute")
    client = app.test_client()
    statuses = [client.get("/v/garbage-token").status_code for _ in range(2)]
    statuses.append(client.get("/v?serial=TN-2026-000001&holder_name=Nguyen+Van+A").status_code)
    statuses += [
        client.get("/api/v1/verify/garbage-token").status_code,
        client.get("/v?serial=TN-2026-000002&holder_name=Nguyen+Van+A").status_code,
    ]
    assert statuses == [200, 200, 200, 429, 429]  # one budget: the QR page, the serial lookup, the API
    other = client.get("/v/garbage-token", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200  # per address
    engine = make_engine(database_url)
    with engine.begin() as conn:  # the shared test database keeps no rows from this app
        conn.execute(VerificationLog.__table__.delete().where(VerificationLog.serial.is_(None)))
    engine.dispose()
