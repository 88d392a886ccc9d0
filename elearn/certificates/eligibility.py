"""Who may receive a certificate: the class's completion rule, or the course's or programme's completion.

Also computes what the certificate prints about the learning (course or programme title, class code, hours,
result), so issuing never has to guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.certificates.models import CertificateType
from elearn.classes.completion import MemberStatus, class_statuses, member_status
from elearn.classes.models import ClassMember, TrainingClass
from elearn.courses.models import Course, Programme, ProgrammeCourse
from elearn.courses.progress import course_completed
from elearn.errors import DomainError, ValidationError
from elearn.officers.models import Officer
from elearn.quizzes.quiz_models import Quiz
from elearn.quizzes.results import quiz_grade

COMPLETED = "Hoàn thành"


class NotEligible(DomainError):
    status_code = 422

    def __init__(self, name: str, reasons: list[str]):
        super().__init__(f"{name} chưa đủ điều kiện nhận chứng chỉ: {'; '.join(reasons)}.")
        self.reasons = list(reasons)


@dataclass
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    result: str = COMPLETED


@dataclass(frozen=True)
class Printed:
    """What the certificate says about the learning, apart from the holder."""

    course_title: str
    class_code: str | None
    hours: int | None


def type_matches_class(ctype: CertificateType, training_class: TrainingClass) -> bool:
    return bool(
        (ctype.course_id and ctype.course_id == training_class.course_id)
        or (ctype.programme_id and ctype.programme_id == training_class.programme_id)
    )


def types_for_class(session: Session, training_class: TrainingClass) -> list[CertificateType]:
    conditions = []
    if training_class.course_id:
        conditions.append(CertificateType.course_id == training_class.course_id)
    if training_class.programme_id:
        conditions.append(CertificateType.programme_id == training_class.programme_id)
    if not conditions:
        return []
    stmt = select(CertificateType).where(
        conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    )
    return list(session.scalars(stmt.order_by(CertificateType.id)))


def type_for_class(
    session: Session, training_class: TrainingClass, type_id: int | None = None
) -> CertificateType:
    types = types_for_class(session, training_class)
    if type_id is not None:
        types = [t for t in types if t.id == type_id]
    if not types:
        raise ValidationError(
            f"Chưa có loại chứng chỉ nào cho khóa học/chương trình của lớp {training_class.code}; "
            "quản trị hệ thống cần tạo loại chứng chỉ trước."
        )
    return types[0]


def printed_for(session: Session, ctype: CertificateType, training_class: TrainingClass | None) -> Printed:
    course_id = training_class.course_id if training_class else ctype.course_id
    programme_id = (
        None if course_id else (training_class.programme_id if training_class else ctype.programme_id)
    )
    if course_id:
        course = session.get(Course, course_id)
        title, hours = course.title, course.hours
    else:
        programme = session.get(Programme, programme_id)
        title = programme.title
        hours = session.scalar(
            select(func.sum(Course.hours))
            .join(ProgrammeCourse, ProgrammeCourse.course_id == Course.id)
            .where(ProgrammeCourse.programme_id == programme_id)
        )
    return Printed(
        course_title=title, class_code=training_class.code if training_class else None, hours=hours or None
    )


def _result(session: Session, training_class: TrainingClass | None, officer_id: int) -> str:
    quiz_id = (training_class.completion_rule or {}).get("final_quiz_id") if training_class else None
    if quiz_id in (None, ""):
        return COMPLETED
    quiz = session.get(Quiz, int(quiz_id))
    grade = quiz_grade(session, quiz, officer_id) if quiz else None
    if grade is None:
        return COMPLETED
    return f"{COMPLETED}, điểm kiểm tra cuối khóa {grade.quantize(1):f}/100"


def _registry_reasons(officer: Officer) -> list[str]:
    return [] if officer.date_of_birth else ["Chưa có ngày sinh trong danh sách cán bộ"]


def from_status(
    session: Session, officer: Officer, training_class: TrainingClass, status: MemberStatus
) -> Eligibility:
    reasons = list(status.missing) + _registry_reasons(officer)
    if reasons:
        return Eligibility(False, reasons)
    return Eligibility(True, [], _result(session, training_class, officer.id))


def check(
    session: Session,
    ctype: CertificateType,
    officer: Officer,
    training_class: TrainingClass | None,
    now: datetime,
) -> Eligibility:
    """Apply the class's completion rule (and membership), or the type's course or programme completion."""
    if training_class is not None:
        member = session.scalar(
            select(ClassMember.id).where(
                ClassMember.class_id == training_class.id, ClassMember.officer_id == officer.id
            )
        )
        if member is None:
            return Eligibility(False, [f"Không phải học viên của lớp {training_class.code}"])
        return from_status(
            session, officer, training_class, member_status(session, training_class, officer.id, now)
        )
    reasons = _registry_reasons(officer)
    if ctype.course_id:
        if not course_completed(session, officer.id, ctype.course_id):
            reasons.insert(0, f"Chưa hoàn thành chuyên đề «{session.get(Course, ctype.course_id).title}»")
    else:
        courses = session.scalars(
            select(Course)
            .join(ProgrammeCourse, ProgrammeCourse.course_id == Course.id)
            .where(ProgrammeCourse.programme_id == ctype.programme_id)
            .order_by(ProgrammeCourse.position)
        ).all()
        if not courses:
            reasons.insert(0, "Chương trình chưa có chuyên đề nào")
        missing = [c.title for c in courses if not course_completed(session, officer.id, c.id)]
        reasons[:0] = [f"Chưa hoàn thành chuyên đề «{title}»" for title in missing]
    return Eligibility(not reasons, reasons)


def roster(session: Session, training_class: TrainingClass, now: datetime) -> list[MemberStatus]:
    return class_statuses(session, training_class, now)
