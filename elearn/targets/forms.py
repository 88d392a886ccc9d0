"""Target and quota forms (shape only; the services check scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from elearn.classes.models import FUNDING_SOURCES
from elearn.targets.models import MEASURES
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
DATE_MSG = "Ngày không hợp lệ."
NUMBER_MSG = "Hãy nhập một số hợp lệ."


class TargetForm(FlaskForm):
    name = StringField("Tên chỉ tiêu", validators=[DataRequired(REQUIRED), Length(max=300)])
    scope_unit_id = SelectField("Đơn vị đặt chỉ tiêu (áp dụng cho toàn bộ đơn vị trực thuộc)", coerce=int)
    title_ids = SelectMultipleField("Chức danh (bỏ trống: mọi chức danh)", coerce=int)
    full_time = SelectField(
        "Chế độ",
        choices=choices([("", "Chuyên trách và kiêm nhiệm"), ("1", "Chuyên trách"), ("0", "Kiêm nhiệm")]),
        validators=[Optional()],
    )
    sector_ids = SelectMultipleField("Khu vực (bỏ trống: mọi khu vực)", coerce=int)
    min_member_count = IntegerField(
        "Đơn vị có từ … đoàn viên trở lên",
        validators=[Optional(), NumberRange(min=0, message="Không được âm.")],
    )
    term_id = SelectField("Nhiệm kỳ của chức vụ", coerce=int)
    newly_added = BooleanField("Chỉ cán bộ mới bổ sung trong nhiệm kỳ")
    measure = SelectField("Tính là đạt khi", choices=choices(MEASURES.items()))
    certificate_type_id = SelectField("Loại chứng chỉ", coerce=int)
    course_id = SelectField("Chuyên đề", coerce=int)
    programme_id = SelectField("Chương trình", coerce=int)
    period_start = DateField("Hoàn thành từ ngày", validators=[Optional()])
    period_end = DateField("Đến ngày", validators=[Optional()])
    deadline = DateField("Hạn hoàn thành", validators=[DataRequired(DATE_MSG)])
    required_percent = IntegerField(
        "Tỷ lệ phải đạt (%)",
        default=100,
        validators=[DataRequired(NUMBER_MSG), NumberRange(min=1, max=100, message="Từ 1 đến 100.")],
    )


class QuotaForm(FlaskForm):
    unit_id = SelectField("Đơn vị được giao", coerce=int)
    year = IntegerField("Năm", validators=[DataRequired(NUMBER_MSG), NumberRange(min=2000, max=2100)])
    funding_source = SelectField("Nguồn kinh phí", choices=choices(FUNDING_SOURCES.items()))
    planned_classes = IntegerField(
        "Số lớp", validators=[InputRequired(NUMBER_MSG), NumberRange(min=0, message="Không được âm.")]
    )
    planned_learners = IntegerField(
        "Số học viên", validators=[InputRequired(NUMBER_MSG), NumberRange(min=0, message="Không được âm.")]
    )


class DeleteForm(FlaskForm):
    pass
