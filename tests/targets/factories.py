"""Plain factories for target tests: certificate types and certificates, courses and completions, targets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.certificates.models import Certificate, CertificateType
from elearn.courses.models import Course, Enrolment, Programme, ProgrammeCourse
from elearn.orgs.models import OrgUnit
from elearn.targets.models import Target

DAY = date(2026, 3, 1)
_seq = {"cert": 0, "course": 0}


def cert_type(session: Session, issuer: OrgUnit, code: str = "LLNV-T") -> CertificateType:
    found = session.scalar(select(CertificateType).where(CertificateType.code == code))
    if found:
        return found
    ctype = CertificateType(
        code=code,
        name="Chứng chỉ lý luận và nghiệp vụ công tác công đoàn",
        issuing_unit_id=issuer.id,
        signer_name="Trần Văn Hùng",
        signer_title="Chủ tịch",
        place="Hà Nội",
    )
    session.add(ctype)
    session.flush()
    return ctype


def certificate(
    session: Session,
    officer,
    ctype: CertificateType,
    *,
    status: str = "valid",
    issued: date = date(2025, 10, 1),
    expiry: date | None = None,
) -> Certificate:
    _seq["cert"] += 1
    cert = Certificate(
        serial=f"TT-{_seq['cert']:06d}",
        type_id=ctype.id,
        officer_id=officer.id,
        class_key=_seq["cert"],
        holder_name=officer.full_name,
        course_title=ctype.name,
        issue_date=issued,
        expiry_date=expiry,
        issuing_unit_id=ctype.issuing_unit_id,
        signer_name="Trần Văn Hùng",
        signer_title="Chủ tịch",
        place="Hà Nội",
        status=status,
        token="t",
        key_id="k",
        pdf_path="x.pdf",
        pdf_sha256="0" * 64,
    )
    session.add(cert)
    session.flush()
    return cert


def course(session: Session, title: str = "Chuyên đề thử") -> Course:
    _seq["course"] += 1
    c = Course(code=f"TC-{_seq['course']:04d}", title=title)
    session.add(c)
    session.flush()
    return c


def programme(session: Session, courses: list[Course], code: str = "PT") -> Programme:
    p = Programme(code=code, title="Lý luận và nghiệp vụ công tác công đoàn (thử)")
    session.add(p)
    session.flush()
    for i, c in enumerate(courses):
        session.add(ProgrammeCourse(programme_id=p.id, course_id=c.id, position=i))
    session.flush()
    return p


def complete(session: Session, officer, course_: Course, when: datetime | None) -> Enrolment:
    e = Enrolment(course_id=course_.id, officer_id=officer.id, completed_at=when)
    session.add(e)
    session.flush()
    return e


def target(session: Session, scope: OrgUnit, **kw) -> Target:
    kw.setdefault("name", "Chỉ tiêu thử")
    kw.setdefault("deadline", date(2026, 12, 31))
    kw.setdefault("required_percent", 100)
    kw.setdefault("measure", "certificate")
    kw.setdefault("title_ids", [])
    kw.setdefault("sector_ids", [])
    t = Target(scope_unit_id=scope.id, **kw)
    session.add(t)
    session.flush()
    session.refresh(t)
    return t
