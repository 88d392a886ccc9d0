"""In-person sessions of a class and their attendance. Times are entered in Vietnam time and stored in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.classes.models import Attendance, ClassMember, ClassSession, TrainingClass
from elearn.classes.services import get_class, list_classes, member_counts, officer_classes
from elearn.courses.authoring import courses_i_edit
from elearn.errors import NotFound, ValidationError
from elearn.officers.models import Officer
from elearn.quizzes.grading import grading_queue
from elearn.vietnamese import name_key
from elearn.web import LOCAL_TZ


def to_utc(day: date, at: time) -> datetime:
    """A Vietnam wall-clock time as naive UTC (how the database keeps times)."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


@dataclass
class SessionData:
    day: date
    start: time
    end: time
    place: str
    topic: str = ""


def _check(training_class: TrainingClass, data: SessionData) -> SessionData:
    place = " ".join(data.place.split())
    if not place:
        raise ValidationError("Hãy nhập địa điểm.")
    if data.end <= data.start:
        raise ValidationError("Giờ kết thúc phải sau giờ bắt đầu.")
    if not training_class.start_date <= data.day <= training_class.end_date:
        raise ValidationError(
            f"Ngày học phải trong thời gian của lớp ({training_class.start_date:%d/%m/%Y} – "
            f"{training_class.end_date:%d/%m/%Y})."
        )
    return SessionData(data.day, data.start, data.end, place[:300], " ".join(data.topic.split())[:300])


def create_session(session: Session, actor: User, class_id: int, data: SessionData) -> ClassSession:
    training_class = get_class(session, actor, class_id)
    data = _check(training_class, data)
    row = ClassSession(
        class_id=class_id,
        starts_at=to_utc(data.day, data.start),
        ends_at=to_utc(data.day, data.end),
        place=data.place,
        topic=data.topic,
    )
    session.add(row)
    session.flush()
    record(session, actor, "class.session_create", "training_class", training_class.code, session_id=row.id)
    return row


def update_session(session: Session, actor: User, session_id: int, data: SessionData) -> ClassSession:
    row = get_session_for(session, actor, session_id)
    data = _check(row.training_class, data)
    row.starts_at, row.ends_at = to_utc(data.day, data.start), to_utc(data.day, data.end)
    row.place, row.topic = data.place, data.topic
    session.flush()
    return row


def delete_session(session: Session, actor: User, session_id: int) -> int:
    row = get_session_for(session, actor, session_id)
    class_id = row.class_id
    record(
        session, actor, "class.session_delete", "training_class", row.training_class.code, session_id=row.id
    )
    session.delete(row)
    session.flush()
    return class_id


def get_session_for(session: Session, actor: User, session_id: int) -> ClassSession:
    row = session.get(ClassSession, session_id)
    if row is None:
        raise NotFound("Không tìm thấy buổi học.")
    get_class(session, actor, row.class_id)
    return row


@dataclass
class AttendanceRow:
    officer_id: int
    code: str
    full_name: str
    present: bool


def attendance_sheet(
    session: Session, actor: User, session_id: int
) -> tuple[ClassSession, list[AttendanceRow]]:
    """The session and every class member with their mark (no mark means absent), by name."""
    row = get_session_for(session, actor, session_id)
    marks = dict(
        session.execute(
            select(Attendance.officer_id, Attendance.present).where(Attendance.session_id == session_id)
        ).all()
    )
    members = session.execute(
        select(Officer.id, Officer.code, Officer.full_name)
        .join(ClassMember, ClassMember.officer_id == Officer.id)
        .where(ClassMember.class_id == row.class_id)
        .order_by(Officer.id)
    ).all()
    members = sorted(members, key=lambda m: name_key(m.full_name))
    return row, [AttendanceRow(oid, code, name, bool(marks.get(oid, False))) for oid, code, name in members]


def set_attendance(
    session: Session, actor: User, session_id: int, officer_id: int, present: bool, now: datetime
) -> Attendance:
    """Marks one member present or absent. Idempotent: the same mark twice leaves one row."""
    row = get_session_for(session, actor, session_id)
    return _mark(session, actor, row, officer_id, present, now)


def _mark(session: Session, actor: User | None, row: ClassSession, officer_id: int, present: bool, now):
    is_member = session.scalar(
        select(ClassMember.id).where(
            ClassMember.class_id == row.class_id, ClassMember.officer_id == officer_id
        )
    )
    if not is_member:
        raise NotFound("Cán bộ không phải học viên của lớp.")
    mark = session.scalar(
        select(Attendance).where(Attendance.session_id == row.id, Attendance.officer_id == officer_id)
    )
    if mark is None:
        mark = Attendance(session_id=row.id, officer_id=officer_id, present=present)
        session.add(mark)
    elif mark.present == present:
        return mark
    mark.present = present
    mark.marked_by_id = actor.id if actor is not None else None
    mark.marked_at = now
    session.flush()
    return mark


def set_attendance_many(
    session: Session, actor: User | None, row: ClassSession, marks: dict[int, bool], now: datetime
) -> int:
    """Writes several marks of one session (the importer checked membership). Returns marks changed."""
    existing = {
        a.officer_id: a for a in session.scalars(select(Attendance).where(Attendance.session_id == row.id))
    }
    changed = 0
    for officer_id, present in marks.items():
        mark = existing.get(officer_id)
        if mark is not None and mark.present == present:
            continue
        if mark is None:
            mark = Attendance(session_id=row.id, officer_id=officer_id)
            session.add(mark)
        mark.present = present
        mark.marked_by_id = actor.id if actor is not None else None
        mark.marked_at = now
        changed += 1
    session.flush()
    return changed


def upcoming_sessions(
    session: Session, class_ids: list[int], now: datetime, limit: int = 5
) -> list[ClassSession]:
    """Sessions of these classes that have not ended yet, soonest first (an officer's home page)."""
    if not class_ids:
        return []
    return list(
        session.scalars(
            select(ClassSession)
            .where(ClassSession.class_id.in_(class_ids), ClassSession.ends_at >= now)
            .order_by(ClassSession.starts_at)
            .limit(limit)
        )
    )


def officer_home(
    session: Session, officer_id: int, now: datetime
) -> list[tuple[TrainingClass, list[ClassSession]]]:
    """An officer's classes that have not ended, each with its coming sessions (their home page)."""
    today = to_local(now).date()
    classes = [c for c in officer_classes(session, officer_id) if c.end_date >= today]
    coming = upcoming_sessions(session, [c.id for c in classes], now, limit=20)
    return [(c, [s for s in coming if s.class_id == c.id][:3]) for c in classes]


def trainer_home(session: Session, actor: User, now: datetime) -> dict:
    """A trainer's home page: the classes they run that have not ended, each with its coming sessions,
    the courses they edit, and how many essay answers wait for their mark."""
    today = to_local(now).date()
    mine = list_classes(session, actor)
    classes = sorted((c for c in mine if c.end_date >= today), key=lambda c: (c.start_date, c.code))
    coming = upcoming_sessions(session, [c.id for c in classes], now, limit=50)
    return {
        "classes": [(c, [s for s in coming if s.class_id == c.id][:3]) for c in classes],
        "members": member_counts(session, [c.id for c in classes]),
        "ended_count": len(mine) - len(classes),
        "courses": courses_i_edit(session, actor),
        "to_grade": len(grading_queue(session, actor)),
        "today": today,
    }
