"""Issuing: eligibility, idempotence, serials, the stored PDF (fonts, Vietnamese text), file/row pairing."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.certificates import issuing, lifecycle
from elearn.certificates.eligibility import NotEligible
from elearn.certificates.models import Certificate, SerialCounter
from elearn.certificates.pdf import MissingGlyph
from elearn.classes.models import ClassMember
from elearn.errors import Forbidden
from tests import factories
from tests.certificates.world import complete, issuer, run, setup_class, training_class

HOLDER = "Nguyễn Thị Thanh Tùng"


def _issue(db, world, ctype, officer, klass, instance, actor=None, **kw):
    return issuing.issue(
        db,
        actor,
        type_id=ctype.id,
        officer_id=officer.id,
        class_id=klass.id if klass else None,
        issuer=issuer(instance, **kw),
    )


def test_issue_stores_the_pdf_once_with_a_snapshot(db, world, instance):
    course, ctype, klass, (officer,) = setup_class(db, world)
    cert, created = _issue(db, world, ctype, officer, klass, instance, actor=world.staff_a)

    assert created
    assert cert.serial == "TN-2026-000001"
    path = Path(instance) / cert.pdf_path
    assert cert.pdf_path == f"certificates/2026/{cert.serial}.pdf"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == cert.pdf_sha256
    assert (cert.holder_name, cert.holder_dob, cert.class_code) == (HOLDER, officer.date_of_birth, klass.code)
    assert cert.course_title == course.title and cert.result == "Hoàn thành"
    # Downloads serve the stored bytes, not a new rendering.
    assert lifecycle.pdf_bytes(db, world.staff_a, cert.serial, instance)[1] == data
    with pytest.raises(Forbidden):  # another officer's certificate
        lifecycle.pdf_bytes(db, world.officer_user, cert.serial, instance)


def test_pdf_embeds_the_font_and_keeps_the_vietnamese_name_even_from_nfd(db, world, instance, tmp_path):
    nfd = unicodedata.normalize("NFD", HOLDER)
    assert nfd != HOLDER
    _, ctype, klass, (officer,) = setup_class(db, world, names=(nfd,))
    cert, _ = _issue(db, world, ctype, officer, klass, instance)
    pdf = str(Path(instance) / cert.pdf_path)

    fonts = run("pdffonts", pdf).stdout
    rows = [line for line in fonts.splitlines() if "NotoSerif" in line]
    assert rows and all(" yes " in row for row in rows)  # emb column
    text = run("pdftotext", "-enc", "UTF-8", pdf, "-").stdout
    assert HOLDER in text
    assert cert.holder_name == HOLDER


def test_not_completed_is_not_eligible_with_reasons(db, world, instance):
    course, ctype, klass, _ = setup_class(db, world)
    late = factories.officer(db, world.a1, name="Phạm Văn Muộn")
    db.add(ClassMember(class_id=klass.id, officer_id=late.id))
    db.flush()

    with pytest.raises(NotEligible) as caught:
        _issue(db, world, ctype, late, klass, instance)
    assert any("Chưa học xong 0/2 học phần" in r for r in caught.value.reasons)
    assert "chưa đủ điều kiện" in caught.value.message
    outsider = factories.officer(db, world.a1, name="Lê Thị Ngoài")
    with pytest.raises(NotEligible, match="Không phải học viên"):
        _issue(db, world, ctype, outsider, klass, instance)
    assert db.scalar(select(func.count(Certificate.id)).where(Certificate.type_id == ctype.id)) == 0


def test_course_type_without_class_needs_the_course_completed(db, world, instance):
    course, ctype, _, _ = setup_class(db, world)
    someone = factories.officer(db, world.a2, name="Đỗ Văn Chưa")
    with pytest.raises(NotEligible, match="Chưa hoàn thành chuyên đề"):
        _issue(db, world, ctype, someone, None, instance)
    complete(db, someone.id, course)
    cert, created = _issue(db, world, ctype, someone, None, instance)
    assert created and cert.class_key == 0 and cert.class_code is None


def test_issuing_twice_returns_the_same_certificate(db, world, instance):
    _, ctype, klass, (officer,) = setup_class(db, world)
    first, created_first = _issue(db, world, ctype, officer, klass, instance)
    second, created_second = _issue(db, world, ctype, officer, klass, instance)
    again = issuing.issue_for_class(db, None, klass.id, issuer(instance))

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id and [c.id for c in again.existing] == [first.id] and not again.issued
    counter = db.get(SerialCounter, (world.city.id, 2026))
    assert counter.last_value == int(first.serial[-6:])


def test_serials_are_gapless_per_unit_and_year(db, world, instance):
    names = ("Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường")
    _, ctype, klass, officers = setup_class(db, world, names=names)
    result = issuing.issue_for_class(db, world.admin, klass.id, issuer(instance))
    numbers = sorted(int(c.serial.split("-")[2]) for c in result.issued)
    assert len(numbers) == 3 and numbers == list(range(numbers[0], numbers[0] + 3))
    assert all(c.serial.startswith("TN-2026-") for c in result.issued)

    other = factories.officer(db, world.a1, name="Vũ Thị Dung")
    klass2 = training_class(
        db, world, db.get(type(klass), klass.id).course, code="K.NEXT", officers=[other], rule={}
    )
    cert, _ = _issue(db, world, ctype, other, klass2, instance, today=date(2027, 1, 5))
    assert cert.serial == "TN-2027-000001"


def test_bulk_issue_skips_and_reports_the_others(db, world, instance):
    _, ctype, klass, _ = setup_class(db, world, names=("Nguyễn Văn An",))
    late = factories.officer(db, world.a1, name="Phạm Văn Muộn")
    db.add(ClassMember(class_id=klass.id, officer_id=late.id))
    db.flush()
    result = issuing.issue_for_class(db, world.staff_a, klass.id, issuer(instance))
    assert len(result.issued) == 1
    assert result.skipped == [("Phạm Văn Muộn", ["Chưa học xong 0/2 học phần"])]
    assert "Đã cấp 1 chứng chỉ mới" in result.summary()


def test_a_missing_glyph_keeps_no_serial_no_row_and_no_file(db, world, instance):
    _, ctype, klass, (officer,) = setup_class(db, world, names=("Nguyễn Văn 李",))
    before = set((Path(instance) / "certificates").rglob("*.pdf"))
    with pytest.raises(MissingGlyph):
        _issue(db, world, ctype, officer, klass, instance)
    assert db.scalar(select(func.count(Certificate.id)).where(Certificate.officer_id == officer.id)) == 0
    counter = db.get(SerialCounter, (world.city.id, 2026))
    assert (
        counter is None
        or counter.last_value == 0
        or db.scalar(select(func.count(Certificate.id)).where(Certificate.issuing_unit_id == world.city.id))
        == counter.last_value
    )
    assert set((Path(instance) / "certificates").rglob("*.pdf")) == before


def test_a_rolled_back_transaction_removes_the_file(db, world, instance):
    _, ctype, klass, (officer,) = setup_class(db, world)
    db.commit()  # the fixture's savepoint: the setup stays, the issue below is rolled back
    cert, _ = _issue(db, world, ctype, officer, klass, instance)
    path = Path(instance) / cert.pdf_path
    assert path.exists()
    db.rollback()
    assert not path.exists()


def test_only_managers_issue(db, world, instance):
    _, ctype, klass, (officer,) = setup_class(db, world)
    for actor in (world.staff_b, world.trainer, world.officer_user):
        with pytest.raises(Forbidden):
            _issue(db, world, ctype, officer, klass, instance, actor=actor)
