"""The class form: capacity messages that name the real problem, and «tất cả» for the online modules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from elearn.classes import services
from elearn.classes.models import TrainingClass
from elearn.errors import ValidationError
from tests.classes import helpers as h
from tests.test_form_messages import assert_vietnamese


def _form(world, course, **changes) -> dict:
    start = date.today()
    data = {
        "code": "K.301",
        "title": "Lớp nghiệp vụ công đoàn cơ sở",
        "teaches": f"c:{course.id}",
        "unit_id": world.a.id,
        "funding_source": "kinh_phi_cong_doan",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=20)).isoformat(),
        "capacity": "40",
        "online_modules": "tất cả",
        "min_attendance": "80",
        "final_quiz_id": "",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("0", "Sĩ số tối đa từ 1 đến 10.000."),
        ("1.5", "Sĩ số tối đa phải là một số nguyên."),
        ("99999999999", "Sĩ số tối đa từ 1 đến 10.000."),
        ("", "Vui lòng nhập trường này."),
    ],
)
def test_capacity_says_what_is_wrong(db, world, auth, client, capacity, message):
    auth.login("staff-a@test.vn")
    response = auth.post("/classes/new", _form(world, h.course(db), capacity=capacity))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert html.count('class="error"') == 1
    assert_vietnamese(html)
    assert db.scalar(select(TrainingClass).where(TrainingClass.code == "K.301")) is None


def test_capacity_range_is_a_service_rule_too(db, world):
    data = services.ClassData(
        code="K.302",
        title="Lớp",
        unit_id=world.a.id,
        start_date=date.today(),
        end_date=date.today(),
        capacity=10_001,
        course_id=h.course(db).id,
    )
    with pytest.raises(ValidationError, match="10.000"):
        services.create_class(db, world.staff_a, data)


def test_online_modules_read_and_take_tat_ca(db, world, auth, client):
    auth.login("staff-a@test.vn")
    page = client.get("/classes/new").get_data(as_text=True)
    assert 'value="tất cả"' in page and "“all”" not in page
    assert auth.post("/classes/new", _form(world, h.course(db), online_modules="Tất Cả")).status_code == 302
    tc = db.scalar(select(TrainingClass).where(TrainingClass.code == "K.301"))
    assert tc.completion_rule["online_modules"] == "all"  # stored as before; course files say "all" too
    edit = client.get(f"/classes/{tc.id}/edit").get_data(as_text=True)
    assert 'value="tất cả"' in edit
    html = auth.post(f"/classes/{tc.id}/edit", _form(world, h.course(db), online_modules="mọi")).get_data(
        as_text=True
    )
    assert "Nhập «tất cả» hoặc số học phần" in html


@pytest.mark.parametrize("value", ["all", "tất cả", "TAT CA", "2"])
def test_online_modules_rule_accepts_old_and_new_words(db, world, value):
    data = services.ClassData(
        code="K.303",
        title="Lớp",
        unit_id=world.a.id,
        start_date=date.today(),
        end_date=date.today(),
        capacity=30,
        course_id=h.course(db).id,
        completion_rule={"online_modules": value},
    )
    tc = services.create_class(db, world.staff_a, data)
    assert tc.completion_rule["online_modules"] == ("all" if not value.isdigit() else 2)
