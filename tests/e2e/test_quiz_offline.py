"""An officer takes a timed quiz on a phone, loses the network mid-attempt, answers two more questions,
comes back online, and finds every answer saved and the attempt graded after submission."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.quizzes.quiz_models import QuizAttempt
from tests import factories
from tests.e2e.conftest import login, serving, world_database


@pytest.fixture(scope="module")
def quiz_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiz-live")
    url, engine = world_database(root)
    with Session(engine) as session:
        quiz, *_ = factories.quiz_setup(session, time_limit_minutes=15, title="Kiểm tra Luật Công đoàn")
        quiz_id = quiz.id
        session.commit()
    with serving(root, url) as base_url:
        yield base_url, engine, quiz_id
    engine.dispose()


def _question(page, text):
    return page.locator("fieldset.question", has_text=text)


def test_offline_answers_are_kept_and_sent_when_back_online(quiz_server, phone):
    base, engine, quiz_id = quiz_server
    page = phone
    login(page, base, "officer@test.vn")
    page.goto(f"{base}/quizzes/")
    page.get_by_role("link", name="Kiểm tra Luật Công đoàn").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_selector("#quiz-timer")
    assert "Còn lại" in page.locator("#quiz-timer").inner_text()

    q1, q2 = _question(page, "thương lượng tập thể. "), _question(page, "Cơ quan nào ban hành")
    q1.locator("label.choice", has_text="Đúng").click()
    q2.locator("label.choice", has_text="Quốc hội").click()
    for q in (q1, q2):
        q.locator(".q-status", has_text="Đã lưu").wait_for()

    page.context.set_offline(True)
    q3, q4 = _question(page, "Những nội dung nào"), _question(page, "Kinh phí công đoàn đóng")
    q3.locator("label.choice", has_text="Tiền lương").click()
    q3.locator("label.choice", has_text="Thời giờ làm việc").click()
    q4.locator("input[type=text]").fill("2")
    q4.locator("input[type=text]").press("Tab")
    page.locator("#quiz-status", has_text="Chưa lưu — sẽ gửi lại khi có mạng").wait_for()
    assert "Chưa lưu" in q4.locator(".q-status").inner_text()

    page.context.set_offline(False)
    page.locator("#quiz-status", has_text="Đã lưu").wait_for()
    for q in (q3, q4):
        q.locator(".q-status", has_text="Đã lưu").wait_for()
    with Session(engine) as s:
        attempt = s.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id))
        saved = {aq.version.name: aq.response for aq in attempt.questions}
    assert saved["Q1 quyền"] == "true" and saved["Q2 chọn"] == "a1"
    assert sorted(saved["Q3 nhiều"]) == ["a1", "a2"] and saved["Q4 số"] == "2"

    page.get_by_role("button", name="Nộp bài").click()
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    grade = page.locator("#attempt-grade")
    grade.wait_for()
    assert "80%" in grade.inner_text() and "Đạt" in grade.inner_text()  # 4 of 5, the essay left blank
    with Session(engine) as s:
        attempt = s.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id))
        assert attempt.state == "submitted" and str(attempt.marks) == "4.000"
        assert all(aq.response is not None for aq in attempt.questions if aq.version.qtype != "essay")
