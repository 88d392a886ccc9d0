"""A learner's result on a quiz under its grading method; used by class completion and certificates."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.db import inline
from elearn.quizzes.quiz_models import Quiz, QuizAttempt


def quiz_grade(session: Session, quiz: Quiz, officer_id: int) -> Decimal | None:
    """The officer's grade in percent by the quiz's grading method, over submitted, fully graded attempts."""
    attempts = session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.officer_id == officer_id,
            QuizAttempt.state == inline("submitted"),
        )
        .order_by(QuizAttempt.number)
    ).all()
    percents = [a.percent for a in attempts if a.percent is not None]
    if not percents:
        return None
    if quiz.grading_method == "first":
        return percents[0]
    if quiz.grading_method == "last":
        return percents[-1]
    if quiz.grading_method == "average":
        return (sum(percents) / len(percents)).quantize(Decimal("0.01"))
    return max(percents)


def quiz_passed(session: Session, quiz_id: int, officer_id: int) -> bool:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        return False
    grade = quiz_grade(session, quiz, officer_id)
    return grade is not None and grade >= quiz.pass_mark
