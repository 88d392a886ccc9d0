"""Demo certificates, called by `seed-demo` after the classes seed (see elearn/seed.py).

- Types: the programme certificate "Chứng chỉ lý luận và nghiệp vụ công tác công đoàn" (LLNV) and two
  short-course certificates (TLTT valid 24 months, DTNLV without expiry), issued by the city federation.
- Every eligible member of the ended demo classes K.285 and K.288 gets a certificate (the demo officer is in
  K.285); one of them is revoked with a reason, and one officer who finished TLTT on their own holds a
  certificate issued 30 months ago, now expired.

PDFs go to the app's instance folder; without an app (the seed test) to a throwaway folder.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.authz import in_subtree
from elearn.certificates import issuing, lifecycle
from elearn.certificates.issuing import Issuer
from elearn.certificates.models import Certificate, CertificateType
from elearn.classes.models import ClassMember
from elearn.courses import progress
from elearn.courses.models import Lesson, Module
from elearn.officers.models import Officer, Position
from elearn.orgs.models import OrgUnit
from elearn.seed_context import SeedContext

SIGNER = ("TM. Ban Thường vụ\nChủ tịch", "Nguyễn Văn Hòa")


def _types(session: Session, ctx: SeedContext) -> dict[str, CertificateType]:
    programmes = ctx.shared.get("programmes") or {}
    courses = ctx.shared.get("courses") or {}
    specs = [
        ("LLNV", "Chứng chỉ lý luận và nghiệp vụ công tác công đoàn", programmes.get("LLNV"), None, None),
        ("TH-TLTT", "Chứng nhận hoàn thành tập huấn thương lượng tập thể", None, courses.get("TLTT"), 24),
        (
            "TH-DTNLV",
            "Chứng nhận hoàn thành tập huấn đối thoại tại nơi làm việc",
            None,
            courses.get("DTNLV"),
            None,
        ),
    ]
    made = {}
    for code, name, programme, course, months in specs:
        if programme is None and course is None:
            raise RuntimeError(f"certificates seed: the courses seed did not load what {code} is for.")
        ctype = CertificateType(
            code=code,
            name=name,
            programme_id=programme.id if programme else None,
            course_id=course.id if course else None,
            validity_months=months,
            issuing_unit_id=ctx.city.id,
            signer_title=SIGNER[0],
            signer_name=SIGNER[1],
            place="Hà Nội",
        )
        session.add(ctype)
        made[code] = ctype
    session.flush()
    return made


def _issuer(instance: str, base_url: str, day) -> Issuer:
    return Issuer(instance, base_url, day, datetime.combine(day, time(2, 0)))


def _self_taught_officer(session: Session, ctx: SeedContext, exclude: set[int]) -> Officer:
    """An officer of the staff unit's subtree in no demo class (for the expired course certificate)."""
    ids = session.scalars(
        select(Position.officer_id)
        .join(OrgUnit, OrgUnit.id == Position.unit_id)
        .where(in_subtree(ctx.staff_unit))
        .order_by(Position.officer_id)
    ).all()
    for officer_id in ids:
        officer = session.get(Officer, officer_id)
        if officer_id not in exclude and officer.date_of_birth is not None:
            return officer
    raise RuntimeError("certificates seed: no officer left for the expired certificate.")


def seed_demo(session: Session, ctx: SeedContext) -> None:
    classes = ctx.shared.get("classes") or {}
    if "K.285" not in classes or "K.288" not in classes:
        raise RuntimeError("certificates seed: the classes seed must run first (K.285, K.288).")
    if not ctx.city.serial_prefix:
        ctx.city.serial_prefix = "HN"
    if has_app_context():
        instance, base_url = current_app.instance_path, current_app.config["PUBLIC_BASE_URL"]
    else:
        instance, base_url = tempfile.mkdtemp(prefix="elearn-seed-"), "http://127.0.0.1:8000"
    types = _types(session, ctx)

    issued = []
    for code in ("K.285", "K.288"):
        klass = classes[code]
        day = min(klass.end_date + timedelta(days=3), ctx.today)
        result = issuing.issue_for_class(session, None, klass.id, _issuer(instance, base_url, day))
        issued.extend(result.issued)
    demo = ctx.demo_officer.id
    revocable = next(c for c in reversed(issued) if c.officer_id != demo)
    lifecycle.revoke(
        session,
        None,
        revocable.serial,
        "Ngày sinh in trên chứng chỉ sai so với hồ sơ; chờ đính chính và cấp lại.",
        datetime.combine(ctx.today, time(2, 0)),
    )

    members = set(session.scalars(select(ClassMember.officer_id)))
    officer = _self_taught_officer(session, ctx, members | {demo})
    course_id = types["TH-TLTT"].course_id
    lesson_ids = session.scalars(
        select(Lesson.id).join(Module, Module.id == Lesson.module_id).where(Module.course_id == course_id)
    ).all()
    long_ago = ctx.today - timedelta(days=915)  # about 30 months: the 24-month validity has run out
    for lesson_id in lesson_ids:
        progress.mark_lesson_done(session, officer.id, lesson_id, datetime.combine(long_ago, time(1, 0)))
    expired, _ = issuing.issue(
        session,
        None,
        type_id=types["TH-TLTT"].id,
        officer_id=officer.id,
        class_id=None,
        issuer=_issuer(instance, base_url, long_ago + timedelta(days=1)),
    )
    if expired.expiry_date is None or expired.expiry_date >= ctx.today:
        raise RuntimeError("certificates seed: the old TLTT certificate should have expired.")
    session.flush()
    ctx.shared["certificates"] = {
        c.serial: c for c in session.scalars(select(Certificate).order_by(Certificate.serial))
    }
