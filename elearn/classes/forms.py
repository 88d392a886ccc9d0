"""Class forms (shape only; elearn.classes.services checks scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from elearn.classes.models import FUNDING_SOURCES
from elearn.classes.services import MAX_CAPACITY
from elearn.courses.services import ALL_LABEL, means_all
from elearn.extensions import stop_if_unreadable
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
DATE_MSG = "Ngày không hợp lệ."
TIME_MSG = "Giờ không hợp lệ (hh:mm)."


def _all_or_number(form, field) -> None:
    value = (field.data or "").strip()
    if not means_all(value) and not (value.isdecimal() and int(value) > 0):
        raise ValidationError("Nhập «tất cả» hoặc số học phần (từ 1 trở lên).")


class ClassForm(FlaskForm):
    code = StringField("Mã lớp", validators=[DataRequired(REQUIRED), Length(max=40)])
    title = StringField("Tên lớp", validators=[DataRequired(REQUIRED), Length(max=300)])
    teaches = SelectField("Chuyên đề hoặc chương trình", validators=[DataRequired(REQUIRED)])
    unit_id = SelectField("Đơn vị tổ chức", coerce=int)
    funding_source = SelectField("Nguồn kinh phí", choices=choices(FUNDING_SOURCES.items()))
    trainer_ids = SelectMultipleField("Giảng viên", coerce=int, validators=[Optional()])
    start_date = DateField(
        "Ngày khai giảng", validators=[InputRequired(DATE_MSG)], invalid_value_message=DATE_MSG
    )
    end_date = DateField(
        "Ngày bế giảng", validators=[InputRequired(DATE_MSG)], invalid_value_message=DATE_MSG
    )
    # InputRequired, not DataRequired: DataRequired takes 0 for an empty field.
    capacity = IntegerField(
        "Sĩ số tối đa",
        validators=[
            InputRequired(REQUIRED),
            stop_if_unreadable,
            NumberRange(1, MAX_CAPACITY, "Sĩ số tối đa từ 1 đến 10.000."),
        ],
        invalid_value_message="Sĩ số tối đa phải là một số nguyên.",
    )
    online_modules = StringField(
        "Học phần trực tuyến phải xong",
        validators=[Optional(), Length(max=10, message="Nhập «tất cả» hoặc một số."), _all_or_number],
        default=ALL_LABEL,
    )
    min_attendance = IntegerField(
        "Chuyên cần tối thiểu (%)",
        # "%%": WTForms %-formats a NumberRange message.
        validators=[Optional(), stop_if_unreadable, NumberRange(1, 100, "Từ 1 đến 100%%.")],
        invalid_value_message="Chuyên cần tối thiểu phải là một số nguyên.",
    )
    final_quiz_id = SelectField("Bài kiểm tra cuối khóa", validators=[Optional()])


class SessionForm(FlaskForm):
    day = DateField("Ngày học", validators=[InputRequired(DATE_MSG)], invalid_value_message=DATE_MSG)
    start = TimeField(
        "Bắt đầu (giờ Việt Nam)", validators=[InputRequired(TIME_MSG)], invalid_value_message=TIME_MSG
    )
    end = TimeField("Kết thúc", validators=[InputRequired(TIME_MSG)], invalid_value_message=TIME_MSG)
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
