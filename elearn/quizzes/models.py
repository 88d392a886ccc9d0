"""Question banks: a category tree, questions with immutable versions, tags.

Editing a question adds a QuestionVersion; attempts keep the version they drew, so a grade can always be
reproduced from what the learner saw.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, utcnow
from elearn.quizzes.formats.model import DIFFICULTY_TAGS


class QuestionBank(Base):
    __tablename__ = "question_bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BankEditor(Base):
    """A trainer granted the right to edit a bank they do not own."""

    __tablename__ = "bank_editor"
    __table_args__ = (UniqueConstraint("bank_id", "user_id", name="uq_bank_editor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))


class QuestionCategory(Base):
    """A node of a bank category tree; `path` is the full name, e.g. "Luật Công đoàn/Kinh phí"."""

    __tablename__ = "question_category"
    __table_args__ = (UniqueConstraint("bank_id", "path", name="uq_question_category_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id"))
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1000))
    info: Mapped[str] = mapped_column(Text, default="")


class Question(Base):
    """The identity of a question across its versions; `current_version_id` is what new attempts draw."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id"), index=True)
    idnumber: Mapped[str | None] = mapped_column(String(100))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version")
    )
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    current_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[current_version_id])
    tags: Mapped[list[Tag]] = relationship(secondary="question_tag", order_by="Tag.name")

    @property
    def topic_tags(self) -> list[Tag]:
        """The tags to show beside the difficulty badge: without the tags that carry the difficulty itself
        ("de", "trung-binh", "kho", kept as tags so that GIFT and XML files round-trip)."""
        return [t for t in self.tags if t.name not in DIFFICULTY_TAGS]


class QuestionVersion(Base):
    """Immutable once written. `data` is the JSON of elearn.quizzes.qtypes (choices with stable ids)."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "version", name="uq_question_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    qtype: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON)
    difficulty: Mapped[int | None] = mapped_column(Integer)  # 1 dễ, 2 trung bình, 3 khó
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    question: Mapped[Question] = relationship(foreign_keys=[question_id])


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class QuestionTag(Base):
    __tablename__ = "question_tag"
    __table_args__ = (UniqueConstraint("question_id", "tag_id", name="uq_question_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
