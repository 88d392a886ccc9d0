"""Trainers author courses, modules, lessons and attachments in the web.

Lesson Markdown is rendered and sanitised here, once, by elearn.html. A file-sourced course edited in the
web loses its content hash, so the next `content import` overwrites the web changes with the files.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.authz import require_role
from elearn.courses.lessons import get_lesson
from elearn.courses.models import DELIVERY_LABELS, Attachment, Course, CourseEditor, Lesson, Module
from elearn.courses.services import ALL, completion_problem, get_course, lesson_count, means_all, require_edit
from elearn.db import utcnow
from elearn.errors import Conflict, NotFound, ValidationError
from elearn.html import is_safe_link, render_markdown
from elearn.officers.models import search_key

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
ATTACHMENT_TYPES = {  # extension -> (mimetype, magic bytes at offset 0)
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
}
OOXML_MARKERS = {"docx": b"word/", "pptx": b"ppt/"}


@dataclass
class CourseData:
    code: str
    title: str
    description: str
    delivery: str
    hours: int
    enrolment: str
    completion: str  # "tất cả" (or "all") or a number of lessons
    is_published: bool


@dataclass
class LessonData:
    title: str
    body_md: str
    video_url: str | None
    module_id: int


def _touch(course: Course) -> None:
    course.content_hash = None  # the files no longer describe this course; the next import rewrites it
    course.updated_at = utcnow()


def _completion_rule(value: str, lessons: int) -> dict:
    """{"lessons": "all"} or {"lessons": N}, N no more than the course's `lessons`."""
    value = (value or ALL).strip()
    problem = completion_problem(value, lessons)
    if problem:
        raise ValidationError(problem)
    return {"lessons": ALL if means_all(value) else int(value)}


def _apply(course: Course, data: CourseData, lessons: int) -> None:
    if data.delivery not in DELIVERY_LABELS:
        raise ValidationError("Hình thức học không hợp lệ.")
    if data.enrolment not in ("open", "class"):
        raise ValidationError("Cách ghi danh không hợp lệ.")
    course.title = data.title.strip()
    course.description = data.description.strip()
    course.delivery = data.delivery
    course.hours = max(0, data.hours or 0)
    course.enrolment = data.enrolment
    course.completion_rule = _completion_rule(data.completion, lessons)
    course.is_published = data.is_published


def create_course(session: Session, actor: User, data: CourseData) -> Course:
    require_role(actor, Role.TRAINER, Role.ADMIN)
    code = unicodedata.normalize("NFC", data.code).strip().upper()
    if not CODE_RE.match(code):
        raise ValidationError("Mã chuyên đề chỉ gồm chữ in hoa không dấu, số và dấu gạch ngang.")
    if session.scalar(select(Course.id).where(Course.code == code)):
        raise Conflict(f"Đã có chuyên đề mã {code}.")
    course = Course(code=code, owner_id=actor.id, source="web")
    _apply(course, data, lessons=0)
    session.add(course)
    session.flush()
    return course


def update_course(session: Session, actor: User, course_id: int, data: CourseData) -> Course:
    course = require_edit(session, actor, get_course(session, course_id))
    _apply(course, data, lessons=lesson_count(session, course.id))
    _touch(course)
    session.flush()
    return course


def courses_i_edit(session: Session, actor: User) -> list[Course]:
    require_role(actor, Role.TRAINER, Role.ADMIN)
    query = select(Course).order_by(Course.code)
    if not actor.has_role(Role.ADMIN):
        granted = select(CourseEditor.course_id).where(CourseEditor.user_id == actor.id)
        query = query.where((Course.owner_id == actor.id) | Course.id.in_(granted))
    return list(session.scalars(query))


def _module_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Hãy nhập tên module.")
    if len(title) > 300:
        raise ValidationError("Tên module dài tối đa 300 ký tự.")
    return title


def add_module(session: Session, actor: User, course_id: int, title: str) -> Module:
    course = require_edit(session, actor, get_course(session, course_id))
    title = _module_title(title)
    position = (
        session.scalar(select(func.max(Module.position)).where(Module.course_id == course.id)) or 0
    ) + 1
    module = Module(course_id=course.id, position=position, title=title)
    session.add(module)
    _touch(course)
    session.flush()
    return module


def get_module(session: Session, module_id: int) -> Module:
    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("Không tìm thấy module.")
    return module


