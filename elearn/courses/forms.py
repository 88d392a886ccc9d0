"""Course authoring forms (shape only; elearn.courses.authoring checks the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from elearn.courses.models import DELIVERY_LABELS
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
        "Số giờ", default=0, validators=[Optional(), NumberRange(0, 2000, "Số giờ không hợp lệ.")]
    )
    enrolment = SelectField("Ghi danh", choices=ENROLMENT_CHOICES)
    completion = StringField(
        "Hoàn thành khi học xong",
        default="all",
        validators=[DataRequired(REQUIRED), Regexp(r"^(all|[1-9][0-9]*)$", message="Nhập all hoặc một số.")],
    )
    is_published = BooleanField("Hiển thị trong danh mục", default=True)


class ModuleForm(FlaskForm):
    title = StringField("Tên module", validators=[DataRequired(REQUIRED), Length(max=300)])
    position = IntegerField("Thứ tự", default=1, validators=[Optional(), NumberRange(1, 999)])


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
    file = FileField("Tệp đính kèm (PDF, DOCX, PPTX)", validators=[FileRequired("Hãy chọn tệp.")])
