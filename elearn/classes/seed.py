"""Demo classes, called by `seed-demo` after the courses seed (see elearn/seed.py).

- K.292: a blended class of the programme "Lý luận và nghiệp vụ công tác công đoàn" organised by the staff
  account's union, taught by the demo trainer, ~25 officers including the demo officer, four sessions (two
  held with attendance, one today at 07:30, one next week).
- K.285 (TLTT) and K.288 (DTNLV): short classes that ended, most members complete (lessons done through the
  courses progress functions, both sessions attended), so certificates can be issued from them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elearn.authz import in_subtree
from elearn.classes import services, sessions
from elearn.classes.models import TrainingClass
from elearn.courses import progress
from elearn.courses.models import Lesson, Module
from elearn.officers.models import Position
from elearn.orgs.models import OrgUnit
from elearn.seed_context import SeedContext

RULE = {"online_modules": "all", "min_attendance": 80}
PLACES = ("Hội trường Cung Văn hóa Lao động Hữu nghị Việt - Xô", "Phòng họp Công đoàn Khu công nghiệp")


def _candidates(session: Session, ctx: SeedContext) -> list[int]:
    """Officers with a current position in the staff unit's subtree, in a stable order."""
    unit = ctx.staff_unit
    ids = session.scalars(
        select(Position.officer_id)
        .join(OrgUnit, OrgUnit.id == Position.unit_id)
        .where(
            in_subtree(unit),
            Position.start_date <= ctx.today,
            or_(Position.end_date.is_(None), Position.end_date >= ctx.today),
        )
        .distinct()
        .order_by(Position.officer_id)
    ).all()
    return [i for i in ids if i != ctx.demo_officer.id]


def _when(day: date, hour: int, minute: int = 0) -> datetime:
    return sessions.to_utc(day, time(hour, minute))


def _make(session: Session, ctx: SeedContext, code: str, title: str, start: date, end: date, **teaches):
    staff = ctx.users["staff"]
    data = services.ClassData(
        code=code,
        title=title,
        unit_id=ctx.staff_unit.id,
        start_date=start,
        end_date=end,
        capacity=40,
        trainer_ids=[ctx.users["trainer"].id],
        completion_rule=dict(RULE),
        **teaches,
    )
    return services.create_class(session, staff, data)


def _finish_course(session: Session, officer_id: int, course_id: int, when: datetime) -> None:
    lessons = session.scalars(
        select(Lesson.id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id)
        .order_by(Module.position, Lesson.position)
    ).all()
    for index, lesson_id in enumerate(lessons):
        progress.mark_lesson_done(session, officer_id, lesson_id, when + timedelta(minutes=25 * index))


def _past_class(session, ctx, code, title, course, members, ends_days_ago) -> TrainingClass:
    staff = ctx.users["staff"]
    end = ctx.today - timedelta(days=ends_days_ago)
    start = end - timedelta(days=14)
    tc = _make(session, ctx, code, title, start, end, course_id=course.id)
    services.add_members(session, staff, tc.id, members, today=ctx.today)
    rows = [
        sessions.create_session(
            session, staff, tc.id, sessions.SessionData(day, time(8, 0), time(11, 30), PLACES[i % 2], topic)
        )
        for i, (day, topic) in enumerate(
            ((start, "Khai giảng, học tập trung"), (end, "Thực hành và bế giảng"))
        )
    ]
    for index, officer_id in enumerate(members):
        # Two in every eight fall short: one skipped the online part, one missed the closing session.
        if index % 8 != 5:
            _finish_course(session, officer_id, course.id, datetime.combine(start, time(12, 0)))
        marks = {rows[0].id: True, rows[1].id: index % 8 != 6}
        for row in rows:
            sessions.set_attendance_many(session, staff, row, {officer_id: marks[row.id]}, row.ends_at)
    return tc


def seed_demo(session: Session, ctx: SeedContext) -> None:
    programmes = ctx.shared.get("programmes") or {}
    courses = ctx.shared.get("courses") or {}
    missing = [c for c in ("LLNV",) if c not in programmes] + [
        c for c in ("TLTT", "DTNLV") if c not in courses
    ]
    if missing:
        raise RuntimeError(
            "classes seed: the courses seed must run first and load " + ", ".join(missing) + " from courses/."
        )
    staff = ctx.users["staff"]
    pool = _candidates(session, ctx)
    if len(pool) < 40:
        raise RuntimeError(f"classes seed: only {len(pool)} officers in {ctx.staff_unit.name}; need 40.")
    picked = ctx.rng.sample(pool, 40)
    demo = ctx.demo_officer.id

    # The running blended class of the programme.
    start = ctx.today - timedelta(days=15)
    k292 = _make(
        session,
        ctx,
        "K.292",
        "Lớp bồi dưỡng lý luận và nghiệp vụ công tác công đoàn cho cán bộ công đoàn cơ sở",
        start,
        ctx.today + timedelta(days=30),
        programme_id=programmes["LLNV"].id,
    )
    members = [demo] + picked[:24]
    services.add_members(session, staff, k292.id, members, today=ctx.today)
    plan = [
        (start, "Khai giảng; vị trí, vai trò của Công đoàn Việt Nam"),
        (ctx.today - timedelta(days=7), "Kỹ năng phát triển đoàn viên và thành lập công đoàn cơ sở"),
        (ctx.today, "Quan hệ lao động, đối thoại và thương lượng tập thể"),
        (ctx.today + timedelta(days=7), "Công tác kiểm tra, giám sát; tổng kết và bế giảng"),
    ]
    rows = [
        sessions.create_session(
            session, staff, k292.id, sessions.SessionData(day, time(7, 30), time(11, 30), PLACES[0], topic)
        )
        for day, topic in plan
    ]
    for row in rows[:2]:
        marks = {oid: oid == demo or ctx.rng.random() < 0.85 for oid in members}
        sessions.set_attendance_many(session, staff, row, marks, row.ends_at)
    first_course = programmes["LLNV"].items[0].course_id
    for oid in members[:8]:
        _finish_course(session, oid, first_course, datetime.combine(start, time(13, 0)))

    # Two short classes that ended, with demo officer in the first.
    k285 = _past_class(
        session,
        ctx,
        "K.285",
        "Lớp tập huấn thương lượng tập thể và thỏa ước lao động tập thể",
        courses["TLTT"],
        [demo] + picked[24:40],
        ends_days_ago=60,
    )
    k288 = _past_class(
        session,
        ctx,
        "K.288",
        "Lớp tập huấn đối thoại tại nơi làm việc",
        courses["DTNLV"],
        picked[10:26],
        ends_days_ago=25,
    )
    session.flush()
    ctx.shared["classes"] = {tc.code: tc for tc in (k292, k285, k288)}