def update_module(session: Session, actor: User, module_id: int, title: str, position: int) -> Module:
    module = get_module(session, module_id)
    require_edit(session, actor, module.course)
    module.title = _module_title(title)
    module.position = position
    _touch(module.course)
    session.flush()
    return module


def _slug(session: Session, course_id: int, title: str, lesson_id: int | None = None) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", search_key(title)).strip("-")[:100] or "bai-hoc"
    taken = set(
        session.scalars(
            select(Lesson.slug)
            .join(Module)
            .where(Module.course_id == course_id, Lesson.id != (lesson_id or 0))
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _lesson_fields(session: Session, actor: User, lesson: Lesson, data: LessonData, course: Course) -> None:
    module = get_module(session, data.module_id)
    if module.course_id != course.id:
        raise ValidationError("Module không thuộc chuyên đề này.")
    video = (data.video_url or "").strip() or None
    if video and not is_safe_link(video):
        raise ValidationError("Liên kết video phải bắt đầu bằng http:// hoặc https://.")
    if lesson.module_id != module.id:
        lesson.module_id = module.id
        lesson.position = (
            session.scalar(select(func.max(Lesson.position)).where(Lesson.module_id == module.id)) or 0
        ) + 1
    lesson.title = data.title.strip()
    lesson.body_md = data.body_md
    lesson.body_html = render_markdown(data.body_md)
    lesson.video_url = video


def create_lesson(session: Session, actor: User, course_id: int, data: LessonData) -> Lesson:
    course = require_edit(session, actor, get_course(session, course_id))
    lesson = Lesson(slug=_slug(session, course.id, data.title))
    _lesson_fields(session, actor, lesson, data, course)
    session.add(lesson)
    _touch(course)
    session.flush()
    return lesson


def update_lesson(session: Session, actor: User, lesson_id: int, data: LessonData) -> Lesson:
    lesson = get_lesson(session, lesson_id)
    course = require_edit(session, actor, lesson.module.course)
    _lesson_fields(session, actor, lesson, data, course)
    _touch(course)
    session.flush()
    return lesson


def delete_lesson(session: Session, actor: User, lesson_id: int, attachments_dir: Path) -> Course:
    lesson = get_lesson(session, lesson_id)
    course = require_edit(session, actor, lesson.module.course)
    for attachment in lesson.attachments:
        (attachments_dir / attachment.stored_name).unlink(missing_ok=True)
    session.delete(lesson)
    _touch(course)
    session.flush()
    return course


def preview(markdown_text: str) -> str:
    """The same rendering and sanitising a saved lesson gets."""
    return render_markdown(markdown_text)


def check_attachment(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """(extension, mimetype) of an allowed upload; the extension and the file's first bytes must agree."""
    ext = Path(filename).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError("Chỉ nhận tệp PDF, DOCX hoặc PPTX.")
    if len(data) > max_bytes:
        raise ValidationError(f"Tệp lớn hơn {max_bytes // (1024 * 1024)} MB.")
    mimetype, magic = ATTACHMENT_TYPES[ext]
    if not data.startswith(magic) or (ext in OOXML_MARKERS and OOXML_MARKERS[ext] not in data):
        raise ValidationError(f"Nội dung tệp không phải định dạng .{ext}.")
    return ext, mimetype


def add_attachment(
    session: Session,
    actor: User,
    lesson_id: int,
    filename: str,
    data: bytes,
    attachments_dir: Path,
    max_bytes: int,
) -> Attachment:
    lesson = get_lesson(session, lesson_id)
    course = require_edit(session, actor, lesson.module.course)
    ext, mimetype = check_attachment(filename, data, max_bytes)
    stored = f"{secrets.token_hex(16)}.{ext}"
    attachments_dir.mkdir(parents=True, exist_ok=True)
    (attachments_dir / stored).write_bytes(data)
    clean_name = unicodedata.normalize("NFC", Path(filename).name)[:255]
    attachment = Attachment(
        lesson_id=lesson.id, filename=clean_name, stored_name=stored, mimetype=mimetype, size=len(data)
    )
    session.add(attachment)
    _touch(course)
    session.flush()
    return attachment


def delete_attachment(session: Session, actor: User, attachment_id: int, attachments_dir: Path) -> Lesson:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    lesson = get_lesson(session, attachment.lesson_id)
    require_edit(session, actor, lesson.module.course)
    session.delete(attachment)
    session.flush()
    (attachments_dir / attachment.stored_name).unlink(missing_ok=True)
    return lesson
