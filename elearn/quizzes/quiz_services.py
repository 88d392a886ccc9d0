"""Quiz authoring: a quiz's settings and its slots. Who may manage or take a quiz lives in quiz_access.

Dates arrive in Vietnam time (what the trainer typed) and are stored as naive UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.classes.models import TrainingClass
from elearn.errors import Forbidden, NotFound, ValidationError
from elearn.quizzes.models import Question, QuestionCategory, Tag
from elearn.quizzes.quiz_access import can_edit_course, can_run_class, get_managed_quiz, usable_banks
from elearn.quizzes.quiz_models import GRADING_METHODS, Quiz, QuizSlot
from elearn.web import LOCAL_TZ

DEFAULT_REVIEW = {
    "during": {"feedback": False},
    "after": {"score": True, "right_answer": True, "feedback": True},
    "closed": {"score": True, "right_answer": True, "feedback": True},
}
DEFAULT_BANDS = [
    {"min": 80, "text": "Giỏi — bạn nắm vững nội dung chuyên đề."},
    {"min": 50, "text": "Đạt — hãy xem lại những câu trả lời chưa đúng."},
    {"min": 0, "text": "Chưa đạt — hãy học lại bài và làm lại khi còn lượt."},
]


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive datetime typed in Vietnam time -> naive UTC for storage."""
    if value is None:
        return None
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).replace(tzinfo=None)


# -- settings -------------------------------------------------------------------------------
@dataclass
class QuizSettings:
    title: str
    intro: str = ""
    open_at: datetime | None = None  # Vietnam time as typed
    close_at: datetime | None = None
    time_limit_minutes: int | None = None
    grace_seconds: int = 60
    attempts_allowed: int = 1
    grading_method: str = "highest"
    pass_mark: Decimal = Decimal("50")
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    review_options: dict = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_REVIEW.items()})
    feedback_bands: list = field(default_factory=lambda: [dict(b) for b in DEFAULT_BANDS])


def _check_settings(s: QuizSettings) -> None:
    if not s.title.strip():
        raise ValidationError("Hãy nhập tên bài kiểm tra.")
    if s.open_at and s.close_at and s.close_at <= s.open_at:
        raise ValidationError("Thời điểm đóng phải sau thời điểm mở.")
    if s.time_limit_minutes is not None and not 1 <= s.time_limit_minutes <= 600:
        raise ValidationError("Thời gian làm bài phải từ 1 đến 600 phút.")
    if not 0 <= s.grace_seconds <= 600:
        raise ValidationError("Thời gian ân hạn phải từ 0 đến 600 giây.")
    if not 0 <= s.attempts_allowed <= 100:
        raise ValidationError("Số lần làm bài phải từ 0 (không giới hạn) đến 100.")
    if s.grading_method not in GRADING_METHODS:
        raise ValidationError("Cách tính điểm không hợp lệ.")
    if not Decimal(0) <= s.pass_mark <= Decimal(100):
        raise ValidationError("Điểm đạt phải từ 0 đến 100%.")
    for band in s.feedback_bands:
        if not 0 <= Decimal(str(band.get("min", -1))) <= 100:
            raise ValidationError("Ngưỡng nhận xét phải từ 0 đến 100%.")


def _apply(quiz: Quiz, s: QuizSettings) -> None:
    quiz.title = s.title.strip()
    quiz.intro = s.intro
    quiz.open_at = local_to_utc(s.open_at)
    quiz.close_at = local_to_utc(s.close_at)
    quiz.time_limit_minutes = s.time_limit_minutes
    quiz.grace_seconds = s.grace_seconds
    quiz.attempts_allowed = s.attempts_allowed
    quiz.grading_method = s.grading_method
    quiz.pass_mark = s.pass_mark
    quiz.shuffle_questions = s.shuffle_questions
    quiz.shuffle_choices = s.shuffle_choices
    quiz.review_options = s.review_options
    quiz.feedback_bands = sorted(s.feedback_bands, key=lambda b: -Decimal(str(b["min"])))


def create_quiz(
    session: Session,
    actor: User,
    s: QuizSettings,
    *,
    course_id: int | None = None,
    class_id: int | None = None,
) -> Quiz:
    if class_id is not None:
        if not can_run_class(session, actor, class_id):
            raise Forbidden("Bạn không phụ trách lớp này.")
        course_id = course_id or session.get(TrainingClass, class_id).course_id
    elif not can_edit_course(session, actor, course_id):
        raise Forbidden("Bạn không phụ trách chuyên đề này.")
    _check_settings(s)
    quiz = Quiz(course_id=course_id, class_id=class_id, created_by_id=actor.id)
    _apply(quiz, s)
    session.add(quiz)
    session.flush()
    return quiz


