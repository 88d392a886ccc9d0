"""Class pages through the test client: permissions, creating a class, taking attendance (JSON and forms)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from elearn.classes.models import Attendance, ClassSession, TrainingClass
from elearn.classes.sessions import to_local, to_utc
from elearn.db import utcnow
from elearn.officers.models import Officer
from tests import factories
from tests.classes import helpers as h
from tests.conftest import csrf_from


def _class_with_member(db, world, trainer=True):
    tc = h.training_class(
        db,
        world.a,
        course=h.course(db, (1,)),
        rule={"min_attendance": 100},
        trainer=world.trainer if trainer else None,
    )
    o = factories.officer(db, world.a1, name="Bùi Thị Lan")
    h.member(db, tc, o)
    row = h.sessions(db, tc, 1)[0]
    return tc, o, row


def test_unassigned_trainer_and_other_union_get_403(db, world, auth, client):
    tc, o, row = _class_with_member(db, world, trainer=False)
    auth.login("trainer@test.vn")
    assert client.get(f"/classes/{tc.id}").status_code == 403
    assert client.get(f"/classes/sessions/{row.id}").status_code == 403
    token = auth.csrf()
    response = client.post(
        f"/classes/sessions/{row.id}/attendance/{o.id}",
        json={"present": True},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    auth.login("staff-b@test.vn")
    assert client.get(f"/classes/{tc.id}").status_code == 403
    assert client.get(f"/classes/{tc.id}/edit").status_code == 403
    assert client.get(f"/classes/{tc.id}/roster.xlsx").status_code == 403
    assert tc.code not in client.get("/classes/").get_data(as_text=True)


def test_trainer_marks_attendance_by_json_and_status_follows(db, world, auth, client):
    tc, o, row = _class_with_member(db, world)
    auth.login("trainer@test.vn")
    page = client.get(f"/classes/sessions/{row.id}").get_data(as_text=True)
    assert "Bùi Thị Lan" in page and 'aria-pressed="false"' in page
    token = csrf_from(page)
    url = f"/classes/sessions/{row.id}/attendance/{o.id}"
    for _ in range(2):
        response = client.post(url, json={"present": True}, headers={"X-CSRFToken": token})
        assert response.status_code == 200
        assert response.get_json() == {
            "officer_id": o.id,
            "present": True,
            "present_count": 1,
            "total": 1,
            "completed": True,
            "attendance_percent": 100,
        }
    assert len(db.scalars(select(Attendance).where(Attendance.session_id == row.id)).all()) == 1
    assert client.post(url, json={"present": True}).status_code == 400  # no CSRF header
    assert client.post(url, json={"present": "yes"}, headers={"X-CSRFToken": token}).status_code == 400
    detail = client.get(f"/classes/{tc.id}").get_data(as_text=True)
    assert "Đã hoàn thành: <strong>1</strong>/1" in detail


def test_marking_works_without_javascript(db, world, auth, client):
    tc, o, row = _class_with_member(db, world)
    auth.login("trainer@test.vn")
    token = csrf_from(client.get(f"/classes/sessions/{row.id}").get_data(as_text=True))
    response = client.post(
        f"/classes/sessions/{row.id}/attendance/{o.id}", data={"csrf_token": token, "present": "1"}
    )
    assert response.status_code == 302 and f"#m{o.id}" in response.headers["Location"]
    page = client.get(f"/classes/sessions/{row.id}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and 'Có mặt: <strong id="present-count">1</strong>' in page


def test_staff_creates_a_class_through_the_form(db, world, auth, client):
    c = h.course(db)
    auth.login("staff-a@test.vn")
    page = client.get("/classes/new").get_data(as_text=True)
    start = date.today()
    response = client.post(
        "/classes/new",
        data={
            "csrf_token": csrf_from(page),
            "code": "K.300",
            "title": "Lớp nghiệp vụ công đoàn cơ sở",
            "teaches": f"c:{c.id}",
            "unit_id": world.a.id,
            "funding_source": "kinh_phi_cong_doan",
            "trainer_ids": [world.trainer.id],
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=20)).isoformat(),
            "capacity": "40",
            "online_modules": "all",
            "min_attendance": "80",
            "final_quiz_id": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    tc = db.scalar(select(TrainingClass).where(TrainingClass.code == "K.300"))
    assert tc.completion_rule == {"online_modules": "all", "min_attendance": 80}
    assert "K.300" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_officer_sees_class_sessions_on_home_page(db, world, auth, client):
    tc = h.training_class(db, world.a, course=h.course(db))
    h.member(db, tc, db.get(Officer, world.officer_user.officer_id))
    day = date.today() + timedelta(days=2)
    db.add(
        ClassSession(
            class_id=tc.id,
            starts_at=to_utc(day, time(8, 0)),
            ends_at=to_utc(day, time(11, 0)),
            place="Cung Văn hóa Lao động",
        )
    )
    db.flush()
    auth.login("officer@test.vn")
    page = client.get("/").get_data(as_text=True)
    assert f"Lớp {tc.code}" in page and "Cung Văn hóa Lao động" in page
    assert f"08:00 {day:%d/%m/%Y}" in page


def test_trainer_home_lists_their_running_classes_sessions_and_courses(db, world, auth, client):
    running = h.training_class(db, world.a, course=h.course(db), trainer=world.trainer)
    h.member(db, running, factories.officer(db, world.a1, name="Bùi Thị Lan"))
    ended = h.training_class(
        db,
        world.a,
        course=h.course(db),
        trainer=world.trainer,
        start=date.today() - timedelta(days=90),
        end=date.today() - timedelta(days=1),
    )
    someone_elses = h.training_class(db, world.a, course=h.course(db))
    today = to_local(utcnow()).date()  # in Vietnam
    db.add(
        ClassSession(
            class_id=running.id,
            starts_at=to_utc(today, time(0, 0)),
            ends_at=to_utc(today, time(23, 59, 59)),
            place="Nhà văn hóa công nhân",
        )
    )
    course = h.course(db)
    course.owner_id = world.trainer.id
    db.flush()
    auth.login("trainer@test.vn")
    page = client.get("/").get_data(as_text=True)
    assert "<title>Trang giảng viên" in page and "<section" not in page.split("</title>")[0]
    assert f"Lớp {running.code}" in page and "1 học viên" in page
    assert f"Hôm nay, điểm danh 00:00 {today:%d/%m/%Y}" in page and "Nhà văn hóa công nhân" in page
    assert f"Lớp {ended.code}" not in page and "kể cả 1 lớp đã kết thúc" in page
    assert f"Lớp {someone_elses.code}" not in page
    assert course.code in page and course.title in page


def test_cli_status_lists_members(app, db, world):
    tc = h.training_class(db, world.a, course=h.course(db, (1,)), rule={"online_modules": "all"})
    h.member(db, tc, factories.officer(db, world.a1, name="Lưu Văn Tiến"))
    result = app.test_cli_runner().invoke(args=["classes", "status", tc.code])
    assert result.exit_code == 0, result.output
    assert "Lưu Văn Tiến\t0/1\t0%\tChưa học xong 0/1 học phần" in result.output
    assert "Hoàn thành: 0/1" in result.output
