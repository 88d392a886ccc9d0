"""Quizzes, their slots, and attempts that freeze the drawn question versions and keep every answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, utcnow
from elearn.quizzes.models import QuestionVersion

GRADING_METHODS = {
    "highest": "Điểm cao nhất",
    "last": "Lần làm cuối",
    "first": "Lần làm đầu",
    "average": "Điểm trung bình",
}


class Quiz(Base):
    """A quiz in a course (optionally tied to one class as its final test). `pass_mark` is a percentage."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("course_module.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_class.id"), index=True)
    open_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC
    close_at: Mapped[datetime | None] = mapped_column(DateTime)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=60)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)  # 0: unlimited
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("50"))
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    # What the learner sees, e.g. {"after": {"score": true, "right_answer": true, "feedback": true}}
    review_options: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"min": 80, "text": "Giỏi"}, {"min": 50, "text": "Đạt"}, {"min": 0, "text": "Chưa đạt"}]
    feedback_bands: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    slots: Mapped[list[QuizSlot]] = relationship(order_by="QuizSlot.position", cascade="all, delete-orphan")


class QuizSlot(Base):
    """A fixed question, or "draw `count` from category C (with tag T)", preferring unseen questions."""

    __tablename__ = "quiz_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id"))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id"))
    include_subcategories: Mapped[bool] = mapped_column(default=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    mark: Mapped[Decimal] = mapped_column(Numeric(7, 3), default=Decimal("1"))


class QuizAttempt(Base):
    """One attempt. The deadline is the server's; state: in_progress, submitted. At most one attempt in
    progress per quiz and officer (the database refuses a second, even under a start storm)."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "officer_id", "number", name="uq_quiz_attempt_number"),
        Index(
            "uq_quiz_attempt_open_once",
            "quiz_id",
            "officer_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Sum of marks obtained and the maximum; None while an essay waits for hand grading.
    marks: Mapped[Decimal | None] = mapped_column(Numeric(9, 3))
    max_marks: Mapped[Decimal] = mapped_column(Numeric(9, 3), default=Decimal("0"))
    needs_grading: Mapped[bool] = mapped_column(default=False)

    questions: Mapped[list[AttemptQuestion]] = relationship(
        order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def percent(self) -> Decimal | None:
        if self.marks is None or not self.max_marks:
            return None
        return (self.marks * 100 / self.max_marks).quantize(Decimal("0.01"))


class AttemptQuestion(Base):
    """A question as drawn for an attempt: its frozen version, choice order, the saved response, the grade."""

    __tablename__ = "attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_question_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_slot.id", ondelete="SET NULL"))
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    max_mark: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    choice_order: Mapped[list | None] = mapped_column(JSON)
    response: Mapped[dict | list | str | None] = mapped_column(JSON)
    response_saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    fraction: Mapped[Decimal | None] = mapped_column(Numeric(8, 7))  # automatic or by hand, 0..1
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    # Attempt pages show every question: load the versions together, not one query per question.
    version: Mapped[QuestionVersion] = relationship(lazy="selectin")
