"""Registry forms (shape only; the services check scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
DATE_MSG = "Ngày không hợp lệ."
GENDERS = choices([("", "— Chưa rõ —"), ("nam", "Nam"), ("nu", "Nữ")])


class OfficerForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    date_of_birth = DateField("Ngày sinh", validators=[Optional()])
    gender = SelectField("Giới tính", choices=GENDERS, validators=[Optional()])
    phone = StringField("Điện thoại", validators=[Optional(), Length(max=30)])
    email = StringField("Email", validators=[Optional(), Email("Email không hợp lệ."), Length(max=200)])


class PositionForm(FlaskForm):
    unit_id = SelectField("Đơn vị", coerce=int)
    title_id = SelectField("Chức danh", coerce=int)
    term_id = SelectField("Nhiệm kỳ", coerce=int)
    full_time = BooleanField("Chuyên trách")
    start_date = DateField("Ngày bắt đầu", validators=[DataRequired(DATE_MSG)])
    end_date = DateField("Ngày kết thúc", validators=[Optional()])


class NewOfficerForm(OfficerForm, PositionForm):
    code = StringField("Mã cán bộ", validators=[DataRequired(REQUIRED), Length(max=30)])


class EndPositionForm(FlaskForm):
    end_date = DateField("Ngày kết thúc", validators=[DataRequired(DATE_MSG)])


class ImportForm(FlaskForm):
    unit_id = SelectField("Nhập vào đơn vị", coerce=int)
    file = FileField(
        "Tệp danh sách (.xlsx hoặc .csv)",
        validators=[
            FileRequired("Hãy chọn tệp."),
            FileAllowed(["xlsx", "csv"], "Chỉ nhận tệp .xlsx hoặc .csv."),
        ],
    )


class ImportConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