def update_quiz(session: Session, actor: User, quiz_id: int, s: QuizSettings) -> Quiz:
    quiz = get_managed_quiz(session, actor, quiz_id)
    _check_settings(s)
    _apply(quiz, s)
    session.flush()
    return quiz


def settings_of(quiz: Quiz) -> QuizSettings:
    return QuizSettings(
        title=quiz.title,
        intro=quiz.intro,
        open_at=utc_to_local(quiz.open_at),
        close_at=utc_to_local(quiz.close_at),
        time_limit_minutes=quiz.time_limit_minutes,
        grace_seconds=quiz.grace_seconds,
        attempts_allowed=quiz.attempts_allowed,
        grading_method=quiz.grading_method,
        pass_mark=quiz.pass_mark,
        shuffle_questions=quiz.shuffle_questions,
        shuffle_choices=quiz.shuffle_choices,
        review_options=review_options(quiz),
        feedback_bands=list(quiz.feedback_bands or []),
    )


def review_options(quiz: Quiz) -> dict:
    merged = {k: dict(v) for k, v in DEFAULT_REVIEW.items()}
    for when, flags in (quiz.review_options or {}).items():
        if when in merged:
            merged[when].update({k: bool(v) for k, v in flags.items()})
    return merged


# -- slots ----------------------------------------------------------------------------------
def _usable_bank_ids(session: Session, actor: User) -> set[int]:
    return {b.id for b in usable_banks(session, actor)}


def _next_position(quiz: Quiz) -> int:
    return max((s.position for s in quiz.slots), default=0) + 1


def add_fixed_slot(session: Session, actor: User, quiz_id: int, question_id: int, mark: Decimal) -> QuizSlot:
    quiz = get_managed_quiz(session, actor, quiz_id)
    question = session.get(Question, question_id)
    if question is None or question.current_version_id is None:
        raise ValidationError("Không tìm thấy câu hỏi.")
    if question.bank_id not in _usable_bank_ids(session, actor):
        raise Forbidden("Bạn không được dùng câu hỏi của ngân hàng này.")
    if any(s.question_id == question_id for s in quiz.slots):
        raise ValidationError("Câu hỏi này đã có trong bài kiểm tra.")
    _check_mark(mark)
    slot = QuizSlot(position=_next_position(quiz), question_id=question_id, count=1, mark=mark)
    quiz.slots.append(slot)
    session.flush()
    return slot


def add_random_slot(
    session: Session,
    actor: User,
    quiz_id: int,
    *,
    category_id: int,
    count: int,
    mark: Decimal,
    include_subcategories: bool = True,
    tag_id: int | None = None,
) -> QuizSlot:
    quiz = get_managed_quiz(session, actor, quiz_id)
    category = session.get(QuestionCategory, category_id)
    if category is None:
        raise ValidationError("Không tìm thấy nhóm câu hỏi.")
    if category.bank_id not in _usable_bank_ids(session, actor):
        raise Forbidden("Bạn không được dùng câu hỏi của ngân hàng này.")
    if not 1 <= count <= 200:
        raise ValidationError("Số câu rút ngẫu nhiên phải từ 1 đến 200.")
    if tag_id is not None and session.get(Tag, tag_id) is None:
        raise ValidationError("Không tìm thấy thẻ.")
    _check_mark(mark)
    from elearn.quizzes.quiz_draw import candidate_count

    available = candidate_count(session, category, include_subcategories, tag_id)
    if available < count:
        raise ValidationError(f"Nhóm này chỉ có {available} câu hỏi phù hợp, không đủ {count} câu.")
    slot = QuizSlot(
        position=_next_position(quiz),
        category_id=category_id,
        include_subcategories=include_subcategories,
        tag_id=tag_id,
        count=count,
        mark=mark,
    )
    quiz.slots.append(slot)
    session.flush()
    return slot


def _check_mark(mark: Decimal) -> None:
    if not Decimal("0") < mark <= Decimal("100"):
        raise ValidationError("Điểm mỗi câu phải lớn hơn 0 và không quá 100.")


def delete_slot(session: Session, actor: User, quiz_id: int, slot_id: int) -> None:
    quiz = get_managed_quiz(session, actor, quiz_id)
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        raise NotFound("Không tìm thấy vị trí câu hỏi.")
    quiz.slots.remove(slot)
    for i, s in enumerate(sorted(quiz.slots, key=lambda s: s.position), start=1):
        s.position = i
    session.flush()


def question_count(quiz: Quiz) -> int:
    return sum(s.count for s in quiz.slots)
