"""The learner side of courses: access rules, catalogue, programmes, enrolment and "my learning".

The lesson page (outline, lesson, done marks, attachments) lives in elearn.courses.lessons; authoring
(trainers editing courses) in elearn.courses.authoring; progress arithmetic in elearn.courses.progress.
Services check authorization themselves and only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.courses import progress as prog
from elearn.courses.models import (
    Course,
    CourseEditor,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    Programme,
    ProgrammeCourse,
)
from elearn.errors import Conflict, Forbidden, NotFound
from elearn.officers.models import search_key

if TYPE_CHECKING:
    from elearn.courses.lessons import CourseRef

READ = "read"
ENROL = "enrol"  # may read after self-enrolling (open course, officer not enrolled yet)
# "Every lesson" (a course's rule) or "every module" (a class's rule): stored, and written in the course YAML
# files, as "all"; users read and type "tất cả".
ALL = "all"
ALL_LABEL = "tất cả"


def means_all(value) -> bool:
    """'tất cả' as typed (any case, with or without diacritics), or 'all' from the files and older data."""
    return search_key(str(value or "")) in (ALL, search_key(ALL_LABEL))


def completion_problem(value, lessons: int) -> str | None:
    """What is wrong with "complete after N lessons" for a course of `lessons` lessons, or None."""
    text = str(value or "").strip()
    if means_all(text):
        return None
    if not text.isdecimal() or int(text) < 1:
        return "Nhập «tất cả» hoặc số bài cần học xong (từ 1 trở lên)."
    if int(text) > lessons:
        if not lessons:
            return "Chuyên đề chưa có bài học: hãy để «tất cả», thêm bài học rồi mới đặt số bài."
        return f"Chuyên đề chỉ có {lessons} bài học: nhập «tất cả» hoặc một số từ 1 đến {lessons}."
    return None


def lesson_count(session: Session, course_id: int) -> int:
    stmt = (
        select(func.count(Lesson.id))
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id)
    )
    return session.scalar(stmt) or 0


def all_label(value) -> str:
    """A completion count for a form: 'tất cả' rather than the stored 'all'."""
    return ALL_LABEL if means_all(value) else str(value if value is not None else "")


def can_edit(session: Session, actor: User | None, course: Course | CourseRef) -> bool:
    """Admins edit every course; trainers the courses they own or were granted."""
    if actor is None or not actor.is_active:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    if not actor.has_role(Role.TRAINER):
        return False
    if course.owner_id == actor.id:
        return True
    return bool(
        session.scalar(
            select(exists().where(CourseEditor.course_id == course.id, CourseEditor.user_id == actor.id))
        )
    )


def require_edit(session: Session, actor: User | None, course: Course) -> Course:
    if not can_edit(session, actor, course):
        raise Forbidden("Bạn chỉ sửa được chuyên đề do mình phụ trách.")
    return course


# Built once, like the lesson page's statements in lessons.py (it runs on every lesson page).
_ENROLMENT = select(Enrolment).where(
    Enrolment.officer_id == bindparam("officer_id"), Enrolment.course_id == bindparam("course_id")
)


def enrolment_of(session: Session, officer_id: int | None, course_id: int) -> Enrolment | None:
    if officer_id is None:
        return None
    return session.scalar(_ENROLMENT, {"officer_id": officer_id, "course_id": course_id})


def read_access(
    session: Session, actor: User | None, course: Course | CourseRef, enrolment: object | None = None
) -> str | None:
    """READ, ENROL (an officer who may self-enrol first) or None. Staff, trainers and admins read all.
    `enrolment`, the officer's Enrolment (or the lesson page's EnrolmentRef), is looked up when not given."""
    if actor is None or not actor.is_active:
        return None
    if actor.has_role(Role.STAFF, Role.ADMIN, Role.TRAINER):
        return READ if course.is_published or can_edit(session, actor, course) else None
    if actor.officer_id is None or not course.is_published:
        return None
    enrolment = enrolment or enrolment_of(session, actor.officer_id, course.id)
    if enrolment is not None:
        return READ
    return ENROL if course.enrolment == "open" else None


def require_read(session: Session, actor: User | None, course: Course, enrolment=None) -> None:
    if read_access(session, actor, course, enrolment) != READ:
        raise Forbidden("Bạn cần ghi danh chuyên đề này (qua lớp học) để xem nội dung.")


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("Không tìm thấy chuyên đề.")
    return course


# --- catalogue and programmes -------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    course: Course
    lessons: int
    enrolled: bool


def catalogue(session: Session, actor: User, q: str = "") -> list[CatalogueEntry]:
    """Published courses (editors also see their drafts), filtered by an accent-insensitive search."""
    counts = dict(
        session.execute(
            select(Module.course_id, func.count(Lesson.id))
            .join(Lesson, Lesson.module_id == Module.id)
            .group_by(Module.course_id)
        ).all()
    )
    enrolled = set()
    if actor.officer_id is not None:
        enrolled = set(
            session.scalars(select(Enrolment.course_id).where(Enrolment.officer_id == actor.officer_id))
        )
    needle = search_key(q or "")
    result = []
    for course in session.scalars(select(Course).order_by(Course.code)):
        if not course.is_published and not can_edit(session, actor, course):
            continue
        if needle and needle not in search_key(f"{course.code} {course.title} {course.description}"):
            continue
        result.append(CatalogueEntry(course, counts.get(course.id, 0), course.id in enrolled))
    return result


def programmes(session: Session) -> list[Programme]:
    return list(session.scalars(select(Programme).order_by(Programme.code)))


def get_programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound("Không tìm thấy chương trình.")
    return programme


def programme_status(session: Session, actor: User, programme: Programme) -> dict[int, bool]:
    """course id -> completed by the acting officer (empty for other roles)."""
    if actor.officer_id is None:
        return {}
    return {
        item.course_id: prog.course_completed(session, actor.officer_id, item.course_id)
        for item in programme.items
    }


def programmes_of(session: Session, course_id: int) -> list[Programme]:
    return list(
        session.scalars(
            select(Programme)
            .join(ProgrammeCourse, ProgrammeCourse.programme_id == Programme.id)
            .where(ProgrammeCourse.course_id == course_id)
        )
    )


# --- enrolment --------------------------------------------------------------------------------------------


def ensure_enrolment(
    session: Session, officer_id: int, course_id: int, source: str, now: datetime
) -> Enrolment:
    """Creates the enrolment if missing (used by self-enrolment and by the classes feature)."""
    enrolment = enrolment_of(session, officer_id, course_id)
    if enrolment is None:
        enrolment = Enrolment(officer_id=officer_id, course_id=course_id, source=source, enrolled_at=now)
        session.add(enrolment)
        session.flush()
        if prog.course_completed(session, officer_id, course_id):
            enrolment.completed_at = now
            session.flush()
    return enrolment


def enrol_self(session: Session, actor: User, course_id: int, now: datetime) -> Enrolment:
    course = get_course(session, course_id)
    if actor.officer_id is None:
        raise Forbidden("Chỉ học viên có hồ sơ cán bộ mới ghi danh được.")
    access = read_access(session, actor, course)
    if access == READ:
        return enrolment_of(session, actor.officer_id, course_id)
    if access != ENROL:
        raise Conflict("Chuyên đề này chỉ dành cho học viên của lớp; đơn vị hoặc giảng viên sẽ ghi danh bạn.")
    return ensure_enrolment(session, actor.officer_id, course.id, "self", now)


# --- my learning ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyCourse:
    enrolment: Enrolment
    course: Course
    done: int
    total: int
    continue_lesson_id: int | None

    @property
    def percent(self) -> int:
        return int(self.done * 100 // self.total) if self.total else 0


def my_courses(session: Session, officer_id: int) -> list[MyCourse]:
    """Enrolled courses with lessons done and the lesson to continue with, in three queries."""
    enrolments = list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.officer_id == officer_id)
            .order_by(Enrolment.completed_at.is_not(None), Enrolment.last_seen_at.desc(), Enrolment.id)
        )
    )
    if not enrolments:
        return []
    course_ids = [e.course_id for e in enrolments]
    outline = session.execute(
        select(Module.course_id, Lesson.id)
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id.in_(course_ids))
        .order_by(Module.course_id, Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()
    done_ids = set(
        session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.officer_id == officer_id, LessonProgress.completed_at.is_not(None)
            )
        )
    )
    lessons: dict[int, list[int]] = {}
    for course_id, lesson_id in outline:
        lessons.setdefault(course_id, []).append(lesson_id)
    result = []
    for e in enrolments:
        ids = lessons.get(e.course_id, [])
        first_open = next((i for i in ids if i not in done_ids), None)
        target = e.last_lesson_id if e.last_lesson_id in ids else None
        if target is not None and target in done_ids and first_open is not None:
            target = first_open
        result.append(
            MyCourse(
                e,
                e.course,
                sum(1 for i in ids if i in done_ids),
                len(ids),
                target or first_open or (ids[0] if ids else None),
            )
        )
    return result
