"""Grading: partial credit in Decimal, marks = Σ fraction × max mark, essays by hand, grading methods,
and the CLI sweep that closes expired attempts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from elearn.audit.models import AuditEvent
from elearn.errors import Forbidden, ValidationError
from elearn.quizzes import attempts, grading, quiz_cli
from elearn.quizzes.quiz_models import QuizAttempt
from elearn.quizzes.results import quiz_grade, quiz_passed
from tests import factories

NOW = datetime(2026, 3, 2, 8, 0)


def _answer_all(db, officer, attempt, answers: dict):
    for aq in attempt.questions:
        if aq.version.name in answers:
            attempts.save_answer(db, officer, attempt.id, aq.position, answers[aq.version.name], NOW)
    db.expire_all()


def test_partial_credit_and_marks(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db, time_limit_minutes=20)
    for slot in quiz.slots:
        slot.mark = Decimal("2")  # every question worth 2
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    # Q1 right (2), Q2 wrong (0), Q3 half (1), Q4 right with a decimal comma (2), Q5 essay blank (0)
    _answer_all(
        db, officer, attempt, {"Q1 quyền": "true", "Q2 chọn": "a2", "Q3 nhiều": ["a1"], "Q4 số": "2,0"}
    )
    assert attempts.submit_attempt(db, attempt, NOW + timedelta(minutes=3))
    fractions = {aq.version.name: aq.fraction for aq in attempt.questions}
    assert fractions == {
        "Q1 quyền": Decimal(1),
        "Q2 chọn": Decimal(0),
        "Q3 nhiều": Decimal("0.5"),
        "Q4 số": Decimal(1),
        "Q5 tự luận": Decimal(0),
    }
    assert attempt.marks == Decimal("5.000") and attempt.max_marks == Decimal("10.000")
    assert attempt.percent == Decimal("50.00") and not attempt.needs_grading
    assert quiz_passed(db, quiz.id, officer.officer_id)


def test_negative_choice_clamps_to_zero(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    _answer_all(db, officer, attempt, {"Q3 nhiều": ["a1", "a3"]})
    attempts.submit_attempt(db, attempt, NOW)
    assert next(aq for aq in attempt.questions if aq.version.name == "Q3 nhiều").fraction == 0


def test_essay_waits_for_hand_grading(db, world):
    quiz, trainer, officer, _ = factories.quiz_setup(db)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    _answer_all(db, officer, attempt, {"Q2 chọn": "a1", "Q5 tự luận": "Đại diện và bảo vệ người lao động."})
    attempts.submit_attempt(db, attempt, NOW)
    assert attempt.marks is None and attempt.needs_grading
    assert quiz_grade(db, quiz, officer.officer_id) is None
    queue = grading.grading_queue(db, trainer)
    assert [aq.version.name for aq in queue] == ["Q5 tự luận"]
    with pytest.raises(Forbidden):
        grading.grade_by_hand(db, world.staff_a, queue[0].id, Decimal("0.5"), "", NOW)
    with pytest.raises(ValidationError):
        grading.grade_by_hand(db, trainer, queue[0].id, Decimal("3"), "", NOW)
    grading.grade_by_hand(db, trainer, queue[0].id, Decimal("0.75"), "Ý đúng, cần nêu thêm ví dụ.", NOW)
    assert attempt.marks == Decimal("1.750") and not attempt.needs_grading
    assert grading.grading_queue(db, trainer) == []
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.grade_by_hand"))
    assert event.object_id == str(attempt.id) and event.details["new_fraction"] == "0.7500000"


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "80.00"), ("last", "40.00"), ("first", "60.00"), ("average", "60.00")],
)
def test_grading_methods(db, world, method, expected):
    gift = "\n\n".join(f"::G{i}:: Câu {i} {{T}}" for i in range(1, 6))
    quiz, _, officer, _ = factories.quiz_setup(db, gift, code="GM", attempts_allowed=0, grading_method=method)
    for n, right in enumerate((3, 4, 2)):
        attempt = attempts.start_attempt(db, officer, quiz.id, NOW + timedelta(hours=n), random.Random(n))
        names = sorted(aq.version.name for aq in attempt.questions)[:right]
        _answer_all(db, officer, attempt, {name: "true" for name in names})
        attempts.submit_attempt(db, attempt, NOW + timedelta(hours=n, minutes=1))
    assert quiz_grade(db, quiz, officer.officer_id) == Decimal(expected)


def test_close_expired_cli_sweep(app, db, world):
    quiz, _, officer, _ = factories.quiz_setup(db, time_limit_minutes=5, grace_seconds=30)
    attempt = attempts.start_attempt(db, officer, quiz.id, datetime(2020, 1, 1), random.Random(1))
    _answer_all(db, officer, attempt, {})
    db.flush()
    quiz_cli.register(app)
    result = app.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert result.exit_code == 0, result.output
    assert '"closed": 1' in result.output
    db.expire_all()
    assert db.get(QuizAttempt, attempt.id).state == "submitted"
    again = app.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert '"closed": 0' in again.output
