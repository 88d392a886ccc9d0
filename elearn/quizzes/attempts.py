"""Attempts: start (freezing what was drawn), save each answer as given, submit once, close at expiry.

The deadline is the server's (`deadline_at`, UTC). Answers arriving within the quiz's grace seconds after it
count; later ones are refused, and the attempt is then submitted with what was saved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.db import inline
from elearn.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from elearn.quizzes.grading import grade_attempt, qtype_of
from elearn.quizzes.models import QuestionVersion
from elearn.quizzes.quiz_access import officer_may_take
from elearn.quizzes.quiz_draw import choice_order, draw
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt


class AttemptClosed(DomainError):
    """The attempt is over: submitted, or its time (and grace) ran out. JSON clients get 409."""

    status_code = 422


LATE_MESSAGE = (
    "Đã hết giờ làm bài: câu trả lời gửi sau thời hạn không được tính. Bài đã được nộp với các câu đã lưu."
)
SUBMITTED_MESSAGE = "Bài làm đã được nộp; không thể sửa câu trả lời nữa."


def _officer_id(actor: User) -> int:
    if actor is None or actor.officer_id is None:
        raise Forbidden("Chỉ học viên mới làm bài kiểm tra.")
    return actor.officer_id


def is_expired(attempt: QuizAttempt, grace_seconds: int, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + timedelta(seconds=grace_seconds)


def attempts_used(session: Session, quiz_id: int, officer_id: int) -> int:
    return session.scalar(
        select(func.count()).where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.officer_id == officer_id)
    )


def attempts_left(session: Session, quiz: Quiz, officer_id: int) -> int | None:
    if not quiz.attempts_allowed:
        return None
    return max(0, quiz.attempts_allowed - attempts_used(session, quiz.id, officer_id))


def open_attempt(session: Session, quiz_id: int, officer_id: int) -> QuizAttempt | None:
    return session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.officer_id == officer_id,
            QuizAttempt.state == inline("in_progress"),
        )
    )


def availability(quiz: Quiz, now: datetime) -> str | None:
    """Why the quiz cannot be started now (Vietnamese), or None."""
    if not quiz.slots:
        return "Bài kiểm tra chưa có câu hỏi."
    if quiz.open_at and now < quiz.open_at:
        return "Bài kiểm tra chưa mở."
    if quiz.close_at and now >= quiz.close_at:
        return "Bài kiểm tra đã đóng."
    return None


def start_attempt(
    session: Session, actor: User, quiz_id: int, now: datetime, rng: random.Random
) -> QuizAttempt:
    """The officer's attempt in progress, or a new one. Starting twice gives the same attempt."""
    officer_id = _officer_id(actor)
    quiz = session.get(Quiz, quiz_id)
    if quiz is None or not officer_may_take(session, officer_id, quiz):
        raise NotFound("Không tìm thấy bài kiểm tra.")
    current = open_attempt(session, quiz.id, officer_id)
    if current is not None:
        if not is_expired(current, quiz.grace_seconds, now):
            return current
        submit_attempt(session, current, now)
    reason = availability(quiz, now)
    if reason:
        raise ValidationError(reason)
    used = attempts_used(session, quiz.id, officer_id)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise ValidationError("Bạn đã dùng hết số lần làm bài.")
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.close_at and (deadline is None or deadline > quiz.close_at):
        deadline = quiz.close_at
    drawn = draw(session, quiz, officer_id, rng)
    positions = list(range(1, len(drawn) + 1))
    if quiz.shuffle_questions:
        rng.shuffle(positions)
    # Rows go in draw order (ids follow the slots), each with its shuffled position.
    rows = [
        {
            "position": position,
            "slot_id": item.slot.id,
            "question_version_id": item.version.id,
            "max_mark": item.slot.mark if item.version.qtype != "description" else 0,
            "choice_order": choice_order(item.version, quiz.shuffle_choices, rng),
        }
        for item, position in zip(drawn, positions, strict=True)
    ]
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        officer_id=officer_id,
        number=used + 1,
        started_at=now,
        deadline_at=deadline,
        max_marks=sum((r["max_mark"] for r in rows), 0),
    )
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        # Another request started it at the same moment: the partial unique index refused ours.
        existing = open_attempt(session, quiz.id, officer_id)
        if existing is None:
            raise Conflict("Không bắt đầu được bài làm; hãy thử lại.") from None
        return existing
    # One multi-row INSERT: a whole class may press "Bắt đầu làm bài" in the same ten seconds.
    session.execute(insert(AttemptQuestion), [dict(r, attempt_id=attempt.id) for r in rows])
    return attempt


def get_own_attempt(session: Session, actor: User, attempt_id: int) -> QuizAttempt:
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.officer_id != _officer_id(actor):
        raise NotFound("Không tìm thấy bài làm.")
    return attempt


MAX_POSITION = 100_000  # far above any quiz; keeps a huge number away from the database


# -- saving answers -------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedAnswer:
    aq_id: int
    attempt_id: int
    limit: datetime  # the answer counts if the deadline is at or after this instant


