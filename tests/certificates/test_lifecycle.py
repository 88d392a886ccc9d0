"""After issue: web issuing for a class, ZIP, my certificates, revoke/re-issue, and the CLI commands."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.certificates import issuing, lifecycle
from elearn.certificates.models import Certificate
from elearn.errors import Conflict
from elearn.officers.models import Officer
from tests.certificates.world import issuer, setup_class


def test_class_page_issues_everyone_and_zips_the_stored_pdfs(db, world, auth, client, instance):
    _, _, klass, officers = setup_class(db, world, names=("Nguyễn Văn An", "Trần Thị Bích"))
    auth.login("staff-a@test.vn")
    page = client.get(f"/certificates/class/{klass.id}").get_data(as_text=True)
    assert "Cấp cho tất cả học viên đủ điều kiện (2)" in page and "Đủ điều kiện" in page
    response = auth.post(f"/certificates/class/{klass.id}/issue", {"officer_id": ""}, follow_redirects=True)
    assert "Đã cấp 2 chứng chỉ." in response.get_data(as_text=True)
    certs = db.scalars(select(Certificate).where(Certificate.class_id == klass.id)).all()
    assert len(certs) == 2

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/certificates/class/{klass.id}/zip").data))
    assert sorted(archive.namelist()) == sorted(f"{c.serial}.pdf" for c in certs)
    for cert in certs:  # the files survived the request's commit and are what was stored
        assert archive.read(f"{cert.serial}.pdf") == (Path(instance) / cert.pdf_path).read_bytes()
        assert client.get(f"/certificates/{cert.serial}/pdf").data == archive.read(f"{cert.serial}.pdf")


def test_staff_of_another_branch_cannot_see_the_class(db, world, auth, client):
    _, _, klass, _ = setup_class(db, world)
    auth.login("staff-b@test.vn")
    assert client.get(f"/certificates/class/{klass.id}").status_code == 403


def test_my_certificates_and_revoke_on_the_web(db, world, auth, client, instance):
    from tests import factories
    from tests.certificates.world import cert_type, complete, training_class

    course = factories.course(db, "C-MINE", modules=(1,))
    ctype = cert_type(db, world, course=course, code="T-MINE")
    me = world.officer_user.officer
    klass = training_class(db, world, course, code="K.MINE", officers=[me])
    complete(db, me.id, course)
    cert, _ = issuing.issue(
        db, None, type_id=ctype.id, officer_id=me.id, class_id=klass.id, issuer=issuer(instance)
    )

    auth.login("officer@test.vn")
    mine = client.get("/certificates/mine").get_data(as_text=True)
    assert cert.serial in mine and "Hợp lệ" in mine
    assert cert.serial in client.get("/").get_data(as_text=True)
    assert client.get(f"/certificates/{cert.serial}/pdf").data[:5] == b"%PDF-"
    client.post("/logout", data={"csrf_token": auth.csrf()})

    auth.login("staff-a@test.vn")
    response = auth.post(
        f"/certificates/{cert.serial}/revoke",
        {"revoke-reason": "Học viên không đủ điều kiện"},
        follow_redirects=True,
    )
    assert f"Đã thu hồi chứng chỉ {cert.serial}" in response.get_data(as_text=True)
    db.refresh(cert)
    assert cert.status == "revoked" and cert.revoked_by_id == world.staff_a.id


def test_reissue_after_a_name_correction(db, world, instance):
    _, _, klass, (officer,) = setup_class(db, world, names=("Nguyễn Thị Thanh Tung",))
    old, _ = issuing.issue(
        db,
        None,
        type_id=_type_id(db, klass),
        officer_id=officer.id,
        class_id=klass.id,
        issuer=issuer(instance),
    )
    db.get(Officer, officer.id).full_name = "Nguyễn Thị Thanh Tùng"
    new = lifecycle.reissue(db, world.staff_a, old.serial, "Sai dấu trong họ tên", issuer(instance))
    assert new.serial != old.serial and new.replaces_id == old.id
    assert new.holder_name == "Nguyễn Thị Thanh Tùng"
    assert old.status == "revoked" and old.revoked_reason == "Cấp lại: Sai dấu trong họ tên"
    with pytest.raises(Conflict):
        lifecycle.reissue(db, world.staff_a, old.serial, "Lần nữa", issuer(instance))


def _type_id(db, klass):
    from elearn.certificates.eligibility import type_for_class

    return type_for_class(db, klass).id


def test_cli_issue_list_pdf_revoke(db, world, app, instance, tmp_path):
    _, _, klass, officers = setup_class(db, world, names=("Nguyễn Văn An", "Trần Thị Bích"), validity=24)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "issue", "--class", klass.code])
    assert result.exit_code == 0, result.output
    assert "Đã cấp 2 chứng chỉ mới" in result.output
    assert (
        "Đã cấp 0 chứng chỉ mới; 2 học viên đã có"
        in runner.invoke(args=["certificates", "issue", "--class", klass.code]).output
    )

    rows = json.loads(runner.invoke(args=["certificates", "list", "--json"]).output)
    mine = [r for r in rows if r["holder"] in ("Nguyễn Văn An", "Trần Thị Bích")]
    assert len(mine) == 2 and all(r["status"] == "valid" and r["expires"] for r in mine)
    assert set(mine[0]) == {"serial", "holder", "type", "status", "issued", "expires"}
    serial = mine[0]["serial"]

    out = tmp_path / "copy.pdf"
    assert runner.invoke(args=["certificates", "pdf", serial, "-o", str(out)]).exit_code == 0
    cert = db.scalar(select(Certificate).where(Certificate.serial == serial))
    assert out.read_bytes() == (Path(instance) / cert.pdf_path).read_bytes()

    result = runner.invoke(args=["certificates", "revoke", serial, "--reason", "Trùng lặp"])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(args=["certificates", "list", "--json"]).output)
    assert next(r for r in rows if r["serial"] == serial)["status"] == "revoked"
    assert runner.invoke(args=["certificates", "revoke", serial, "--reason", "x"]).exit_code == 1
