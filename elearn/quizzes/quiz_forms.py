"""Quiz forms (shape only; the services check the rules)."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from elearn.extensions import stop_if_unreadable
from elearn.quizzes.quiz_models import GRADING_METHODS
from elearn.quizzes.quiz_services import DEFAULT_REVIEW, QuizSettings
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
NUMBER = "Hãy nhập một số hợp lệ."
WHOLE = "Hãy nhập một số nguyên."
DT_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME = "Ngày giờ không hợp lệ."


class QuizSettingsForm(FlaskForm):
    title = StringField("Tên bài kiểm tra", validators=[DataRequired(REQUIRED), Length(max=300)])
    intro = TextAreaField("Hướng dẫn làm bài", validators=[Optional(), Length(max=5000)])
    open_at = DateTimeLocalField(
        "Mở lúc (giờ Việt Nam)", format=DT_FORMAT, validators=[Optional()], invalid_value_message=DATETIME
    )
    close_at = DateTimeLocalField(
        "Đóng lúc (giờ Việt Nam)", format=DT_FORMAT, validators=[Optional()], invalid_value_message=DATETIME
    )
    time_limit_minutes = IntegerField(
        "Thời gian làm bài (phút, để trống nếu không giới hạn)",
        validators=[Optional(), stop_if_unreadable, NumberRange(1, 600, "Từ 1 đến 600 phút.")],
        invalid_value_message="Số phút phải là một số nguyên.",
    )
    grace_seconds = IntegerField(
        "Ân hạn sau khi hết giờ (giây)",
        default=60,
        validators=[InputRequired(WHOLE), stop_if_unreadable, NumberRange(0, 600, "Từ 0 đến 600 giây.")],
        invalid_value_message="Số giây phải là một số nguyên.",
    )
    attempts_allowed = IntegerField(
        "Số lần được làm (0: không giới hạn)",
        default=1,
        validators=[InputRequired(WHOLE), stop_if_unreadable, NumberRange(0, 100, "Từ 0 đến 100 lần.")],
        invalid_value_message="Số lần phải là một số nguyên.",
    )
    grading_method = SelectField("Cách tính điểm", choices=choices(GRADING_METHODS.items()))
    pass_mark = DecimalField(
        "Điểm đạt (%)",
        default=Decimal(50),
        validators=[
            InputRequired(NUMBER),
            stop_if_unreadable,
            NumberRange(0, 100, "Điểm đạt từ 0 đến 100%%."),  # WTForms %-formats the message
        ],
        invalid_value_message=NUMBER,
    )
    shuffle_questions = BooleanField("Xáo trộn thứ tự câu hỏi", default=True)
    shuffle_choices = BooleanField("Xáo trộn phương án trả lời", default=True)
    during_feedback = BooleanField("Trong khi làm: hiện nhận xét cho câu đã trả lời")
    after_score = BooleanField("Sau khi nộp: điểm", default=True)
    after_right_answer = BooleanField("Sau khi nộp: đáp án đúng", default=True)
    after_feedback = BooleanField("Sau khi nộp: nhận xét", default=True)
    closed_score = BooleanField("Sau khi bài kiểm tra đóng: điểm", default=True)
    closed_right_answer = BooleanField("Sau khi bài kiểm tra đóng: đáp án đúng", default=True)
    closed_feedback = BooleanField("Sau khi bài kiểm tra đóng: nhận xét", default=True)
    bands = TextAreaField(
        "Nhận xét theo mức điểm (mỗi dòng: điểm tối thiểu % | lời nhận xét)", validators=[Optional()]
    )

    def fill_from(self, s: QuizSettings) -> None:
        for name in (
            "title",
            "intro",
            "open_at",
            "close_at",
            "time_limit_minutes",
            "grace_seconds",
            "attempts_allowed",
            "grading_method",
            "pass_mark",
            "shuffle_questions",
            "shuffle_choices",
        ):
            getattr(self, name).data = getattr(s, name)
        for when in ("during", "after", "closed"):
            for flag in ("score", "right_answer", "feedback"):
                field = getattr(self, f"{when}_{flag}", None)
                if field is not None:
                    field.data = s.review_options[when].get(flag, False)
        self.bands.data = "\n".join(f"{b['min']} | {b['text']}" for b in s.feedback_bands)

    def settings(self) -> QuizSettings:
        review = {k: dict(v) for k, v in DEFAULT_REVIEW.items()}
        review["during"]["feedback"] = self.during_feedback.data
        for when in ("after", "closed"):
            for flag in ("score", "right_answer", "feedback"):
                review[when][flag] = getattr(self, f"{when}_{flag}").data
        return QuizSettings(
            title=self.title.data,
            intro=self.intro.data or "",
            open_at=self.open_at.data,
            close_at=self.close_at.data,
            time_limit_minutes=self.time_limit_minutes.data,
            grace_seconds=self.grace_seconds.data,
            attempts_allowed=self.attempts_allowed.data,
            grading_method=self.grading_method.data,
            pass_mark=self.pass_mark.data,
            shuffle_questions=self.shuffle_questions.data,
            shuffle_choices=self.shuffle_choices.data,
            review_options=review,
            feedback_bands=parse_bands(self.bands.data or ""),
        )


def parse_bands(text: str) -> list[dict]:
    bands = []
    for line in text.splitlines():
        if not line.strip():
            continue
        low, _, message = line.partition("|")
        try:
            value = Decimal(low.strip().rstrip("%").replace(",", "."))
        except ArithmeticError:
            value = Decimal(-1)  # rejected by the service with a Vietnamese message
        bands.append({"min": float(value), "text": message.strip()})
    return bands


class NewQuizForm(QuizSettingsForm):
    owner = SelectField("Dùng cho", validators=[DataRequired(REQUIRED)])


class FixedSlotForm(FlaskForm):
    question_id = SelectField("Câu hỏi", coerce=int)
    mark = DecimalField(
        "Điểm", default=Decimal(1), validators=[InputRequired(NUMBER)], invalid_value_message=NUMBER
    )


class RandomSlotForm(FlaskForm):
    category_id = SelectField("Rút từ nhóm", coerce=int)
    include_subcategories = BooleanField("Gồm cả nhóm con", default=True)
    tag_id = SelectField("Chỉ câu có thẻ", coerce=int)
    count = IntegerField(
        "Số câu",
        default=1,
        validators=[InputRequired(WHOLE), stop_if_unreadable, NumberRange(1, 200, "Từ 1 đến 200 câu.")],
        invalid_value_message="Số câu phải là một số nguyên.",
    )
    mark = DecimalField(
        "Điểm mỗi câu", default=Decimal(1), validators=[InputRequired(NUMBER)], invalid_value_message=NUMBER
    )


class HandGradeForm(FlaskForm):
    mark = DecimalField("Điểm", validators=[InputRequired(NUMBER)], invalid_value_message=NUMBER)
    comment = TextAreaField("Nhận xét", validators=[Optional(), Length(max=5000)])


class RegradeForm(FlaskForm):
    use_new_version = HiddenField()


class ConfirmForm(FlaskForm):
    """Start, submit, delete: the form only carries CSRF."""
