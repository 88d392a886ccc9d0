"""Signing keys: created on first issue, rotated, published; old key ids keep verifying; offline CLI check."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sqlalchemy import select

from elearn.certificates import issuing, keys
from elearn.certificates.models import SigningKey
from elearn.certificates.tokens import public_keys_from_json
from tests.certificates.world import NOW, issuer, setup_class


def _issue(db, world, instance, code):
    _, ctype, klass, (officer,) = setup_class(db, world, code=code)
    cert, _ = issuing.issue(
        db, None, type_id=ctype.id, officer_id=officer.id, class_id=klass.id, issuer=issuer(instance)
    )
    return cert


def test_rotation_keeps_old_certificates_valid(db, world, client, app, instance):
    assert db.scalar(select(SigningKey.id)) is None
    old = _issue(db, world, instance, "K.A")
    first = db.scalar(select(SigningKey))
    assert old.key_id == first.kid == "2026-11a"
    key_file = Path(instance) / "keys" / f"{first.kid}.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first.public_key) == 43  # only the public half is in the database

    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    db.expire_all()  # the command ran in its own session
    new = _issue(db, world, instance, "K.B")
    kids = [k.kid for k in keys.list_keys(db)]
    assert new.key_id != old.key_id and new.key_id == kids[-1]
    assert db.scalar(select(SigningKey).where(SigningKey.kid == old.key_id)).retired_at is not None

    published = client.get("/.well-known/certificate-keys.json")
    assert "public" in published.headers["Cache-Control"]
    assert set(public_keys_from_json(published.get_json())) == {old.key_id, new.key_id}
    for cert in (old, new):
        assert client.get(f"/api/v1/verify/{cert.token}").get_json()["status"] == "valid"
    assert old.key_id in runner.invoke(args=["keys", "list"]).output


def test_offline_verify_command(db, world, client, app, instance, tmp_path):
    cert = _issue(db, world, instance, "K.C")
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(client.get("/.well-known/certificate-keys.json").get_json()))
    runner = app.test_cli_runner()

    url = f"https://lms.test/v/{cert.token}"
    for source in (cert.token, url, str(Path(instance) / cert.pdf_path)):
        result = runner.invoke(args=["certificates", "verify", source, "--keys", str(keys_file)])
        assert result.exit_code == 0, result.output
        assert "Chữ ký hợp lệ" in result.output and "Nguyễn Thị Thanh Tùng" in result.output
    assert runner.invoke(args=["certificates", "verify", cert.token]).exit_code == 0  # the database's keys

    forged = cert.token[:-3] + ("AAA" if cert.token[-3:] != "AAA" else "BBB")
    result = runner.invoke(args=["certificates", "verify", forged, "--keys", str(keys_file)])
    assert result.exit_code == 1 and "KHÔNG HỢP LỆ" in result.output
    keys_file.write_text(json.dumps({"keys": []}))
    assert runner.invoke(args=["certificates", "verify", url, "--keys", str(keys_file)]).exit_code == 1


def test_first_key_is_created_once(db, instance):
    first = keys.current_key(db, instance, NOW)
    assert keys.current_key(db, instance, NOW) == first
