"""Course authoring checks: a completion count the course can meet, «tất cả», and the module and attachment
forms answering with a Vietnamese error instead of a silent reload."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from elearn.courses import authoring
from elearn.courses.models import Course, Module
from elearn.errors import ValidationError
from tests import factories
from tests.test_form_messages import assert_vietnamese


@pytest.fixture
def course(db, world, auth):
    """trainer@test.vn's course of three lessons, trainer logged in."""
    item = factories.course(db, "AU-01", owner=world.trainer, modules=(2, 1))
    auth.login("trainer@test.vn")
    return item


def _course_form(**changes) -> dict:
    data = {
        "code": "AU-01",
        "title": "Chuyên đề AU-01",
        "delivery": "online",
        "enrolment": "open",
        "hours": "8",
        "completion": "tất cả",
        "is_published": "y",
    }
    return {**data, **changes}


def _data(**changes) -> authoring.CourseData:
    values = {
        "code": "AU-02",
        "title": "Chuyên đề",
        "description": "",
        "delivery": "online",
        "hours": 4,
        "enrolment": "open",
        "completion": "tất cả",
        "is_published": True,
    }
    return authoring.CourseData(**{**values, **changes})


def test_completion_count_cannot_exceed_the_lessons(db, course, auth, client):
    response = auth.post(f"/courses/manage/{course.id}/edit", _course_form(completion="99"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã lưu" not in html
    assert "Chuyên đề chỉ có 3 bài học: nhập «tất cả» hoặc một số từ 1 đến 3." in html
    assert 'value="99"' in html  # what was typed stays in the field
    db.refresh(course)
    assert course.completion_rule == {"lessons": "all"}
    assert auth.post(f"/courses/manage/{course.id}/edit", _course_form(completion="3")).status_code == 302
    db.refresh(course)
    assert course.completion_rule == {"lessons": 3}


def test_completion_count_is_a_service_rule(db, world, course):
    with pytest.raises(ValidationError, match="chỉ có 3 bài học"):
        authoring.update_course(db, world.trainer, course.id, _data(code="AU-01", completion="4"))
    with pytest.raises(ValidationError, match="chưa có bài học"):
        authoring.create_course(db, world.trainer, _data(completion="2"))
    for word in ("all", "Tất cả", "tat ca"):
        updated = authoring.update_course(db, world.trainer, course.id, _data(code="AU-01", completion=word))
        assert updated.completion_rule == {"lessons": "all"}


def test_edit_page_shows_tat_ca_and_no_english(db, course, client):
    html = client.get(f"/courses/manage/{course.id}/edit").get_data(as_text=True)
    assert 'name="completion"' in html and 'value="tất cả"' in html
    assert "«tất cả»: học hết các bài; hoặc số bài tối thiểu (từ 1 đến 3)" in html
    assert 'value="all"' not in html and "content import" not in html


def test_add_module_with_an_empty_name_says_so(db, course, auth):
    before = db.scalar(select(func.count()).select_from(Module).where(Module.course_id == course.id))
    response = auth.post(f"/courses/manage/{course.id}/modules", {"title": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<small class="error" role="alert">Hãy nhập tên module.</small>' in html
    assert 'id="them-module"' in html and "novalidate" in html[html.index('id="them-module"') - 300 :]
    assert 'value="Chuyên đề AU-01"' in html  # the course form above is still filled in
    long_name = "Module " + "x" * 300
    html = auth.post(f"/courses/manage/{course.id}/modules", {"title": long_name}).get_data(as_text=True)
    assert f'value="{long_name}"' in html and "Không được dài quá 300 ký tự." in html
    assert_vietnamese(html)
    after = db.scalar(select(func.count()).select_from(Module).where(Module.course_id == course.id))
    assert after == before
    assert auth.post(f"/courses/manage/{course.id}/modules", {"title": "Module mới"}).status_code == 302


def test_module_title_is_a_service_rule(db, world, course):
    with pytest.raises(ValidationError, match="tên module"):
        authoring.add_module(db, world.trainer, course.id, "  ")
    module = course.modules[0]
    with pytest.raises(ValidationError, match="tên module"):
        authoring.update_module(db, world.trainer, module.id, "", 1)


def test_upload_without_a_file_says_so(db, course, auth):
    lesson = factories.course_lessons(course)[0]
    url = f"/courses/manage/lessons/{lesson.id}/attachments"
    response = auth.post(url, {}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<small class="error">Hãy chọn tệp PDF, DOCX hoặc PPTX.</small>' in html
    assert f'value="{lesson.title}"' in html  # the lesson form is the saved lesson, not the empty upload
    assert_vietnamese(html)
    wrong = {"file": (io.BytesIO(b"MZ not a pdf"), "virus.pdf")}
    html = auth.post(url, wrong, content_type="multipart/form-data").get_data(as_text=True)
    assert "Nội dung tệp không phải định dạng .pdf." in html
    db.refresh(lesson)
    assert lesson.attachments == []


def test_new_course_keeps_tat_ca_as_default(db, world, auth, client):
    auth.login("trainer@test.vn")
    html = client.get("/courses/manage/new").get_data(as_text=True)
    assert 'value="tất cả"' in html
    data = _course_form(code="AU-03", title="Chuyên đề mới")
    assert auth.post("/courses/manage/new", data).status_code == 302
    created = db.scalar(select(Course).where(Course.code == "AU-03"))
    assert created.completion_rule == {"lessons": "all"}
