"""Each class member's status against the class's completion rule (used by the class page and certificates).

TrainingClass.completion_rule = {"online_modules": "all" | N, "min_attendance": percent, "final_quiz_id": id};
every part is optional and an absent part is not required.

- Online modules are counted over the class's course, or over every course of its programme (a module is done
  when all its lessons are done; see elearn.courses.progress.modules_done_many).
- Attendance is the share of *held* sessions the officer was marked present at. A session is held once its
  start time has passed; once the class has ended (its end date is before today in Vietnam) every session of
  the class counts, so a scheduled session nobody marked counts as an absence rather than disappearing.
  The threshold is compared exactly (present * 100 >= min * held); `attendance_percent` is floored.
- The final quiz is passed per elearn.quizzes.results.quiz_passed (the quiz's grading method and pass mark).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.classes.models import Attendance, ClassMember, ClassSession, TrainingClass
from elearn.courses.models import ProgrammeCourse
from elearn.courses.progress import modules_done_many
from elearn.db import inline, utcnow
from elearn.officers.models import Officer
from elearn.quizzes.quiz_models import QuizAttempt
from elearn.quizzes.results import quiz_passed
from elearn.vietnamese import name_key
from elearn.web import LOCAL_TZ


@dataclass
class MemberStatus:
    officer_id: int
    full_name: str
    modules_done: int
    modules_total: int
    sessions_attended: int
    sessions_total: int
    attendance_percent: int  # 0 when no session has been held
    quiz_passed: bool | None  # None when the rule has no final quiz
    completed: bool
    missing: list[str] = field(default_factory=list)  # what is still lacking, in Vietnamese
    code: str = ""


def class_course_ids(session: Session, training_class: TrainingClass) -> list[int]:
    """The course of the class, or the programme's courses in programme order."""
    if training_class.course_id is not None:
        return [training_class.course_id]
    return list(
        session.scalars(
            select(ProgrammeCourse.course_id)
            .where(ProgrammeCourse.programme_id == training_class.programme_id)
            .order_by(ProgrammeCourse.position)
        )
    )


def local_date(now: datetime) -> date:
    """The date in Vietnam at `now` (naive UTC)."""
    return now.replace(tzinfo=UTC).astimezone(LOCAL_TZ).date()


def class_has_ended(training_class: TrainingClass, now: datetime) -> bool:
    return training_class.end_date < local_date(now)


def held_session_ids(session: Session, training_class: TrainingClass, now: datetime) -> list[int]:
    stmt = select(ClassSession.id).where(ClassSession.class_id == training_class.id)
    if not class_has_ended(training_class, now):
        stmt = stmt.where(ClassSession.starts_at <= now)
    return list(session.scalars(stmt))


def _rule(training_class: TrainingClass) -> dict:
    return training_class.completion_rule or {}


def _modules_needed(rule: dict, total: int) -> int | None:
    wanted = rule.get("online_modules")
    if wanted in (None, ""):
        return None
    if wanted == "all":
        return total
    try:
        return min(max(int(wanted), 0), total)
    except (TypeError, ValueError):
        return total


def _status(
    rule: dict,
    officer_id: int,
    name: str,
    code: str,
    modules: tuple[int, int],
    present: int,
    held: int,
    passed: bool | None,
) -> MemberStatus:
    done, total = modules
    missing = []
    needed = _modules_needed(rule, total)
    if needed is not None and done < needed:
        if needed == total:
            missing.append(f"Chưa học xong {done}/{total} học phần")
        else:
            missing.append(f"Chưa học đủ {needed} học phần (mới xong {done}/{total})")
    min_attendance = rule.get("min_attendance")
    if min_attendance not in (None, ""):
        minimum = int(min_attendance)
        if held == 0:
            missing.append(f"Chưa có buổi học trực tiếp nào (cần chuyên cần ≥ {minimum}%)")
        elif present * 100 < minimum * held:
            missing.append(f"Chuyên cần {present * 100 // held}% (cần ≥ {minimum}%)")
    if passed is False:
        missing.append("Chưa đạt bài kiểm tra cuối khóa")
    return MemberStatus(
        officer_id=officer_id,
        full_name=name,
        code=code,
        modules_done=done,
        modules_total=total,
        sessions_attended=present,
        sessions_total=held,
        attendance_percent=present * 100 // held if held else 0,
        quiz_passed=passed,
        completed=not missing,
        missing=missing,
    )


def class_statuses(
    session: Session, training_class: TrainingClass, now: datetime | None = None
) -> list[MemberStatus]:
    """Every member's status, by name. Queries: the roster, two per course, one for attendance, one for the
    quiz attempts (plus, with a final quiz, one grade lookup per member who has submitted an attempt)."""
    members = session.execute(
        select(Officer.id, Officer.full_name, Officer.code)
        .join(ClassMember, ClassMember.officer_id == Officer.id)
        .where(ClassMember.class_id == training_class.id)
        .order_by(Officer.id)
    ).all()
    members = sorted(members, key=lambda m: name_key(m.full_name))
    return _statuses(session, training_class, members, now or utcnow())


def member_status(
    session: Session, training_class: TrainingClass, officer_id: int, now: datetime | None = None
) -> MemberStatus:
    """The status of one officer (member or not: the rule is applied to their records all the same)."""
    row = session.execute(
        select(Officer.id, Officer.full_name, Officer.code).where(Officer.id == officer_id)
    ).one()
    return _statuses(session, training_class, [row], now or utcnow())[0]


def _statuses(session: Session, training_class: TrainingClass, members, now: datetime) -> list[MemberStatus]:
    rule = _rule(training_class)
    ids = [m[0] for m in members]
    if not ids:
        return []
    modules = dict.fromkeys(ids, (0, 0))
    for course_id in class_course_ids(session, training_class):
        for oid, (done, total) in modules_done_many(session, ids, course_id).items():
            modules[oid] = (modules[oid][0] + done, modules[oid][1] + total)
    held = held_session_ids(session, training_class, now)
    present = dict.fromkeys(ids, 0)
    if held:
        present.update(
            session.execute(
                select(Attendance.officer_id, func.count(Attendance.id))
                .where(
                    Attendance.session_id.in_(held),
                    Attendance.officer_id.in_(ids),
                    Attendance.present.is_(True),
                )
                .group_by(Attendance.officer_id)
            ).all()
        )
    passed = _quiz_results(session, rule.get("final_quiz_id"), ids)
    return [
        _status(rule, oid, name, code, modules[oid], present[oid], len(held), passed.get(oid))
        for oid, name, code in members
    ]


def _quiz_results(session: Session, quiz_id, ids: list[int]) -> dict[int, bool | None]:
    if quiz_id in (None, ""):
        return {}
    attempted = set(
        session.scalars(
            select(QuizAttempt.officer_id)
            .where(
                QuizAttempt.quiz_id == int(quiz_id),
                QuizAttempt.officer_id.in_(ids),
                QuizAttempt.state == inline("submitted"),
            )
            .distinct()
        )
    )
    return {oid: oid in attempted and quiz_passed(session, int(quiz_id), oid) for oid in ids}
