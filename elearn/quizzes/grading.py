"""Grading: automatic with partial credit, and by hand for essays.

A fraction is stored with 7 decimals (what the column holds); marks are the sum of stored fraction × max
mark, rounded half-up to 3 decimals, so a grade can be reproduced exactly from the stored rows.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.db import inline
from elearn.errors import DomainError, NotFound, ValidationError
from elearn.quizzes.models import QuestionVersion
from elearn.quizzes.qtypes import QuestionType, question_type
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt

FRACTION_Q = Decimal("0.0000001")
MARK_Q = Decimal("0.001")
ZERO = Decimal(0)


@lru_cache(maxsize=4096)
def _cached_type(version_id: int, qtype: str, data_key: str) -> QuestionType:
    import json

    return question_type(qtype, json.loads(data_key))


def qtype_of(version: QuestionVersion) -> QuestionType:
    """Question versions are immutable, so their type objects can be cached by id."""
    import json

    return _cached_type(version.id, version.qtype, json.dumps(version.data, sort_keys=True))


def auto_fraction(version: QuestionVersion, response) -> Decimal | None:
    """The stored fraction for a response; None for essays (hand grading) and descriptions.

    A response that does not fit the version (possible after a regrade swapped versions) earns 0.
    """
    qt = qtype_of(version)
    if not qt.graded:
        return None
    try:
        value = qt.grade(response)
    except DomainError:
        value = ZERO
    return None if value is None else value.quantize(FRACTION_Q, rounding=ROUND_HALF_UP)


def is_manual(version: QuestionVersion) -> bool:
    return version.qtype == "essay"


def compute_marks(
    rows: list[tuple[QuestionVersion, Decimal, Decimal | None]],
) -> tuple[Decimal | None, Decimal]:
    """(marks, max) from (version, max_mark, fraction) rows; marks None while an essay waits."""
    total, maximum, waiting = ZERO, ZERO, False
    for version, max_mark, fraction in rows:
        if version.qtype == "description":
            continue
        maximum += max_mark
        if fraction is None:
            waiting = waiting or is_manual(version)
            continue
        total += fraction * max_mark
    marks = None if waiting else total.quantize(MARK_Q, rounding=ROUND_HALF_UP)
    return marks, maximum.quantize(MARK_Q)


def grade_attempt(session: Session, attempt: QuizAttempt) -> None:
    """Grades every question of a submitted attempt from its stored responses."""
    rows = []
    for aq in attempt.questions:
        if not is_manual(aq.version):
            aq.fraction = auto_fraction(aq.version, aq.response)
        elif aq.graded_by_id is None:
            # An essay left blank has nothing to grade (Moodle: "gave up"): 0, not a queue entry.
            blank = aq.response is None or not str(aq.response).strip()
            aq.fraction = ZERO if blank else None
        rows.append((aq.version, aq.max_mark, aq.fraction))
    attempt.marks, attempt.max_marks = compute_marks(rows)
    attempt.needs_grading = attempt.marks is None
    session.flush()


def refresh_marks(session: Session, attempt: QuizAttempt) -> None:
    rows = [(aq.version, aq.max_mark, aq.fraction) for aq in attempt.questions]
    attempt.marks, attempt.max_marks = compute_marks(rows)
    attempt.needs_grading = attempt.marks is None
    session.flush()


# -- hand grading ---------------------------------------------------------------------------
def grading_queue(session: Session, actor: User) -> list[AttemptQuestion]:
    """Essay answers of submitted attempts still waiting for a mark, in quizzes `actor` manages."""
    from elearn.quizzes.quiz_access import can_manage

    rows = session.scalars(
        select(AttemptQuestion)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .where(
            QuizAttempt.state == inline("submitted"),
            QuestionVersion.qtype == "essay",
            AttemptQuestion.fraction.is_(None),
        )
        .order_by(QuizAttempt.submitted_at, AttemptQuestion.position)
    ).all()
    quizzes: dict[int, bool] = {}
    out = []
    for aq in rows:
        attempt = session.get(QuizAttempt, aq.attempt_id)
        if attempt.quiz_id not in quizzes:
            quizzes[attempt.quiz_id] = can_manage(session, actor, session.get(Quiz, attempt.quiz_id))
        if quizzes[attempt.quiz_id]:
            out.append(aq)
    return out


def grade_by_hand(
    session: Session, actor: User, aq_id: int, mark: Decimal, comment: str, now: datetime
) -> AttemptQuestion:
    from elearn.quizzes.quiz_access import get_managed_quiz

    aq = session.get(AttemptQuestion, aq_id)
    if aq is None:
        raise NotFound("Không tìm thấy câu trả lời.")
    attempt = session.get(QuizAttempt, aq.attempt_id)
    get_managed_quiz(session, actor, attempt.quiz_id)
    if attempt.state != "submitted":
        raise ValidationError("Bài làm chưa nộp, chưa chấm được.")
    if not is_manual(aq.version):
        raise ValidationError("Câu này được chấm tự động.")
    if not ZERO <= mark <= aq.max_mark:
        raise ValidationError(f"Điểm phải từ 0 đến {aq.max_mark.normalize()}.")
    old = aq.fraction
    aq.fraction = (mark / aq.max_mark).quantize(FRACTION_Q, rounding=ROUND_HALF_UP) if aq.max_mark else ZERO
    aq.graded_by_id = actor.id
    aq.comment = comment.strip() or None
    refresh_marks(session, attempt)
    record(
        session,
        actor,
        "quiz.grade_by_hand",
        "quiz_attempt",
        attempt.id,
        position=aq.position,
        old_fraction=None if old is None else str(old),
        new_fraction=str(aq.fraction),
        marks=None if attempt.marks is None else str(attempt.marks),
        at=now.isoformat(),
    )
    session.flush()
    return aq
