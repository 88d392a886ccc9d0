"""Lesson text is rendered once, through elearn.html, and shows nothing executable."""

from __future__ import annotations

from html.parser import HTMLParser

from elearn.courses import authoring
from elearn.courses.models import Lesson
from tests import factories

HOSTILE = """\
# Bài có mã độc

<script>alert(1)</script>

[bấm vào đây](javascript:alert(1)) và [nữa](JaVaScRiPt:alert(2))

<img src="x" onerror="alert(3)">

<a href="#" onclick="alert(4)">liên kết</a>

<iframe src="https://evil.example/embed/1"></iframe>

Đoạn cuối **an toàn**.
"""


class _Elements(HTMLParser):
    """Every real element and attribute of a page (escaped text like "&lt;script&gt;" is not one)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str, allowed_iframe: str | None = None) -> None:
    for tag, attrs in _Elements(html).tags:
        assert tag != "script" or attrs.get("src", "").startswith("/static/"), (tag, attrs)
        if tag == "iframe":
            assert allowed_iframe and attrs["src"].startswith(allowed_iframe), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), (tag, value)


def _lesson_html(db, world, body: str, video: str | None = None) -> Lesson:
    course = factories.course(db, "SAN-01", owner=world.trainer, modules=(1,))
    module = course.modules[0]
    data = authoring.LessonData("Bài có mã độc", body, video, module.id)
    return authoring.create_lesson(db, world.trainer, course.id, data)


def test_hostile_lesson_renders_nothing_executable(db, world):
    lesson = _lesson_html(db, world, HOSTILE)
    assert_inert(lesson.body_html)
    assert "<script" not in lesson.body_html and "<iframe" not in lesson.body_html
    assert 'href="javascript' not in lesson.body_html.lower()
    assert "<strong>an toàn</strong>" in lesson.body_html


def test_lesson_page_shows_sanitised_body_and_youtube_nocookie_embed(db, world, auth, client):
    lesson = _lesson_html(db, world, HOSTILE, video="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    factories.enrol(db, world.officer_user.officer_id, lesson.module.course)
    auth.login("officer@test.vn")
    page = client.get(f"/courses/lessons/{lesson.id}").get_data(as_text=True)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert_inert(page, allowed_iframe="https://www.youtube-nocookie.com/embed/")


def test_disallowed_video_host_is_a_plain_link(db, world, auth, client):
    lesson = _lesson_html(db, world, "Văn bản.", video="https://evil.example/video/1")
    factories.enrol(db, world.officer_user.officer_id, lesson.module.course)
    auth.login("officer@test.vn")
    page = client.get(f"/courses/lessons/{lesson.id}").get_data(as_text=True)
    assert "<iframe" not in page
    assert 'href="https://evil.example/video/1"' in page


def test_preview_uses_the_same_sanitiser(db, world, auth, client):
    course = factories.course(db, "SAN-02", owner=world.trainer, modules=(1,))
    auth.login("trainer@test.vn")
    url = f"/courses/manage/{course.id}/lessons/new"
    response = auth.post(
        url,
        {"title": "Thử", "module_id": course.modules[0].id, "body_md": HOSTILE, "preview": "Xem trước"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Xem trước" in page
    assert "<strong>an toàn</strong>" in page
    assert_inert(page)
    assert len(factories.course_lessons(course)) == 1  # a preview saves nothing


def test_raw_html_through_the_same_module_loses_handlers_and_scripts():
    from elearn.html import sanitize_html

    html = sanitize_html(
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a>'
        '<img src="x.png" onerror="alert(2)"><iframe src="https://evil.example/"></iframe></p>'
    )
    assert_inert(html)
    assert "alert(2)" not in html and "iframe" not in html and "javascript" not in html
