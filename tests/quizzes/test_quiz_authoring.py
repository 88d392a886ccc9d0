"""Authoring by trainers: Vietnam-time dates stored in UTC, who may manage, slots, the officer's list."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from elearn.errors import Forbidden, ValidationError
from elearn.quizzes import attempts, quiz_access, quiz_services
from elearn.quizzes.quiz_models import Quiz
from tests import factories


def test_dates_typed_in_vietnam_time_are_stored_in_utc(db, world):
    quiz, trainer, _, _ = factories.quiz_setup(db, open_at=datetime(2026, 3, 2, 7, 30))
    assert quiz.open_at == datetime(2026, 3, 2, 0, 30)
    assert quiz_services.settings_of(quiz).open_at == datetime(2026, 3, 2, 7, 30)


def test_only_the_course_trainer_or_admin_manages(db, world):
    quiz, trainer, _, _ = factories.quiz_setup(db)
    other = factories.user(db, "gv2@test.vn", factories.Role.TRAINER, "matkhau123")
    assert quiz_access.can_manage(db, world.admin, quiz)
    assert not quiz_access.can_manage(db, other, quiz)
    with pytest.raises(Forbidden):
        quiz_services.update_quiz(db, other, quiz.id, quiz_services.QuizSettings(title="X"))
    with pytest.raises(Forbidden):
        quiz_services.create_quiz(
            db, world.staff_a, quiz_services.QuizSettings(title="X"), course_id=quiz.course_id
        )


def test_settings_are_checked(db, world):
    quiz, trainer, _, _ = factories.quiz_setup(db)
    bad = quiz_services.QuizSettings(title="X", open_at=datetime(2026, 3, 2), close_at=datetime(2026, 3, 1))
    with pytest.raises(ValidationError, match="sau thời điểm mở"):
        quiz_services.update_quiz(db, trainer, quiz.id, bad)
    with pytest.raises(ValidationError, match="đã có"):
        quiz_services.add_fixed_slot(db, trainer, quiz.id, quiz.slots[0].question_id, Decimal(1))


def test_trainer_creates_a_quiz_through_the_pages(db, world, client, auth):
    _, trainer, _, bank = factories.quiz_setup(db, code="WEB")
    from elearn.courses.models import Course
    from elearn.quizzes.models import QuestionCategory

    course = db.scalar(select(Course).where(Course.code == "WEB"))
    auth.login("trainer@test.vn")
    form = {
        "owner": f"course:{course.id}",
        "title": "Kiểm tra cuối chuyên đề",
        "open_at": "2026-03-02T07:30",
        "time_limit_minutes": "15",
        "grace_seconds": "60",
        "attempts_allowed": "2",
        "grading_method": "highest",
        "pass_mark": "50",
        "shuffle_questions": "y",
        "after_score": "y",
        "bands": "80 | Giỏi\n0 | Cần cố gắng",
    }
    res = auth.post("/quizzes/new", form)
    assert res.status_code == 302
    quiz = db.scalar(select(Quiz).where(Quiz.title == "Kiểm tra cuối chuyên đề"))
    assert quiz.open_at == datetime(2026, 3, 2, 0, 30) and quiz.attempts_allowed == 2
    assert quiz.feedback_bands[0] == {"min": 80.0, "text": "Giỏi"}
    top = db.scalar(
        select(QuestionCategory).where(
            QuestionCategory.bank_id == bank.id, QuestionCategory.parent_id.is_(None)
        )
    )
    res = auth.post(
        f"/quizzes/{quiz.id}/slots/random",
        {
            "r-category_id": top.id,
            "r-include_subcategories": "y",
            "r-tag_id": "0",
            "r-count": "4",
            "r-mark": "1",
        },
    )
    assert res.status_code == 302
    db.expire_all()
    assert quiz_services.question_count(db.get(Quiz, quiz.id)) == 4
    assert "Rút ngẫu nhiên 4 câu" in client.get(f"/quizzes/{quiz.id}/slots").get_data(as_text=True)


def test_officer_sees_quizzes_with_best_result_and_attempts_left(db, world, client, auth):
    quiz, _, officer, _ = factories.quiz_setup(db, attempts_allowed=2, title="Kiểm tra Luật Công đoàn")
    attempt = attempts.start_attempt(db, officer, quiz.id, datetime(2026, 1, 1), random.Random(1))
    q2 = next(aq for aq in attempt.questions if aq.version.name == "Q2 chọn")
    attempts.save_answer(db, officer, attempt.id, q2.position, "a1", datetime(2026, 1, 1))
    db.expire_all()
    attempts.submit_attempt(db, attempt, datetime(2026, 1, 1, 0, 5))
    auth.login("officer@test.vn")
    html = client.get("/quizzes/").get_data(as_text=True)
    assert "Kiểm tra Luật Công đoàn" in html and "Còn 1 lần làm" in html and "<strong>20%</strong>" in html
