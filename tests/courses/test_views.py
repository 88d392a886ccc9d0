"""Access to lessons and attachments, the learner flow through HTTP, authoring rights, page weight."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from elearn.courses.models import Enrolment, LessonProgress
from tests import factories

OFFICER = "officer@test.vn"
DOCX_MAGIC = b"PK\x03\x04"


def _class_course(db, world, app):
    course = factories.course(db, "CL-01", enrolment="class", owner=world.trainer, modules=(1,))
    lesson = factories.course_lessons(course)[0]
    attachment = factories.attachment(db, lesson, app.instance_path)
    return course, lesson, attachment


def test_unenrolled_officer_cannot_read_class_only_lesson_or_attachment(db, world, app, auth, client):
    course, lesson, attachment = _class_course(db, world, app)
    auth.login(OFFICER)
    assert client.get(f"/courses/lessons/{lesson.id}").status_code == 403
    assert client.get(f"/courses/attachments/{attachment.id}").status_code == 403
    assert auth.post(f"/courses/lessons/{lesson.id}/done").status_code == 403
    assert auth.post(f"/courses/{course.id}/enrol").status_code == 302
    assert db.scalar(select(Enrolment).where(Enrolment.course_id == course.id)) is None


def test_officer_enrolled_through_a_class_reads_lesson_and_downloads_attachment(db, world, app, auth, client):
    course, lesson, attachment = _class_course(db, world, app)
    factories.enrol(db, world.officer_user.officer_id, course, source="class")
    auth.login(OFFICER)
    page = client.get(f"/courses/lessons/{lesson.id}")
    assert page.status_code == 200, page.headers.get("Location")
    response = client.get(f"/courses/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"%PDF-")


def test_staff_and_trainers_read_class_only_lessons(db, world, app, auth, client):
    _, lesson, attachment = _class_course(db, world, app)
    auth.login("staff-a@test.vn")
    assert client.get(f"/courses/lessons/{lesson.id}").status_code == 200
    assert client.get(f"/courses/attachments/{attachment.id}").status_code == 200


def test_open_course_needs_self_enrolment_first(db, world, auth, client):
    course = factories.course(db, "OP-01", modules=(1,))
    lesson = factories.course_lessons(course)[0]
    auth.login(OFFICER)
    response = client.get(f"/courses/lessons/{lesson.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{course.id}")
    assert auth.post(f"/courses/{course.id}/enrol").status_code == 302
    assert client.get(f"/courses/lessons/{lesson.id}").status_code == 200


def test_mark_done_form_and_json_move_the_progress_bar(db, world, auth, client):
    course = factories.course(db, "OP-02", modules=(2,))
    first, second = factories.course_lessons(course)
    factories.enrol(db, world.officer_user.officer_id, course)
    auth.login(OFFICER)
    page = client.get(f"/courses/lessons/{first.id}").get_data(as_text=True)
    assert "Đánh dấu đã học" in page
    response = auth.post(f"/courses/lessons/{first.id}/done", {"next_id": second.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/lessons/{second.id}")
    token = auth.csrf()
    data = client.post(
        f"/courses/lessons/{second.id}/done.json",
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    ).get_json()
    assert data["percent"] == 100 and data["completed"]
    home = client.get("/").get_data(as_text=True)
    assert 'value="100"' in home and "Chuyên đề OP-02" in home
    done = db.scalars(select(LessonProgress).where(LessonProgress.completed_at.is_not(None))).all()
    assert {p.lesson_id for p in done} >= {first.id, second.id}


def test_json_endpoint_refuses_a_missing_csrf_token(db, world, auth, client):
    course = factories.course(db, "OP-03", modules=(1,))
    factories.enrol(db, world.officer_user.officer_id, course)
    auth.login(OFFICER)
    lesson = factories.course_lessons(course)[0]
    assert client.post(f"/courses/lessons/{lesson.id}/done.json").status_code == 400


def test_catalogue_search_ignores_accents(db, world, auth, client):
    factories.course(db, "TK-01")
    course = factories.course(db, "TK-02")
    course.title = "Thương lượng tập thể"
    db.flush()
    auth.login(OFFICER)
    page = client.get("/courses/?q=thuong luong").get_data(as_text=True)
    assert "Thương lượng tập thể" in page and "Chuyên đề TK-01" not in page


def test_trainer_cannot_edit_someone_elses_course(db, world, auth, client):
    other = factories.user(db, "trainer2@test.vn", factories.Role.TRAINER, "matkhau123")
    course = factories.course(db, "ED-01", owner=other, modules=(1,))
    lesson = factories.course_lessons(course)[0]
    auth.login("trainer@test.vn")
    assert client.get(f"/courses/manage/{course.id}/edit").status_code == 403
    assert client.get(f"/courses/manage/lessons/{lesson.id}/edit").status_code == 403
    response = auth.post(
        f"/courses/manage/lessons/{lesson.id}/edit",
        {"title": "Sửa", "module_id": lesson.module_id, "save": "1"},
    )
    assert response.status_code == 403
    assert lesson.title != "Sửa"


def test_trainer_edits_own_course_and_uploads_checked_attachments(db, world, app, auth, client):
    course = factories.course(db, "ED-02", owner=world.trainer, modules=(1,))
    course.source, course.content_hash = "file", "x" * 64
    db.flush()
    lesson = factories.course_lessons(course)[0]
    auth.login("trainer@test.vn")
    page = client.get(f"/courses/manage/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert "nhập nội dung từ tệp" in page  # warns that the next file import overwrites web edits
    data = {"title": "Bài đã sửa", "module_id": lesson.module_id, "body_md": "**Mới**", "save": "Lưu bài học"}
    assert auth.post(f"/courses/manage/lessons/{lesson.id}/edit", data).status_code == 302
    db.refresh(lesson)
    db.refresh(course)
    assert lesson.body_html == "<p><strong>Mới</strong></p>\n" and course.content_hash is None
    url = f"/courses/manage/lessons/{lesson.id}/attachments"
    fake = {"file": (_bytes_io(b"MZ not a pdf"), "virus.pdf")}
    auth.post(url, fake, content_type="multipart/form-data")
    assert lesson.attachments == []
    good = {"file": (_bytes_io(factories.PDF_BYTES), "giao-trinh.pdf")}
    auth.post(url, good, content_type="multipart/form-data")
    db.refresh(lesson)
    assert [a.filename for a in lesson.attachments] == ["giao-trinh.pdf"]


def test_lesson_page_is_under_60_kb_with_its_css_and_js(db, world, auth, client):
    from elearn.config import ROOT

    body = (ROOT / "courses" / "lcd-2024" / "03-kinh-phi-cong-doan.md").read_text(encoding="utf-8")
    course = factories.course(db, "PW-01", modules=(3, 3), body=body)
    factories.enrol(db, world.officer_user.officer_id, course)
    lesson = factories.course_lessons(course)[0]
    auth.login(OFFICER)
    page = client.get(f"/courses/lessons/{lesson.id}")
    html = page.get_data(as_text=True)
    assert "Kinh phí công đoàn" in html
    total = len(page.data)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        response = client.get(asset)
        total += len(response.data)
        response.close()
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html.replace("youtube-nocookie", ""))  # no CDNs
    assert total < 60 * 1024, total


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def test_reading_a_lesson_remembers_it_and_a_reload_writes_nothing(db, world, app, auth, client):
    course, lesson, attachment = _class_course(db, world, app)
    enrolment = factories.enrol(db, world.officer_user.officer_id, course, source="class")
    auth.login(OFFICER)
    page = client.get(f"/courses/lessons/{lesson.id}").get_data(as_text=True)
    assert lesson.title in page and lesson.module.title in page and attachment.filename in page
    db.refresh(enrolment)
    first_seen = enrolment.last_seen_at
    assert enrolment.last_lesson_id == lesson.id and first_seen is not None
    seen = db.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id))
    assert seen.first_seen_at == first_seen and seen.completed_at is None
    client.get(f"/courses/lessons/{lesson.id}")
    db.refresh(enrolment)
    assert enrolment.last_seen_at == first_seen  # within ten minutes: no write


def test_progress_bar_escapes_its_label_and_takes_only_a_number():
    from elearn.courses.views import progress_bar

    bar = str(progress_bar(67, 'Tiến độ "A" <b>'))
    assert 'value="67" data-percent="67" aria-label="Tiến độ &#34;A&#34; &lt;b&gt;">67%</progress>' in bar
    assert '<span class="bar-num">67%</span>' in bar
    with pytest.raises(ValueError):
        progress_bar('1" onclick="x', "Tiến độ")
