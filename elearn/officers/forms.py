"""Registry forms (shape only; the services check scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from elearn.officers.rules import birth_date_problem, phone_problem
from elearn.web import choices, today

REQUIRED = "Vui lòng nhập trường này."
DATE_MSG = "Ngày không hợp lệ."
GENDERS = choices([("", "— Chưa rõ —"), ("nam", "Nam"), ("nu", "Nữ")])
NO_TITLE = ("", "— Chọn chức danh —")


def _birth_date(form, field) -> None:
    if field.data is not None and (problem := birth_date_problem(field.data, today())):
        raise ValidationError(problem)


def _phone(form, field) -> None:
    if field.data and (problem := phone_problem(field.data)):
        raise ValidationError(problem)


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class OfficerForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    date_of_birth = DateField(
        "Ngày sinh", validators=[Optional(), _birth_date], invalid_value_message=DATE_MSG
    )
    gender = SelectField("Giới tính", choices=GENDERS, validators=[Optional()])
    phone = StringField("Điện thoại", validators=[Optional(), Length(max=30), _phone])
    email = StringField("Email", validators=[Optional(), Email("Email không hợp lệ."), Length(max=200)])


class PositionForm(FlaskForm):
    unit_id = SelectField("Đơn vị", coerce=int)
    # Starts on the blank NO_TITLE choice: a preselected first title (Chủ tịch) made quick adds chairmen.
    title_id = SelectField(
        "Chức danh", coerce=_optional_int, validators=[InputRequired("Hãy chọn chức danh.")]
    )
    term_id = SelectField("Nhiệm kỳ", coerce=int)
    full_time = BooleanField("Chuyên trách")
    start_date = DateField(
        "Ngày bắt đầu", validators=[InputRequired(DATE_MSG)], invalid_value_message=DATE_MSG
    )
    end_date = DateField("Ngày kết thúc", validators=[Optional()], invalid_value_message=DATE_MSG)


class NewOfficerForm(OfficerForm, PositionForm):
    code = StringField("Mã cán bộ", validators=[DataRequired(REQUIRED), Length(max=30)])


class EndPositionForm(FlaskForm):
    end_date = DateField(
        "Ngày kết thúc", validators=[InputRequired(DATE_MSG)], invalid_value_message=DATE_MSG
    )


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
