"""Drawing an attempt's questions: fixed slots, random slots preferring unseen questions, shuffles.

Everything drawn here is frozen in AttemptQuestion rows, so reloading an attempt never reshuffles it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from elearn.errors import ValidationError
from elearn.quizzes.models import Question, QuestionCategory, QuestionTag, QuestionVersion
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt, QuizSlot

NOT_DRAWN = ("description",)  # random slots never draw a text-only item


@dataclass
class Drawn:
    slot: QuizSlot
    version: QuestionVersion


def _category_filter(session: Session, category: QuestionCategory, include_sub: bool):
    if not include_sub:
        return Question.category_id == category.id
    sub = select(QuestionCategory.id).where(
        QuestionCategory.bank_id == category.bank_id,
        or_(QuestionCategory.id == category.id, QuestionCategory.path.startswith(category.path + "/")),
    )
    return Question.category_id.in_(sub)


def _candidates_stmt(session: Session, category: QuestionCategory, include_sub: bool, tag_id: int | None):
    stmt = (
        select(Question.id, Question.current_version_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(
            Question.bank_id == category.bank_id,
            Question.hidden.is_(False),
            QuestionVersion.qtype.not_in(NOT_DRAWN),
            _category_filter(session, category, include_sub),
        )
        .order_by(Question.id)
    )
    if tag_id is not None:
        stmt = stmt.where(
            Question.id.in_(select(QuestionTag.question_id).where(QuestionTag.tag_id == tag_id))
        )
    return stmt


def candidate_count(
    session: Session, category: QuestionCategory, include_sub: bool, tag_id: int | None
) -> int:
    stmt = _candidates_stmt(session, category, include_sub, tag_id).order_by(None)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def seen_question_ids(session: Session, quiz_id: int, officer_id: int) -> set[int]:
    """Questions this officer met in earlier attempts at this quiz."""
    rows = session.scalars(
        select(QuestionVersion.question_id)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.officer_id == officer_id)
    )
    return set(rows)


def draw(session: Session, quiz: Quiz, officer_id: int, rng: random.Random) -> list[Drawn]:
    """The questions of a new attempt in slot order (before shuffling).

    Picks version ids first and loads the versions in one query: a whole class may start at once."""
    seen = seen_question_ids(session, quiz.id, officer_id)
    used: set[int] = set()
    picks: list[tuple[QuizSlot, int]] = []  # (slot, question version id)
    fixed = {
        q.id: q
        for q in session.scalars(
            select(Question).where(Question.id.in_([s.question_id for s in quiz.slots if s.question_id]))
        )
    }
    for slot in quiz.slots:
        if slot.question_id is not None:
            question = fixed.get(slot.question_id)
            if question is None or question.current_version_id is None:
                raise ValidationError("Bài kiểm tra có câu hỏi đã bị xóa; hãy báo giảng viên.")
            used.add(question.id)
            picks.append((slot, question.current_version_id))
            continue
        category = session.get(QuestionCategory, slot.category_id)
        rows = [
            r
            for r in session.execute(
                _candidates_stmt(session, category, slot.include_subcategories, slot.tag_id)
            )
            if r.id not in used
        ]
        unseen = [r for r in rows if r.id not in seen]
        again = [r for r in rows if r.id in seen]
        rng.shuffle(unseen)
        rng.shuffle(again)
        picked = (unseen + again)[: slot.count]
        if len(picked) < slot.count:
            raise ValidationError(
                f"Nhóm «{category.name}» không còn đủ {slot.count} câu hỏi để rút; hãy báo giảng viên."
            )
        for row in picked:
            used.add(row.id)
            picks.append((slot, row.current_version_id))
    versions = {
        v.id: v
        for v in session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_([version_id for _, version_id in picks]))
        )
    }
    return [Drawn(slot, versions[version_id]) for slot, version_id in picks]


def choice_order(version: QuestionVersion, shuffle: bool, rng: random.Random) -> list[str] | None:
    """The order in which the learner sees the choices (or matching stems); frozen for the attempt."""
    data = version.data
    if version.qtype in ("single_choice", "multiple_response"):
        ids = [c["id"] for c in data["choices"]]
    elif version.qtype == "matching":
        ids = [s["id"] for s in data["stems"]]
    else:
        return None
    if shuffle and data.get("shuffle", True):
        rng.shuffle(ids)
    return ids
