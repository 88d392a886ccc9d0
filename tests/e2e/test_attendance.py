"""A trainer takes attendance on a phone: taps members present, reloads, sees marks and status kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.classes.models import ClassMember, ClassSession, ClassTrainer, TrainingClass
from elearn.courses.models import Course
from elearn.db import make_engine, utcnow
from tests import factories
from tests.e2e.conftest import login


def _class_in_live_database(
    tmp_path_factory, code: str, title: str, members: list[str], *, session_started: bool = False, **fields
) -> int:
    """A class of trainer@test.vn with `members` (and a session that has started), written into the live
    server's database once per code."""
    # live_server keeps its database in a "live*" folder of the session's base temp dir.
    paths = sorted(tmp_path_factory.getbasetemp().glob("live*/live.sqlite3"))
    assert paths, "live server database not found"
    engine = make_engine(f"sqlite:///{paths[-1]}")
    with Session(engine) as db:
        existing = db.scalar(select(TrainingClass).where(TrainingClass.code == code))
        if existing is None:
            course = Course(code=f"E2E-{code}", title=f"Chuyên đề của lớp {code}", enrolment="class")
            db.add(course)
            db.flush()
            a, a1 = factories.unit(db, "TEST-A"), factories.unit(db, "TEST-A1")
            existing = TrainingClass(
                code=code,
                title=title,
                course_id=course.id,
                unit_id=a.id,
                end_date=date.today() + timedelta(days=30),
                capacity=10,
                **fields,
            )
            db.add(existing)
            db.flush()
            trainer = db.scalar(select(User).where(User.email == "trainer@test.vn"))
            db.add(ClassTrainer(class_id=existing.id, user_id=trainer.id))
            for name in members:
                db.add(ClassMember(class_id=existing.id, officer_id=factories.officer(db, a1, name=name).id))
            if session_started:
                start = utcnow() - timedelta(hours=1)
                db.add(
                    ClassSession(
                        class_id=existing.id,
                        starts_at=start,
                        ends_at=start + timedelta(hours=3),
                        place="Hội trường tầng 2",
                        topic="Đối thoại tại nơi làm việc",
                    )
                )
            db.commit()
        class_id = existing.id
    engine.dispose()
    return class_id


@pytest.fixture
def blended_class(live_server, tmp_path_factory):
    """Three members and one session that has started."""
    return _class_in_live_database(
        tmp_path_factory,
        "K.E2E",
        "Lớp kết hợp thử nghiệm",
        ["Đặng Văn Hùng", "Ngô Thị Hạnh", "Phan Minh Quân"],
        session_started=True,
        start_date=date.today() - timedelta(days=3),
        completion_rule={"min_attendance": 100},
    )


def test_trainer_marks_attendance_on_a_phone(live_server, phone, blended_class):
    login(phone, live_server, "trainer@test.vn")
    phone.goto(f"{live_server}/classes/{blended_class}")
    assert phone.get_by_text("Đã hoàn thành: 0/3 học viên").is_visible()
    phone.locator("ul.sessions a").first.click()
    phone.wait_for_load_state()
    hung = phone.locator("button.mark", has_text="Đặng Văn Hùng")
    hanh = phone.locator("button.mark", has_text="Ngô Thị Hạnh")
    box = hung.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big tap target on a 360-px screen
    hung.tap()
    hanh.tap()
    expect(phone.locator("#present-count")).to_have_text("2")
    assert hung.get_attribute("aria-pressed") == "true"
    hanh.tap()  # a second tap takes the mark back
    expect(phone.locator("#present-count")).to_have_text("1")
    hanh.tap()
    expect(phone.locator("#present-count")).to_have_text("2")
    assert phone.locator("#attendance-error").is_hidden()

    phone.reload()
    assert phone.locator("button.mark[aria-pressed=true]").count() == 2
    assert phone.locator("button.mark", has_text="Phan Minh Quân").get_attribute("aria-pressed") == "false"
    assert phone.locator("#present-count").text_content() == "2"

    phone.goto(f"{live_server}/classes/{blended_class}")
    assert phone.get_by_text("Đã hoàn thành: 2/3 học viên").is_visible()
    assert phone.locator("ul.sessions .tag", has_text="Có mặt 2/3").is_visible()
    quan = phone.locator("ul.roster li", has_text="Phan Minh Quân")
    assert "Chuyên cần 0% (cần ≥ 100%)" in quan.text_content()


def test_removing_a_member_asks_first(live_server, phone, tmp_path_factory):
    class_id = _class_in_live_database(
        tmp_path_factory, "K.E2E-XN", "Lớp thử hỏi trước khi xóa", ["Lý Văn Tạm"], start_date=date.today()
    )

    login(phone, live_server, "trainer@test.vn")
    phone.goto(f"{live_server}/classes/{class_id}")
    member = phone.locator("ul.roster li", has_text="Lý Văn Tạm")
    questions = []
    phone.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    member.get_by_role("button", name="Đưa ra khỏi lớp").click()
    assert questions == ["Đưa Lý Văn Tạm ra khỏi lớp?"]
    phone.reload()
    expect(phone.locator("ul.roster li", has_text="Lý Văn Tạm")).to_have_count(1)  # dismissed: kept

    phone.once("dialog", lambda d: d.accept())
    phone.locator("ul.roster li", has_text="Lý Văn Tạm").get_by_role("button", name="Đưa ra khỏi lớp").click()
    phone.wait_for_load_state()
    expect(phone.locator("ul.roster li", has_text="Lý Văn Tạm")).to_have_count(0)
