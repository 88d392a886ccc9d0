"""Hostile input against every route, read from the app's URL map so that new routes are covered too."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from elearn.html import render_markdown, render_text, sanitize_html
from elearn.officers.models import Officer
from elearn.web import ON_EXPIRED_LOGIN
from tests.conftest import Auth
from tests.test_access import EMAILS, _endpoints, _sample_args

SQL_VALUES = [
    "' OR '1'='1",
    "1; DROP TABLE officer;--",
    "%' UNION SELECT password_hash FROM user_account--",
    "\\",
    "%_",
]
FILTER_ARGS = [
    "q",
    "unit",
    "title",
    "sector",
    "term",
    "full_time",
    "new",
    "page",
    "status",
    "type",
    "tag",
    "bank",
    "category",
    "difficulty",
    "year",
    "serial",
    "sort",
    "order",
]
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jAvAsCrIpT&colon;alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<object data=x></object><embed src=x>",
    '<form action="https://evil.example"><input name=x></form>',
    "<base href=https://evil.example/>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "base",
    "meta",
    "style",
    "svg",
    "math",
    "link",
}


class _Collector(HTMLParser):
    """Tags and attributes as a browser would parse them (escaped text is not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangerous(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    problems = []
    for tag, attrs in collector.found:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            compact = "".join(ch for ch in (value or "") if ord(ch) > 0x20).lower()
            if (
                name.startswith("on")
                or name == "style"
                or compact.startswith(("javascript:", "vbscript:", "data:"))
            ):
                problems.append(f"{tag} {name}={value}")
    return problems


def _logged_in(app, role: str):
    client = app.test_client()
    assert Auth(client).login(EMAILS[role]).status_code == 302
    return client


@pytest.mark.parametrize("payload", XSS)
def test_xss_corpus_through_the_sanitiser(payload):
    for html in (
        render_markdown(payload),
        sanitize_html(payload),
        render_text(payload, "html"),
        render_text(payload, "plain"),
        render_text(payload, "moodle"),
    ):
        assert dangerous(html) == [], (payload, html)


def test_officer_name_with_markup_is_escaped_everywhere(app, db, world, auth, client):
    from tests import factories

    person = factories.officer(db, world.a1, name='<script>alert("x")</script> Nguyễn Văn A')
    db.commit()
    auth.login("staff-a@test.vn")
    for path in ("/officers/?q=nguyen", f"/officers/{person.id}", f"/officers/{person.id}/edit"):
        html = client.get(path).get_data(as_text=True)
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("role", ["staff", "admin", "trainer", "officer"])
def test_every_post_refuses_a_missing_or_wrong_csrf_token(app, db, world, role):
    client = _logged_in(app, role)
    checked = 0
    with app.test_request_context():
        for rule, _view in _endpoints(app):
            if "POST" not in rule.methods:
                continue
            url = app.url_for(rule.endpoint, **_sample_args(db, world, rule))
            for data, headers in (({}, {}), ({"csrf_token": "forged"}, {"X-CSRFToken": "forged"})):
                response = client.post(url, data=data, headers=headers)
                # The quiz's page form and "Nộp bài" keep the learner's work instead (saved only with their
                # signed form token, see tests/quizzes/test_attempt_answers.py): a redirect, never a write.
                expected = 302 if rule.endpoint in ON_EXPIRED_LOGIN else 400
                assert response.status_code == expected, f"POST {rule.rule} as {role}: {response.status_code}"
                checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_sql_metacharacters_in_every_search_and_filter(app, db, world, role):
    client = _logged_in(app, role)
    before = db.scalar(select(func.count()).select_from(Officer))
    with app.test_request_context():
        for rule, _view in _endpoints(app):
            if "GET" not in rule.methods or rule.endpoint == "accounts.logout":
                continue
            url = app.url_for(rule.endpoint, **_sample_args(db, world, rule))
            for value in SQL_VALUES:
                response = client.get(url, query_string={name: value for name in FILTER_ARGS})
                assert response.status_code < 500, f"GET {rule.rule}?…={value!r} as {role}"
    assert db.scalar(select(func.count()).select_from(Officer)) == before


def test_every_page_sends_the_security_headers(app, db, world):
    client = _logged_in(app, "admin")
    with app.test_request_context():
        for rule, _view in _endpoints(app):
            if "GET" not in rule.methods:
                continue
            response = client.get(app.url_for(rule.endpoint, **_sample_args(db, world, rule)))
            assert response.headers["X-Content-Type-Options"] == "nosniff", rule.rule
            if response.mimetype == "text/html":
                assert "unsafe-inline" not in response.headers["Content-Security-Policy"], rule.rule
                assert response.headers["X-Frame-Options"] == "DENY", rule.rule


def test_oversized_upload_is_refused(app, auth, client, world):
    auth.login("staff-a@test.vn")
    token = auth.csrf("/officers/import")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = client.post(
            "/officers/import",
            data={
                "csrf_token": token,
                "unit_id": str(world.a.id),
                "file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv"),
            },
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    assert response.status_code == 413
    assert "vượt quá dung lượng" in response.get_data(as_text=True)


XSS_GIFT = """$CATEGORY: Thử/XSS

::X1:: [html]<p>Câu một<script>alert(1)</script><img src=x onerror=alert(2)></p>{
=<b>Đúng</b><svg onload=alert(3)> #<a href="javascript:alert(4)">phản hồi</a>
~<iframe src=https://evil.example></iframe>Sai }

::X2:: [markdown]Câu hai [bấm](javascript:alert(5)) <object data=x></object>{T}
"""


def dangerous_in_page(html: str) -> list[str]:
    """Like dangerous(), for a whole page: its own forms, meta tags and static scripts are expected."""
    collector = _Collector()
    collector.feed(html)
    problems = []
    for tag, attrs in collector.found:
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            problems.append("inline or foreign <script>")
        if tag in {"iframe", "object", "embed", "svg", "math", "base"}:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            compact = "".join(ch for ch in (value or "") if ord(ch) > 0x20).lower()
            if name.startswith("on") or name == "style" or compact.startswith(("javascript:", "vbscript:")):
                problems.append(f"{tag} {name}={value}")
    return problems


def test_question_markup_is_sanitised_on_the_attempt_and_preview_pages(app, db, world):
    import random

    from elearn.db import utcnow
    from elearn.quizzes import attempts
    from elearn.quizzes.models import Question
    from tests import factories

    quiz, trainer, officer_user, bank = factories.quiz_setup(db, XSS_GIFT, code="XSS")
    attempt = attempts.start_attempt(db, officer_user, quiz.id, utcnow(), random.Random(1))
    question = db.scalar(select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
    db.commit()
    officer = _logged_in(app, "officer")
    page = officer.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "Câu một" in page and "Câu hai" in page
    assert dangerous_in_page(page) == []
    teacher = _logged_in(app, "trainer")
    preview = teacher.get(f"/banks/questions/{question.id}").get_data(as_text=True)
    assert "Câu một" in preview
    assert dangerous_in_page(preview) == []
