"""Class services: scope, members (filter, XLSX, capacity), enrolments, attendance, roster export."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from elearn.classes import roster, services, sessions
from elearn.classes.models import Attendance, ClassMember, TrainingClass
from elearn.courses.models import Enrolment
from elearn.db import utcnow
from elearn.errors import Forbidden, ImportFailed, ValidationError
from elearn.officers.services import OfficerFilter
from tests import factories
from tests.classes import helpers as h

TODAY = date.today()


def _data(world, course, **kw) -> services.ClassData:
    values = dict(
        code="k.292",
        title="Lớp bồi dưỡng cán bộ công đoàn cơ sở",
        unit_id=world.a.id,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=30),
        capacity=30,
        course_id=course.id,
        trainer_ids=[world.trainer.id],
        completion_rule={"online_modules": "all", "min_attendance": "80"},
    )
    values.update(kw)
    return services.ClassData(**values)


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_staff_creates_class_in_subtree_only(db, world):
    c = h.course(db)
    tc = services.create_class(db, world.staff_a, _data(world, c))
    assert tc.code == "K.292" and tc.completion_rule == {"online_modules": "all", "min_attendance": 80}
    assert [u.id for u in services.trainers_of(db, tc)] == [world.trainer.id]
    with pytest.raises(Forbidden):
        services.create_class(db, world.staff_a, _data(world, c, code="K.293", unit_id=world.b.id))
    with pytest.raises(ValidationError):
        services.create_class(db, world.staff_a, _data(world, c, code="K.292"))
    with pytest.raises(Forbidden):
        services.create_class(db, world.trainer, _data(world, c, code="K.294"))


def test_other_union_and_unassigned_trainer_cannot_see_or_edit(db, world):
    c = h.course(db)
    tc = services.create_class(db, world.staff_a, _data(world, c, trainer_ids=[]))
    with pytest.raises(Forbidden):
        services.get_class(db, world.staff_b, tc.id)
    with pytest.raises(Forbidden):
        services.update_class(db, world.staff_b, tc.id, _data(world, c))
    with pytest.raises(Forbidden):
        services.get_class(db, world.trainer, tc.id)
    assert tc not in services.list_classes(db, world.staff_b)
    assert tc not in services.list_classes(db, world.trainer)
    assert tc in services.list_classes(db, world.staff_a) and tc in services.list_classes(db, world.admin)


def test_members_join_with_class_enrolments_and_scope(db, world):
    c = h.course(db)
    tc = h.training_class(db, world.a, course=c)
    inside = factories.officer(db, world.a2, name="Đỗ Thị Hoa")
    outside = factories.officer(db, world.b1, name="Vũ Văn Nam")
    assert services.add_members(db, world.staff_a, tc.id, [inside.id], today=TODAY) == 1
    assert services.add_members(db, world.staff_a, tc.id, [inside.id], today=TODAY) == 0
    enrolment = db.scalar(
        select(Enrolment).where(Enrolment.officer_id == inside.id, Enrolment.course_id == c.id)
    )
    assert enrolment.source == "class"
    with pytest.raises(Forbidden):
        services.add_members(db, world.staff_a, tc.id, [outside.id], today=TODAY)
    with pytest.raises(Forbidden):
        services.add_members(db, world.staff_b, tc.id, [outside.id], today=TODAY)
    assert services.member_ids(db, tc.id) == {inside.id}


def test_programme_class_enrols_in_every_course(db, world):
    courses = [h.course(db), h.course(db)]
    tc = h.training_class(db, world.a, programme=h.programme(db, courses))
    o = factories.officer(db, world.a1)
    services.add_members(db, world.admin, tc.id, [o.id], today=TODAY)
    enrolled = set(db.scalars(select(Enrolment.course_id).where(Enrolment.officer_id == o.id)))
    assert enrolled == {c.id for c in courses}


def test_add_by_filter_uses_the_registry_scope(db, world):
    tc = h.training_class(db, world.a, course=h.course(db))
    mine = factories.officer(db, world.a2, name="Hoàng Lọc Tìm")
    factories.officer(db, world.b2, name="Hoàng Lọc Tìm")
    added = services.add_members_by_filter(db, world.staff_a, tc.id, OfficerFilter(q="Lọc Tìm"), today=TODAY)
    assert added == 1 and services.member_ids(db, tc.id) == {mine.id}


def test_capacity_is_respected_all_or_nothing(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), capacity=2)
    people = [factories.officer(db, world.a1, name=f"Người {i}") for i in range(3)]
    with pytest.raises(ValidationError, match="chỉ còn 2 chỗ"):
        services.add_members(db, world.staff_a, tc.id, [p.id for p in people], today=TODAY)
    assert services.member_ids(db, tc.id) == set()
    services.add_members(db, world.staff_a, tc.id, [p.id for p in people[:2]], today=TODAY)
    with pytest.raises(ImportFailed, match="1 lỗi"):
        roster.import_members(
            db, world.staff_a, tc.id, "ds.xlsx", _xlsx([["Mã cán bộ"], [people[2].code]]), today=TODAY
        )


def test_member_import_reports_bad_rows_and_writes_nothing(db, world):
    tc = h.training_class(db, world.a, course=h.course(db))
    good = factories.officer(db, world.a1, name="Lý Thị Mai")
    outside = factories.officer(db, world.b2, name="Trịnh Văn Lâm")
    data = _xlsx(
        [["STT", "Mã cán bộ"], [1, good.code], [2, "KHONGCO"], [3, good.code], [4, outside.code], [5, ""]]
    )
    with pytest.raises(ImportFailed) as failed:
        roster.import_members(db, world.staff_a, tc.id, "ds.xlsx", data, today=TODAY)
    lines = [(e.line, e.message) for e in failed.value.errors]
    assert [line for line, _ in lines] == [3, 4, 5, 6]
    assert "KHONGCO" in lines[0][1] and "trùng" in lines[1][1] and "phạm vi" in lines[2][1]
    assert db.scalar(select(func.count()).select_from(ClassMember).where(ClassMember.class_id == tc.id)) == 0
    ok = _xlsx([["Mã cán bộ"], [good.code.lower()]])
    assert roster.import_members(db, world.staff_a, tc.id, "ds.xlsx", ok, today=TODAY) == 1


def test_trainer_runs_assigned_class_and_marks_are_idempotent(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), trainer=world.trainer)
    o = factories.officer(db, world.a1)
    services.add_members(db, world.trainer, tc.id, [o.id], today=TODAY)
    row = sessions.create_session(
        db, world.trainer, tc.id, sessions.SessionData(TODAY, time(8, 0), time(11, 30), " Hội trường  A ")
    )
    assert row.starts_at.hour == 1 and row.place == "Hội trường A"  # 08:00 in Vietnam is 01:00 UTC
    for _ in range(2):
        sessions.set_attendance(db, world.trainer, row.id, o.id, True, utcnow())
    marks = db.scalars(select(Attendance).where(Attendance.session_id == row.id)).all()
    assert len(marks) == 1 and marks[0].present and marks[0].marked_by_id == world.trainer.id
    sessions.set_attendance(db, world.trainer, row.id, o.id, False, utcnow())
    assert db.scalars(select(Attendance.present).where(Attendance.session_id == row.id)).all() == [False]
    with pytest.raises(ValidationError):
        sessions.create_session(
            db, world.trainer, tc.id, sessions.SessionData(TODAY, time(9, 0), time(8, 0), "Phòng 1")
        )


def test_attendance_import_all_or_nothing(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), trainer=world.trainer)
    a, b = factories.officer(db, world.a1, name="A"), factories.officer(db, world.a1, name="B")
    services.add_members(db, world.staff_a, tc.id, [a.id, b.id], today=TODAY)
    row = h.sessions(db, tc, 1)[0]
    bad = _xlsx([["Mã cán bộ", "Có mặt"], [a.code, "Có"], [b.code, "có lẽ"], ["TB2CHAIR", "x"]])
    with pytest.raises(ImportFailed) as failed:
        roster.import_attendance(db, world.trainer, row.id, "dd.xlsx", bad, now=utcnow())
    assert [e.line for e in failed.value.errors] == [3, 4]
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    good = _xlsx([["Mã cán bộ", "Có mặt"], [a.code, "Có"], [b.code, "Không"]])
    assert roster.import_attendance(db, world.trainer, row.id, "dd.xlsx", good, now=utcnow()) == 2
    marks = dict(db.execute(select(Attendance.officer_id, Attendance.present)).all())
    assert marks == {a.id: True, b.id: False}


def test_roster_export_matches_statuses_and_neutralises_formulas(db, world):
    tc = h.training_class(db, world.a, course=h.course(db, (1,)), rule={"min_attendance": 50})
    rows = h.sessions(db, tc, 2)
    sly = factories.officer(db, world.a1, name='=HYPERLINK("http://x")')
    plain = factories.officer(db, world.a1, name="Nguyễn Văn Bình")
    for o in (sly, plain):
        h.member(db, tc, o)
    h.attend(db, rows, plain)
    wb = openpyxl.load_workbook(io.BytesIO(roster.export_roster(db, world.staff_a, tc.id, utcnow())))
    values = list(wb.active.iter_rows(values_only=True))
    assert values[0][0] == f"Lớp {tc.code}: {tc.title}"
    body = {r[2]: r for r in values[2:]}
    assert set(body) == {'\'=HYPERLINK("http://x")', "Nguyễn Văn Bình"}
    assert body["Nguyễn Văn Bình"][4:8] == ("2/2", 100, "x", "x")
    assert body["Nguyễn Văn Bình"][-2] == "Có"
    assert body['\'=HYPERLINK("http://x")'][-2] == "Chưa"
    assert all(not str(cell).startswith("=") for r in values for cell in r if cell is not None)
    with pytest.raises(Forbidden):
        roster.export_roster(db, world.staff_b, tc.id, utcnow())


def test_update_cannot_shrink_below_members(db, world):
    c = h.course(db)
    tc = services.create_class(db, world.staff_a, _data(world, c, capacity=2))
    services.add_members(
        db, world.staff_a, tc.id, [factories.officer(db, world.a1).id for _ in range(2)], today=TODAY
    )
    with pytest.raises(ValidationError):
        services.update_class(db, world.staff_a, tc.id, _data(world, c, capacity=1))
    assert db.get(TrainingClass, tc.id).capacity == 2
