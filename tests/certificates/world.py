"""Certificate test helpers: a course, a class with members, a certificate type, an issuer."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.certificates.issuing import Issuer
from elearn.certificates.models import CertificateType
from elearn.classes.models import ClassMember, ClassTrainer, TrainingClass
from elearn.courses.progress import mark_lesson_done
from tests import factories

BASE_URL = "https://lms.test"
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 3, 0)


def issuer(instance_path, today: date = TODAY, now: datetime = NOW) -> Issuer:
    return Issuer(instance_path=str(instance_path), base_url=BASE_URL, today=today, now=now)


def cert_type(
    session: Session, world, course=None, programme=None, code="CT-TEST", validity=None
) -> CertificateType:
    ctype = CertificateType(
        code=code,
        name="Chứng chỉ bồi dưỡng nghiệp vụ công tác công đoàn",
        course_id=course.id if course else None,
        programme_id=programme.id if programme else None,
        validity_months=validity,
        issuing_unit_id=world.city.id,
        signer_name="Trần Văn Hùng",
        signer_title="TM. Ban Thường vụ\nChủ tịch",
        place="Hà Nội",
    )
    session.add(ctype)
    session.flush()
    return ctype


def training_class(session: Session, world, course, code="K.TEST", officers=(), rule=None, trainer=None):
    item = TrainingClass(
        code=code,
        title=f"Lớp {code}",
        course_id=course.id,
        unit_id=world.a1.id,
        start_date=date(2026, 10, 1),
        end_date=date(2026, 10, 10),
        capacity=50,
        completion_rule=rule if rule is not None else {"online_modules": "all"},
    )
    session.add(item)
    session.flush()
    for officer in officers:
        session.add(ClassMember(class_id=item.id, officer_id=officer.id))
    if trainer is not None:
        session.add(ClassTrainer(class_id=item.id, user_id=trainer.id))
    session.flush()
    return item


def complete(session: Session, officer_id: int, course) -> None:
    for lesson in factories.course_lessons(course):
        mark_lesson_done(session, officer_id, lesson.id, NOW)


def setup_class(session: Session, world, code="K.TEST", names=("Nguyễn Thị Thanh Tùng",), validity=None):
    """A course, its certificate type, a class at TEST-A1 whose members have all completed the course."""
    course = factories.course(session, f"C-{code}", modules=(1, 1))
    ctype = cert_type(session, world, course=course, code=f"T-{code}".replace(".", ""), validity=validity)
    officers = [factories.officer(session, world.a1, name=name) for name in names]
    klass = training_class(session, world, course, code=code, officers=officers, trainer=world.trainer)
    for officer in officers:
        complete(session, officer.id, course)
    return course, ctype, klass, officers


def first_officer_of(session: Session, world):
    return world.officer_user.officer


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, **kwargs)


def scan_pdf(pdf_path: Path, tmp_path: Path) -> str:
    """Render the PDF's first page with pdftoppm and decode the QR code with zbarimg, as a phone would."""
    png = tmp_path / "scan"
    done = run("pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(png))
    assert done.returncode == 0, done.stderr
    done = run("zbarimg", "--quiet", "--raw", f"{png}.png")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def sample_type(session: Session) -> CertificateType | None:
    return session.scalar(select(CertificateType).where(CertificateType.code == "SAMPLE-CERT"))
