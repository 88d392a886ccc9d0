"""Progress of officers through courses and programmes, and the completion rules.

Other features (classes, targets, certificates) read progress through these functions only. Every
function takes a Session and plain ids; `now` is passed in (naive UTC, like elearn.db.utcnow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from elearn.courses.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ProgrammeCourse,
)
from elearn.errors import NotFound

VISIT_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True)
class ModuleProgress:
    module_id: int
    title: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return percent_done(self.done, self.total)

    @property
    def completed(self) -> bool:
        return self.total > 0 and self.done >= self.total


@dataclass(frozen=True)
class CourseProgress:
    done_lessons: int
    total_lessons: int
    percent: int
    modules: list[ModuleProgress] = field(default_factory=list)
    completed: bool = False
    done_lesson_ids: frozenset[int] = frozenset()


def percent_done(done: int, total: int) -> int:
    """Progress shown to a learner: rounded (2 of 3 is 67%), but 100% only when everything is done."""
    if not total:
        return 0
    rounded = (done * 200 + total) // (total * 2)  # half up, in integers
    return rounded if done >= total else min(rounded, 99)


def rule_satisfied(rule: dict | None, done: int, total: int) -> bool:
    """Course.completion_rule: {"lessons": "all"} (the default) or {"lessons": N} (at least N lessons)."""
    wanted = (rule or {}).get("lessons", "all")
    if wanted == "all" or wanted is None:
        return total > 0 and done >= total
    try:
        needed = min(int(wanted), total)
    except (TypeError, ValueError):
        needed = total
    return total > 0 and done >= needed


def _done_lesson_ids(session: Session, officer_id: int, course_id: int) -> set[int]:
    return set(
        session.scalars(
            select(LessonProgress.lesson_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .where(
                Module.course_id == course_id,
                LessonProgress.officer_id == officer_id,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )


def _outline(session: Session, course_id: int) -> list[tuple[int, str, int]]:
    """(module id, module title, lesson id) per lesson in course order; modules without lessons have id 0."""
    rows = session.execute(
        select(Module.id, Module.title, Lesson.id)
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == course_id)
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()
    return [(m_id, title, lesson_id or 0) for m_id, title, lesson_id in rows]


def course_progress(session: Session, officer_id: int, course_id: int) -> CourseProgress:
    """Lessons done per module and for the course (two queries)."""
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("Không tìm thấy chuyên đề.")
    return _progress_from(
        course, _outline(session, course_id), _done_lesson_ids(session, officer_id, course_id)
    )


def _progress_from(course: Course, outline, done_ids: set[int]) -> CourseProgress:
    modules: dict[int, list] = {}
    for module_id, title, lesson_id in outline:
        entry = modules.setdefault(module_id, [title, 0, 0])
        if lesson_id:
            entry[2] += 1
            entry[1] += lesson_id in done_ids
    module_list = [ModuleProgress(mid, t, d, n) for mid, (t, d, n) in modules.items()]
    total = sum(m.total for m in module_list)
    done = sum(m.done for m in module_list)
    return CourseProgress(
        done_lessons=done,
        total_lessons=total,
        percent=percent_done(done, total),
        modules=module_list,
        completed=rule_satisfied(course.completion_rule, done, total),
        done_lesson_ids=frozenset(i for i in done_ids),
    )


def modules_done(session: Session, officer_id: int, course_id: int) -> tuple[int, int]:
    """(modules whose lessons are all done, modules in the course); a module without lessons is done."""
    return modules_done_many(session, [officer_id], course_id)[officer_id]


def modules_done_many(session: Session, officer_ids: list[int], course_id: int) -> dict[int, tuple[int, int]]:
    """modules_done for many officers (a class roster) in two queries."""
    totals = dict(
        session.execute(
            select(Module.id, func.count(Lesson.id))
            .outerjoin(Lesson, Lesson.module_id == Module.id)
            .where(Module.course_id == course_id)
            .group_by(Module.id)
        ).all()
    )
    result = {oid: (0, len(totals)) for oid in officer_ids}
    empty_modules = sum(1 for n in totals.values() if n == 0)
    if not officer_ids:
        return result
    done_rows = session.execute(
        select(LessonProgress.officer_id, Lesson.module_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Module.course_id == course_id,
            LessonProgress.officer_id.in_(officer_ids),
            LessonProgress.completed_at.is_not(None),
        )
        .group_by(LessonProgress.officer_id, Lesson.module_id)
    ).all()
    complete: dict[int, int] = dict.fromkeys(officer_ids, empty_modules)
    for officer_id, module_id, done in done_rows:
        if totals.get(module_id) and done >= totals[module_id]:
            complete[officer_id] += 1
    return {oid: (complete[oid], len(totals)) for oid in officer_ids}


def course_completed(session: Session, officer_id: int, course_id: int) -> bool:
    """Course.completion_rule applied to the officer's lessons done."""
    course = session.get(Course, course_id)
    if course is None:
        return False
    total = session.scalar(
        select(func.count(Lesson.id))
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id)
    )
    done = len(_done_lesson_ids(session, officer_id, course_id))
    return rule_satisfied(course.completion_rule, done, total or 0)


