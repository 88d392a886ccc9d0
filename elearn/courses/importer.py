"""`content import`: creates or updates courses and programmes from the courses/ folder, all or nothing.

Courses are matched by code, lessons by course code + file slug (so officers' progress survives a re-import),
modules by position. A course whose files are unchanged (same content hash) is left alone. Everything is
checked before anything is written; an error anywhere raises ImportFailed and the caller rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from elearn.courses.content import ContentBundle, CourseSpec, load_folder
from elearn.courses.models import Course, Lesson, Module, Programme, ProgrammeCourse
from elearn.db import utcnow
from elearn.errors import ImportFailed, RowError
from elearn.html import render_markdown


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    programmes_created: list[str] = field(default_factory=list)
    programmes_updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.programmes_created or self.programmes_updated)


def import_content(session: Session, root: Path, *, owner_id: int | None = None) -> ImportSummary:
    """Reads root, checks everything, then writes (flush only). owner_id: owner of newly created courses."""
    bundle = load_folder(root)
    existing = {
        c.code: c
        for c in session.scalars(
            select(Course).options(selectinload(Course.modules).selectinload(Module.lessons))
        ).unique()
    }
    if not bundle.errors:  # a course that failed to load would also show up as "unknown" in a programme
        _check_programmes(bundle, existing)
    if bundle.errors:
        raise ImportFailed(bundle.errors)
    summary = ImportSummary()
    courses = dict(existing)
    for spec in bundle.courses:
        course = existing.get(spec.code)
        if course is None:
            course = Course(code=spec.code, owner_id=owner_id)
            session.add(course)
            summary.created.append(spec.code)
        elif course.source == "file" and course.content_hash == spec.content_hash:
            summary.unchanged.append(spec.code)
            continue
        else:
            summary.updated.append(spec.code)
        _apply_course(session, course, spec)
        courses[spec.code] = course
    session.flush()
    for pspec in bundle.programmes:
        _apply_programme(session, pspec, courses, summary)
    session.flush()
    return summary


def _check_programmes(bundle: ContentBundle, existing: dict[str, Course]) -> None:
    known = set(existing) | {c.code for c in bundle.courses}
    for pspec in bundle.programmes:
        for code in pspec.course_codes:
            if code not in known:
                bundle.errors.append(
                    RowError(
                        pspec.line,
                        f"Chương trình {pspec.code}: không có chuyên đề mã {code}.",
                        "programmes.yaml",
                    )
                )


def _apply_course(session: Session, course: Course, spec: CourseSpec) -> None:
    course.title = spec.title
    course.description = spec.description
    course.delivery = spec.delivery
    course.hours = spec.hours
    course.enrolment = spec.enrolment
    course.completion_rule = spec.completion_rule
    course.source = "file"
    course.content_hash = spec.content_hash
    course.updated_at = utcnow()
    old_lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    old_modules = list(course.modules)
    kept_lessons: set[int] = set()
    new_modules: list[Module] = []
    for m_index, mspec in enumerate(spec.modules, start=1):
        module = old_modules[m_index - 1] if m_index <= len(old_modules) else Module()
        module.position = m_index
        module.title = mspec.title
        new_modules.append(module)
        lessons: list[Lesson] = []
        for l_index, lspec in enumerate(mspec.lessons, start=1):
            lesson = old_lessons.get(lspec.slug) or Lesson(slug=lspec.slug)
            if lesson.id is not None:
                kept_lessons.add(lesson.id)
            lesson.position = l_index
            if lesson.title != lspec.title:
                lesson.title = lspec.title
            if lesson.body_md != lspec.body_md or not lesson.body_html:
                lesson.body_md = lspec.body_md
                lesson.body_html = render_markdown(lspec.body_md)
            lesson.video_url = lspec.video_url
            lessons.append(lesson)
        # Lessons may move between modules: detach them from their old module's list first.
        for lesson in lessons:
            if lesson.module is not None and lesson.module is not module:
                lesson.module.lessons.remove(lesson)
        module.lessons = lessons
    for lesson in old_lessons.values():
        if lesson.id not in kept_lessons and lesson.module is not None and lesson in lesson.module.lessons:
            lesson.module.lessons.remove(lesson)
    course.modules = new_modules


def _apply_programme(session: Session, pspec, courses: dict[str, Course], summary: ImportSummary) -> None:
    programme = session.scalar(select(Programme).where(Programme.code == pspec.code))
    wanted = [courses[code].id for code in pspec.course_codes]
    if programme is None:
        programme = Programme(code=pspec.code, title=pspec.title, description=pspec.description)
        session.add(programme)
        summary.programmes_created.append(pspec.code)
    elif (
        programme.title == pspec.title
        and programme.description == pspec.description
        and [item.course_id for item in programme.items] == wanted
    ):
        return
    else:
        summary.programmes_updated.append(pspec.code)
    programme.title = pspec.title
    programme.description = pspec.description
    current = {item.course_id: item for item in programme.items}
    programme.items = [
        _programme_item(current.get(course_id), course_id, position)
        for position, course_id in enumerate(wanted, start=1)
    ]


def _programme_item(item: ProgrammeCourse | None, course_id: int, position: int) -> ProgrammeCourse:
    item = item or ProgrammeCourse(course_id=course_id)
    item.position = position
    return item
