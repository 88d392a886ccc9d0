"""Small builders for class tests (courses, programmes, classes, sessions, progress)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from elearn.classes.models import Attendance, ClassMember, ClassSession, ClassTrainer, TrainingClass
from elearn.courses.models import Course, Lesson, LessonProgress, Module, Programme, ProgrammeCourse
from elearn.db import utcnow

_seq = {"n": 0}


def _next() -> int:
    _seq["n"] += 1
    return _seq["n"]


def course(db, lessons_per_module=(2, 1), code=None) -> Course:
    n = _next()
    c = Course(code=code or f"TC{n}", title=f"Chuyên đề thử {n}", enrolment="class")
    db.add(c)
    db.flush()
    for m_pos, count in enumerate(lessons_per_module, start=1):
        m = Module(course_id=c.id, position=m_pos, title=f"Học phần {m_pos}")
        db.add(m)
        db.flush()
        for l_pos in range(1, count + 1):
            db.add(Lesson(module_id=m.id, position=l_pos, slug=f"bai-{m_pos}-{l_pos}", title=f"Bài {l_pos}"))
    db.flush()
    return c


def programme(db, courses) -> Programme:
    n = _next()
    p = Programme(code=f"TP{n}", title=f"Chương trình thử {n}")
    db.add(p)
    db.flush()
    for pos, c in enumerate(courses, start=1):
        db.add(ProgrammeCourse(programme_id=p.id, course_id=c.id, position=pos))
    db.flush()
    return p


def training_class(
    db, unit, *, course=None, programme=None, rule=None, capacity=50, trainer=None, start=None, end=None
) -> TrainingClass:
    n = _next()
    start = start or date.today() - timedelta(days=10)
    tc = TrainingClass(
        code=f"K.T{n}",
        title=f"Lớp thử {n}",
        unit_id=unit.id,
        course_id=course.id if course else None,
        programme_id=programme.id if programme else None,
        start_date=start,
        end_date=end or start + timedelta(days=60),
        capacity=capacity,
        completion_rule=rule or {},
    )
    db.add(tc)
    db.flush()
    if trainer is not None:
        db.add(ClassTrainer(class_id=tc.id, user_id=trainer.id))
        db.flush()
    return tc


def member(db, tc, officer) -> None:
    db.add(ClassMember(class_id=tc.id, officer_id=officer.id))
    db.flush()


def sessions(db, tc, count, *, days_ago=5) -> list[ClassSession]:
    """`count` sessions that already started (one per hour, `days_ago` days back)."""
    base = utcnow() - timedelta(days=days_ago)
    rows = [
        ClassSession(
            class_id=tc.id,
            starts_at=base + timedelta(hours=i),
            ends_at=base + timedelta(hours=i, minutes=50),
            place="Hội trường",
        )
        for i in range(count)
    ]
    db.add_all(rows)
    db.flush()
    return rows


def attend(db, rows, officer, present=True) -> None:
    db.add_all([Attendance(session_id=r.id, officer_id=officer.id, present=present) for r in rows])
    db.flush()


def finish_module(db, officer, module: Module, when: datetime | None = None) -> None:
    for lesson in module.lessons:
        db.add(LessonProgress(officer_id=officer.id, lesson_id=lesson.id, completed_at=when or utcnow()))
    db.flush()
