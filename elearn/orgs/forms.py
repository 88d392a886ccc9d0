"""Forms for units and terms (shape only; services check scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

REQUIRED = "Vui lòng nhập trường này."


class UnitForm(FlaskForm):
    name = StringField("Tên đơn vị", validators=[DataRequired(REQUIRED), Length(max=300)])
    kind_id = SelectField("Loại đơn vị", coerce=int)
    sector_id = SelectField("Khu vực", coerce=int)
    member_count = IntegerField(
        "Số đoàn viên", default=0, validators=[NumberRange(min=0, message="Không được âm.")]
    )
    valid_from = DateField("Hoạt động từ ngày", validators=[Optional()])
    valid_to = DateField("Ngừng hoạt động từ ngày", validators=[Optional()])
    successor_code = StringField(
        "Mã đơn vị kế thừa (khi sáp nhập, giải thể)", validators=[Optional(), Length(max=40)]
    )
    serial_prefix = StringField(
        "Tiền tố số hiệu chứng chỉ (ví dụ HN)", validators=[Optional(), Length(max=10)]
    )


class NewUnitForm(UnitForm):
    code = StringField("Mã đơn vị", validators=[DataRequired(REQUIRED), Length(max=40)])


class TermForm(FlaskForm):
    code = StringField("Mã nhiệm kỳ (ví dụ 2025-2030)", validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField("Tên hiển thị", validators=[Optional(), Length(max=200)])
    start_date = DateField("Bắt đầu", validators=[DataRequired("Ngày không hợp lệ.")])
    end_date = DateField("Kết thúc", validators=[DataRequired("Ngày không hợp lệ.")])
    level = SelectField("Áp dụng cho cấp", coerce=int)
