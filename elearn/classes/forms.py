"""Class forms (shape only; elearn.classes.services checks scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from elearn.classes.models import FUNDING_SOURCES
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
DATE_MSG = "Ngày không hợp lệ."
TIME_MSG = "Giờ không hợp lệ (hh:mm)."


class ClassForm(FlaskForm):
    code = StringField("Mã lớp", validators=[DataRequired(REQUIRED), Length(max=40)])
    title = StringField("Tên lớp", validators=[DataRequired(REQUIRED), Length(max=300)])
    teaches = SelectField("Chuyên đề hoặc chương trình", validators=[DataRequired(REQUIRED)])
    unit_id = SelectField("Đơn vị tổ chức", coerce=int)
    funding_source = SelectField("Nguồn kinh phí", choices=choices(FUNDING_SOURCES.items()))
    trainer_ids = SelectMultipleField("Giảng viên", coerce=int, validators=[Optional()])
    start_date = DateField("Ngày khai giảng", validators=[DataRequired(DATE_MSG)])
    end_date = DateField("Ngày bế giảng", validators=[DataRequired(DATE_MSG)])
    capacity = IntegerField(
        "Sĩ số tối đa", validators=[DataRequired(REQUIRED), NumberRange(1, 10000, "Từ 1 đến 10.000.")]
    )
    online_modules = StringField(
        "Học phần trực tuyến phải xong", validators=[Optional(), Length(max=10)], default="all"
    )
    min_attendance = IntegerField(
        "Chuyên cần tối thiểu (%)", validators=[Optional(), NumberRange(1, 100, "Từ 1 đến 100.")]
    )
    final_quiz_id = SelectField("Bài kiểm tra cuối khóa", validators=[Optional()])


class SessionForm(FlaskForm):
    day = DateField("Ngày học", validators=[DataRequired(DATE_MSG)])
    start = TimeField("Bắt đầu (giờ Việt Nam)", validators=[DataRequired(TIME_MSG)])
    end = TimeField("Kết thúc", validators=[DataRequired(TIME_MSG)])
    place = StringField("Địa điểm", validators=[DataRequired(REQUIRED), Length(max=300)])
    topic = StringField("Nội dung", validators=[Optional(), Length(max=300)])


class UploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách (.xlsx hoặc .csv)",
        validators=[
            FileRequired("Hãy chọn tệp."),
            FileAllowed(["xlsx", "csv"], "Chỉ nhận tệp .xlsx hoặc .csv."),
        ],
    )


class EmptyForm(FlaskForm):
    """CSRF only (add, remove, mark)."""