def programme_completed(session: Session, officer_id: int, programme_id: int) -> bool:
    """Every course of the programme completed (an empty programme is never completed)."""
    course_ids = session.scalars(
        select(ProgrammeCourse.course_id).where(ProgrammeCourse.programme_id == programme_id)
    ).all()
    return bool(course_ids) and all(course_completed(session, officer_id, cid) for cid in course_ids)


def _enrolment(session: Session, officer_id: int, course_id: int) -> Enrolment | None:
    return session.scalar(
        select(Enrolment).where(and_(Enrolment.officer_id == officer_id, Enrolment.course_id == course_id))
    )


def _lesson_course_id(session: Session, lesson_id: int) -> int:
    course_id = session.scalar(
        select(Module.course_id).join(Lesson, Lesson.module_id == Module.id).where(Lesson.id == lesson_id)
    )
    if course_id is None:
        raise NotFound("Không tìm thấy bài học.")
    return course_id


def mark_lesson_done(session: Session, officer_id: int, lesson_id: int, now: datetime) -> CourseProgress:
    """Idempotent. Sets Enrolment.completed_at once, when the course's completion rule becomes true.

    Callers check that the officer may read the lesson (see elearn.courses.lessons.mark_done)."""
    course_id = _lesson_course_id(session, lesson_id)
    row = session.scalar(
        select(LessonProgress).where(
            LessonProgress.officer_id == officer_id, LessonProgress.lesson_id == lesson_id
        )
    )
    if row is None:
        session.add(
            LessonProgress(officer_id=officer_id, lesson_id=lesson_id, first_seen_at=now, completed_at=now)
        )
    elif row.completed_at is None:
        row.completed_at = now
    session.flush()
    progress = course_progress(session, officer_id, course_id)
    enrolment = _enrolment(session, officer_id, course_id)
    if enrolment is not None:
        enrolment.last_lesson_id = lesson_id
        enrolment.last_seen_at = now
        if progress.completed and enrolment.completed_at is None:
            enrolment.completed_at = now
        session.flush()
    return progress


def visit_is_recorded(enrolment, lesson_id: int, now: datetime) -> bool:
    """True when the enrolment (an Enrolment, or the lesson page's EnrolmentRef) already remembers this
    lesson as of VISIT_RESOLUTION ago or later."""
    seen = enrolment.last_seen_at
    return enrolment.last_lesson_id == lesson_id and seen is not None and now - seen <= VISIT_RESOLUTION


def record_visit(session: Session, officer_id: int, lesson_id: int, now: datetime) -> None:
    """Remembers the lesson for "continue where you left off" and when the officer first opened it.

    A reload of the same lesson within VISIT_RESOLUTION writes nothing (lesson pages stay read-only)."""
    enrolment = _enrolment(session, officer_id, _lesson_course_id(session, lesson_id))
    if enrolment is None or visit_is_recorded(enrolment, lesson_id, now):
        return
    enrolment.last_lesson_id = lesson_id
    enrolment.last_seen_at = now
    seen = session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.officer_id == officer_id, LessonProgress.lesson_id == lesson_id
        )
    )
    if seen is None:
        session.add(LessonProgress(officer_id=officer_id, lesson_id=lesson_id, first_seen_at=now))
    session.flush()
