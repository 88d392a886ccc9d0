"""Regrading after a trainer fixes a question: a dry run first, then the same computation applied with an
audit record per changed attempt.

Without `use_new_version` each answer is graded again against the version it was drawn with (useful when
grading rules changed). With it, an answer drawn from an older version of a question whose bank now has a
newer version of the same type is graded against the newer one, and the attempt keeps that version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.db import inline
from elearn.officers.models import Officer
from elearn.quizzes.grading import auto_fraction, compute_marks, is_manual
from elearn.quizzes.models import Question, QuestionVersion
from elearn.quizzes.quiz_access import get_managed_quiz
from elearn.quizzes.quiz_models import QuizAttempt


@dataclass
class QuestionChange:
    position: int
    old_fraction: Decimal | None
    new_fraction: Decimal | None
    old_version_id: int
    new_version_id: int


@dataclass
class AttemptChange:
    attempt_id: int
    officer_name: str
    number: int
    old_marks: Decimal | None
    new_marks: Decimal | None
    max_marks: Decimal
    questions: list[QuestionChange] = field(default_factory=list)

    @property
    def delta(self) -> Decimal | None:
        if self.old_marks is None or self.new_marks is None:
            return None
        return self.new_marks - self.old_marks


def _target_version(
    session: Session, version: QuestionVersion, use_new: bool, cache: dict
) -> QuestionVersion:
    if not use_new:
        return version
    if version.question_id not in cache:
        question = session.get(Question, version.question_id)
        current = session.get(QuestionVersion, question.current_version_id) if question else None
        cache[version.question_id] = current
    current = cache[version.question_id]
    if current is None or current.id == version.id or current.qtype != version.qtype:
        return version
    return current


def plan(session: Session, actor: User, quiz_id: int, *, use_new_version: bool) -> list[AttemptChange]:
    """The dry run: submitted attempts whose marks (or frozen versions) would change."""
    quiz = get_managed_quiz(session, actor, quiz_id)
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == inline("submitted"))
        .order_by(QuizAttempt.id)
    ).all()
    cache: dict[int, QuestionVersion | None] = {}
    changes = []
    for attempt in attempts:
        rows, qchanges = [], []
        for aq in attempt.questions:
            target = _target_version(session, aq.version, use_new_version, cache)
            # A person's mark stands; everything else is graded again.
            new = aq.fraction if is_manual(target) else auto_fraction(target, aq.response)
            rows.append((target, aq.max_mark, new))
            if new != aq.fraction or target.id != aq.question_version_id:
                qchanges.append(
                    QuestionChange(aq.position, aq.fraction, new, aq.question_version_id, target.id)
                )
        new_marks, max_marks = compute_marks(rows)
        if qchanges:
            officer = session.get(Officer, attempt.officer_id)
            changes.append(
                AttemptChange(
                    attempt.id,
                    officer.full_name if officer else "",
                    attempt.number,
                    attempt.marks,
                    new_marks,
                    max_marks,
                    qchanges,
                )
            )
    return changes


def apply(
    session: Session, actor: User, quiz_id: int, *, use_new_version: bool, now: datetime
) -> list[AttemptChange]:
    changes = plan(session, actor, quiz_id, use_new_version=use_new_version)
    for change in changes:
        attempt = session.get(QuizAttempt, change.attempt_id)
        by_position = {aq.position: aq for aq in attempt.questions}
        for qc in change.questions:
            aq = by_position[qc.position]
            aq.question_version_id = qc.new_version_id
            aq.fraction = qc.new_fraction
        session.flush()
        for aq in attempt.questions:
            session.refresh(aq)
        attempt.marks = change.new_marks
        attempt.max_marks = change.max_marks
        attempt.needs_grading = change.new_marks is None
        record(
            session,
            actor,
            "quiz.regrade",
            "quiz_attempt",
            attempt.id,
            quiz_id=quiz_id,
            use_new_version=use_new_version,
            old_marks=None if change.old_marks is None else str(change.old_marks),
            new_marks=None if change.new_marks is None else str(change.new_marks),
            questions=[
                {
                    "position": qc.position,
                    "old_fraction": None if qc.old_fraction is None else str(qc.old_fraction),
                    "new_fraction": None if qc.new_fraction is None else str(qc.new_fraction),
                    "old_version_id": qc.old_version_id,
                    "new_version_id": qc.new_version_id,
                }
                for qc in change.questions
            ],
            at=now.isoformat(),
        )
    session.flush()
    return changes
