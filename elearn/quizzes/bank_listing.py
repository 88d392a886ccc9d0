"""Read-only queries behind the bank pages: question counts per category, filtered question lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.models import User
from elearn.quizzes.banks import editable_banks
from elearn.quizzes.formats.model import DIFFICULTY_TAGS
from elearn.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionTag, QuestionVersion, Tag
from elearn.vietnamese import sort_key


@dataclass(frozen=True)
class QuestionFilter:
    tag: str = ""
    qtype: str = ""
    difficulty: int | None = None
    category_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.tag or self.qtype or self.difficulty or self.category_id)


def _filtered(stmt: Select, flt: QuestionFilter) -> Select:
    stmt = stmt.where(Question.hidden.is_(False))
    if flt.qtype:
        stmt = stmt.where(QuestionVersion.qtype == flt.qtype)
    if flt.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == flt.difficulty)
    if flt.tag:
        tagged = (
            select(QuestionTag.question_id).join(Tag, Tag.id == QuestionTag.tag_id).where(Tag.name == flt.tag)
        )
        stmt = stmt.where(Question.id.in_(tagged))
    if flt.category_id:
        stmt = stmt.where(Question.category_id == flt.category_id)
    return stmt


@dataclass
class BankSummary:
    bank: QuestionBank
    categories: list[tuple[QuestionCategory, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.categories)


def bank_summaries(session: Session, actor: User | None, flt: QuestionFilter) -> list[BankSummary]:
    """The banks `actor` may edit, each with its categories and how many questions match the filter."""
    banks = editable_banks(session, actor)
    if not banks:
        return []
    ids = [b.id for b in banks]
    counts_stmt = _filtered(
        select(Question.category_id, func.count(Question.id))
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.bank_id.in_(ids))
        .group_by(Question.category_id),
        flt,
    )
    counts = dict(session.execute(counts_stmt).all())
    cats = session.scalars(
        select(QuestionCategory).where(QuestionCategory.bank_id.in_(ids)).order_by(QuestionCategory.path)
    )
    by_bank: dict[int, list[tuple[QuestionCategory, int]]] = {b.id: [] for b in banks}
    for c in cats:
        by_bank[c.bank_id].append((c, counts.get(c.id, 0)))
    return [BankSummary(b, by_bank[b.id]) for b in banks]


def category_counts(
    session: Session, bank: QuestionBank, flt: QuestionFilter
) -> list[tuple[QuestionCategory, int]]:
    unfiltered = QuestionFilter(flt.tag, flt.qtype, flt.difficulty)
    stmt = _filtered(
        select(Question.category_id, func.count(Question.id))
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.bank_id == bank.id)
        .group_by(Question.category_id),
        unfiltered,
    )
    counts = dict(session.execute(stmt).all())
    cats = session.scalars(
        select(QuestionCategory).where(QuestionCategory.bank_id == bank.id).order_by(QuestionCategory.path)
    )
    return [(c, counts.get(c.id, 0)) for c in cats]


def list_questions(
    session: Session, bank: QuestionBank, flt: QuestionFilter, *, limit: int = 500
) -> list[tuple[Question, QuestionVersion, str]]:
    """(question, current version, category path) rows matching the filter, by category then creation."""
    stmt = _filtered(
        select(Question, QuestionVersion, QuestionCategory.path)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(Question.bank_id == bank.id)
        .options(selectinload(Question.tags))
        .order_by(QuestionCategory.path, Question.id)
        .limit(limit),
        flt,
    )
    return [tuple(row) for row in session.execute(stmt)]


def bank_tags(session: Session, bank_ids: list[int]) -> list[str]:
    if not bank_ids:
        return []
    stmt = (
        select(Tag.name)
        .join(QuestionTag, QuestionTag.tag_id == Tag.id)
        .join(Question, Question.id == QuestionTag.question_id)
        .where(Question.bank_id.in_(bank_ids), Tag.name.not_in(DIFFICULTY_TAGS))  # difficulty has its filter
        .distinct()
    )
    return sorted(session.scalars(stmt), key=sort_key)
