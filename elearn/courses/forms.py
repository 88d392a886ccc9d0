"""Course authoring forms (shape only; elearn.courses.authoring checks the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from elearn.courses.models import DELIVERY_LABELS
from elearn.courses.services import ALL_LABEL, completion_problem
from elearn.extensions import stop_if_unreadable
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
ENROLMENT_CHOICES = choices([("open", "Tự ghi danh (học trực tuyến mở)"), ("class", "Chỉ học viên của lớp")])


class CourseForm(FlaskForm):
    code = StringField(
        "Mã chuyên đề",
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message="Chỉ gồm chữ không dấu, số và dấu gạch ngang."),
        ],
    )
    title = StringField("Tên chuyên đề", validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField("Mô tả", validators=[Optional(), Length(max=5000)])
    delivery = SelectField("Hình thức", choices=choices(DELIVERY_LABELS.items()))
    hours = IntegerField(
        "Số giờ",
        default=0,
        validators=[Optional(), stop_if_unreadable, NumberRange(0, 2000, "Số giờ từ 0 đến 2.000.")],
        invalid_value_message="Số giờ phải là một số nguyên.",
    )
    enrolment = SelectField("Ghi danh", choices=ENROLMENT_CHOICES)
    completion = StringField(
        "Hoàn thành khi học xong",
        default=ALL_LABEL,
        validators=[DataRequired(REQUIRED), Length(max=20, message="Nhập «tất cả» hoặc số bài.")],
    )
    is_published = BooleanField("Hiển thị trong danh mục", default=True)

    def __init__(self, *args, lesson_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lesson_count = lesson_count  # None: the course is not created yet

    def validate_completion(self, field) -> None:
        problem = completion_problem(field.data, self.lesson_count or 0)
        if problem:
            raise ValidationError(problem)


class ModuleForm(FlaskForm):
    title = StringField("Tên module", validators=[DataRequired("Hãy nhập tên module."), Length(max=300)])
    position = IntegerField(
        "Thứ tự",
        default=1,
        validators=[Optional(), stop_if_unreadable, NumberRange(1, 999, "Thứ tự từ 1 đến 999.")],
        invalid_value_message="Thứ tự phải là một số nguyên.",
    )


class LessonForm(FlaskForm):
    title = StringField("Tên bài học", validators=[DataRequired(REQUIRED), Length(max=300)])
    module_id = SelectField("Module", coerce=int)
    body_md = TextAreaField("Nội dung (Markdown)", validators=[Optional(), Length(max=200_000)])
    video_url = StringField(
        "Liên kết video (YouTube, Vimeo hoặc liên kết khác)", validators=[Optional(), Length(max=500)]
    )
    preview = SubmitField("Xem trước")
    save = SubmitField("Lưu bài học")


class AttachmentForm(FlaskForm):
    file = FileField(
        "Tệp đính kèm (PDF, DOCX, PPTX)", validators=[FileRequired("Hãy chọn tệp PDF, DOCX hoặc PPTX.")]
    )