_AQ, _QA = AttemptQuestion.__table__, QuizAttempt.__table__
# Built once: the answer endpoint is the hottest path of the application.
_CHECK = (
    select(
        _AQ.c.id,
        _QA.c.officer_id,
        _QA.c.state,
        _QA.c.deadline_at,
        Quiz.__table__.c.grace_seconds,
        QuestionVersion.__table__.c.id.label("version_id"),
        QuestionVersion.__table__.c.created_at.label("version_created"),
    )
    .join(_QA, _QA.c.id == _AQ.c.attempt_id)
    .join(Quiz.__table__, Quiz.__table__.c.id == _QA.c.quiz_id)
    .join(QuestionVersion.__table__, QuestionVersion.__table__.c.id == _AQ.c.question_version_id)
    .where(_AQ.c.attempt_id == bindparam("attempt_id"), _AQ.c.position == bindparam("position"))
)
_STILL_OPEN = (
    select(_QA.c.id)
    .where(
        _QA.c.id == bindparam("open_attempt_id"),
        _QA.c.state == inline("in_progress"),
        or_(_QA.c.deadline_at.is_(None), _QA.c.deadline_at >= bindparam("limit")),
    )
    .with_for_update(read=True)
)
_STORE = (
    update(_AQ)
    .where(_AQ.c.id == bindparam("aq_id"), exists(_STILL_OPEN))
    .values(response=bindparam("new_response", type_=_AQ.c.response.type), response_saved_at=bindparam("now"))
)
_TYPES: dict[tuple, object] = {}


def _version_type(session: Session, version_id: int, created_at: datetime):
    """The question type object of an (immutable) version, cached per process."""
    key = (version_id, created_at)
    found = _TYPES.get(key)
    if found is None:
        if len(_TYPES) > 20000:
            _TYPES.clear()
        found = _TYPES[key] = qtype_of(session.get(QuestionVersion, version_id))
    return found


def check_answer(
    session: Session, actor: User, attempt_id: int, position: Any, response: Any, now: datetime
) -> CheckedAnswer:
    """Validates one response against the frozen question (one SELECT; raises on tampering or lateness)."""
    officer_id = _officer_id(actor)
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= MAX_POSITION:
        raise ValidationError("Câu hỏi không thuộc bài làm này.")
    row = session.connection().execute(_CHECK, {"attempt_id": attempt_id, "position": position}).first()
    if row is None:
        attempt = session.get(QuizAttempt, attempt_id)
        if attempt is None or attempt.officer_id != officer_id:
            raise NotFound("Không tìm thấy bài làm.")
        raise ValidationError("Câu hỏi không thuộc bài làm này.")
    if row.officer_id != officer_id:
        raise NotFound("Không tìm thấy bài làm.")
    if row.state != "in_progress":
        raise AttemptClosed(SUBMITTED_MESSAGE)
    _version_type(session, row.version_id, row.version_created).validate_response(response)
    limit = now - timedelta(seconds=row.grace_seconds)
    if row.deadline_at is not None and row.deadline_at < limit:
        raise AttemptClosed(LATE_MESSAGE)
    return CheckedAnswer(row.id, attempt_id, limit)


def store_answer(session: Session, checked: CheckedAnswer, response: Any, now: datetime) -> datetime:
    """One UPDATE of one AttemptQuestion; its WHERE re-checks state and deadline, so an answer racing a
    submission is either stored before grading or refused. On PostgreSQL the attempt row is share-locked,
    which makes a concurrent submission wait for this answer. Views call it as the first statement of a
    transaction (on SQLite a read upgraded to a write fails if another writer committed meanwhile)."""
    result = session.connection().execute(
        _STORE,
        {
            "aq_id": checked.aq_id,
            "open_attempt_id": checked.attempt_id,
            "limit": checked.limit,
            "new_response": response,
            "now": now,
        },
    )
    if result.rowcount != 1:
        raise AttemptClosed(SUBMITTED_MESSAGE)
    return now


def save_answer(
    session: Session, actor: User, attempt_id: int, position: Any, response: Any, now: datetime
) -> datetime:
    checked = check_answer(session, actor, attempt_id, position, response, now)
    return store_answer(session, checked, response, now)


# -- submitting -----------------------------------------------------------------------------
def submit_attempt(session: Session, attempt: QuizAttempt, now: datetime) -> bool:
    """Submits and grades; True if this call did it, False if it was already submitted (idempotent)."""
    result = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == inline("in_progress"))
        .values(state="submitted", submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(attempt)
    if result.rowcount != 1:
        return False
    for aq in attempt.questions:
        session.refresh(aq)
    grade_attempt(session, attempt)
    return True


def submit_own(session: Session, actor: User, attempt_id: int, now: datetime) -> QuizAttempt:
    attempt = get_own_attempt(session, actor, attempt_id)
    submit_attempt(session, attempt, now)
    return attempt


def close_expired(session: Session, now: datetime, *, officer_id: int | None = None, limit: int = 500) -> int:
    """Submits attempts whose deadline and grace have passed (all, or one officer's); returns how many."""
    stmt = (
        select(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.state == inline("in_progress"), QuizAttempt.deadline_at < now)
        .order_by(QuizAttempt.deadline_at)
        .limit(limit)
    )
    if officer_id is not None:
        stmt = stmt.where(QuizAttempt.officer_id == officer_id)
    closed = 0
    for attempt in session.scalars(stmt).all():
        quiz = session.get(Quiz, attempt.quiz_id)
        if is_expired(attempt, quiz.grace_seconds, now) and submit_attempt(session, attempt, now):
            closed += 1
    return closed


# Read with the signed-in user on every page load of a learner (accounts.services.add_login_flag).
HAS_EXPIRED_ATTEMPTS = exists().where(
    QuizAttempt.officer_id == User.officer_id,
    QuizAttempt.state == inline("in_progress"),
    QuizAttempt.deadline_at < bindparam("now"),
)
