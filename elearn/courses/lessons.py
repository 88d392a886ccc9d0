"""The lesson page: a course's outline with done marks, the lesson, marking it done, its attachments.

Access rules and enrolment live in elearn.courses.services; progress arithmetic in elearn.courses.progress.
Services check authorization themselves and only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, literal, select
from sqlalchemy.orm import Session, joinedload, selectinload

from elearn.accounts.models import User
from elearn.courses import progress as prog
from elearn.courses.models import Attachment, Course, Enrolment, Lesson, LessonProgress, Module
from elearn.courses.services import enrolment_of, read_access, require_read
from elearn.errors import Forbidden, NotFound


@dataclass(frozen=True)
class OutlineLesson:
    id: int
    title: str
    done: bool


@dataclass(frozen=True)
class OutlineModule:
    id: int
    title: str
    lessons: list[OutlineLesson]

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)

    @property
    def percent(self) -> int:
        return prog.percent_done(self.done, len(self.lessons))


@dataclass(frozen=True)
class CourseOutline:
    modules: list[OutlineModule]
    done: int
    total: int
    completed: bool

    @property
    def percent(self) -> int:
        return prog.percent_done(self.done, self.total)

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        flat = [lesson for module in self.modules for lesson in module.lessons]
        for index, lesson in enumerate(flat):
            if lesson.id == lesson_id:
                before = flat[index - 1] if index else None
                after = flat[index + 1] if index + 1 < len(flat) else None
                return before, after
        return None, None


@dataclass(frozen=True)
class CourseRef:
    """The columns of a course that the lesson page and the access rules (services.read_access) read."""

    id: int
    title: str
    is_published: bool
    enrolment: str
    owner_id: int | None
    completion_rule: dict


@dataclass(frozen=True)
class EnrolmentRef:
    id: int
    last_lesson_id: int | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class AttachmentRef:
    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class LessonPage:
    """A lesson as its page shows it, read as plain rows: loading the ORM entities with their module,
    course and attachments cost a fifth of the page."""

    id: int
    title: str
    body_html: str
    video_url: str | None
    module_title: str
    course: CourseRef
    enrolment: EnrolmentRef | None  # the reader's, if an officer enrolled in the course
    attachments: list[AttachmentRef]


# Statements of every lesson page, built once: building them per call (coercing every clause, computing
# the cache key) cost about as much as running them.
_OUTLINE_ORDER = (Module.position, Module.id, Lesson.position, Lesson.id)
_OUTLINE = (
    select(Module.id, Module.title, Lesson.id, Lesson.title, LessonProgress.completed_at.is_not(None))
    .outerjoin(Lesson, Lesson.module_id == Module.id)
    .outerjoin(
        LessonProgress,
        (LessonProgress.lesson_id == Lesson.id) & (LessonProgress.officer_id == bindparam("officer_id")),
    )
    .where(Module.course_id == bindparam("course_id"))
    .order_by(*_OUTLINE_ORDER)
)
_OUTLINE_NO_PROGRESS = (
    select(Module.id, Module.title, Lesson.id, Lesson.title, literal(False))
    .outerjoin(Lesson, Lesson.module_id == Module.id)
    .where(Module.course_id == bindparam("course_id"))
    .order_by(*_OUTLINE_ORDER)
)

_LESSON = (
    select(Lesson)
    .options(joinedload(Lesson.module).joinedload(Module.course), selectinload(Lesson.attachments))
    .where(Lesson.id == bindparam("lesson_id"))
)


_PAGE = (
    select(
        Lesson.id,
        Lesson.title,
        Lesson.body_html,
        Lesson.video_url,
        Module.title,
        Course.id,
        Course.title,
        Course.is_published,
        Course.enrolment,
        Course.owner_id,
        Course.completion_rule,
        Enrolment.id,
        Enrolment.last_lesson_id,
        Enrolment.last_seen_at,
    )
    .join(Module, Module.id == Lesson.module_id)
    .join(Course, Course.id == Module.course_id)
    .outerjoin(
        Enrolment, (Enrolment.course_id == Course.id) & (Enrolment.officer_id == bindparam("officer_id"))
    )
    .where(Lesson.id == bindparam("lesson_id"))
)
_PAGE_ATTACHMENTS = (
    select(Attachment.id, Attachment.filename, Attachment.size)
    .where(Attachment.lesson_id == bindparam("lesson_id"))
    .order_by(Attachment.id)
)


def course_outline(session: Session, course: Course | CourseRef, officer_id: int | None) -> CourseOutline:
    """Modules and lesson titles (not bodies) with the officer's done marks, in one query."""
    connection = session.connection()  # plain rows: no ORM result processing
    if officer_id is None:
        rows = connection.execute(_OUTLINE_NO_PROGRESS, {"course_id": course.id}).all()
    else:
        rows = connection.execute(_OUTLINE, {"course_id": course.id, "officer_id": officer_id}).all()
    done_ids = {row[2] for row in rows if row[4] and row[2] is not None}
    modules: dict[int, OutlineModule] = {}
    for module_id, module_title, lesson_id, lesson_title, _done in rows:
        module = modules.setdefault(module_id, OutlineModule(module_id, module_title, []))
        if lesson_id is not None:
            module.lessons.append(OutlineLesson(lesson_id, lesson_title, lesson_id in done_ids))
    total = sum(len(m.lessons) for m in modules.values())
    done = sum(m.done for m in modules.values())
    return CourseOutline(
        list(modules.values()), done, total, prog.rule_satisfied(course.completion_rule, done, total)
    )


def get_lesson(session: Session, lesson_id: int) -> Lesson:
    lesson = session.scalar(_LESSON, {"lesson_id": lesson_id})
    if lesson is None:
        raise NotFound("Không tìm thấy bài học.")
    return lesson


def open_lesson(session: Session, actor: User, lesson_id: int) -> tuple[LessonPage, str]:
    """The lesson with its course and the reader's enrolment, and the access (READ, or ENROL: self-enrol
    first). Raises Forbidden when the actor may not read it. Reads only: the view records the visit."""
    connection = session.connection()
    row = connection.execute(_PAGE, {"lesson_id": lesson_id, "officer_id": actor.officer_id}).first()
    if row is None:
        raise NotFound("Không tìm thấy bài học.")
    course = CourseRef(*row[5:11])
    enrolment = EnrolmentRef(*row[11:14]) if row[11] is not None else None
    access = read_access(session, actor, course, enrolment)
    if access is None:
        raise Forbidden("Bạn cần ghi danh chuyên đề này (qua lớp học) để xem nội dung.")
    attachments = [AttachmentRef(*a) for a in connection.execute(_PAGE_ATTACHMENTS, {"lesson_id": lesson_id})]
    return LessonPage(*row[0:5], course, enrolment, attachments), access


def mark_done(session: Session, actor: User, lesson_id: int, now: datetime) -> prog.CourseProgress:
    lesson = get_lesson(session, lesson_id)
    if actor.officer_id is None:
        raise Forbidden("Chỉ học viên mới ghi nhận tiến độ học.")
    course = lesson.module.course
    enrolment = enrolment_of(session, actor.officer_id, course.id)
    require_read(session, actor, course, enrolment)
    return prog.mark_lesson_done(session, actor.officer_id, lesson.id, now)


def get_attachment(session: Session, actor: User, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    course = get_lesson(session, attachment.lesson_id).module.course
    require_read(session, actor, course)
    return attachment
