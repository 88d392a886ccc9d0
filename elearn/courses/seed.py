"""Demo data of the courses feature, called by `seed-demo` in feature order (see elearn/seed.py).

The content is the real course folder (courses/): the same importer as `content import` loads it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.config import ROOT
from elearn.courses import progress
from elearn.courses.importer import import_content
from elearn.courses.models import Course, Lesson, Module, Programme
from elearn.courses.services import ensure_enrolment
from elearn.seed_context import SeedContext

CONTENT_DIR = ROOT / "courses"
DEMO_ENROLMENTS = ("LCD-2024", "TCCD-CS")
DEMO_LESSONS_DONE = 2  # in the first course: the demo officer is part-way through it


def seed_demo(session: Session, ctx: SeedContext) -> None:
    trainer = ctx.users["trainer"]
    import_content(session, CONTENT_DIR, owner_id=trainer.id)
    courses = {c.code: c for c in session.scalars(select(Course))}
    for course in courses.values():
        course.owner_id = trainer.id
    session.flush()
    # Naive UTC like every stored timestamp; a few days back so "học gần nhất" reads naturally.
    start = datetime.combine(ctx.today - timedelta(days=3), time(13, 0))
    officer_id = ctx.demo_officer.id
    for code in DEMO_ENROLMENTS:
        ensure_enrolment(session, officer_id, courses[code].id, "self", start)
    lessons = session.scalars(
        select(Lesson.id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == courses[DEMO_ENROLMENTS[0]].id)
        .order_by(Module.position, Lesson.position)
    ).all()
    for index, lesson_id in enumerate(lessons[:DEMO_LESSONS_DONE]):
        when = start + timedelta(hours=index)
        progress.record_visit(session, officer_id, lesson_id, when)
        progress.mark_lesson_done(session, officer_id, lesson_id, when + timedelta(minutes=20))
    ctx.shared["courses"] = courses
    ctx.shared["programmes"] = {p.code: p for p in session.scalars(select(Programme))}
