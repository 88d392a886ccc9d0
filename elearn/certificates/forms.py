"""Certificate forms (shape only; the services check scope and rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

REQUIRED = "Vui lòng nhập trường này."


class ReasonForm(FlaskForm):
    reason = TextAreaField("Lý do", validators=[DataRequired("Hãy nhập lý do."), Length(max=1000)])


class IssueForm(FlaskForm):
    officer_id = HiddenField()  # empty: every eligible member of the class


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class TypeForm(FlaskForm):
    code = StringField("Mã", validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField("Tên chứng chỉ", validators=[DataRequired(REQUIRED), Length(max=300)])
    programme_id = SelectField("Chương trình", coerce=_optional_int, validators=[Optional()])
    course_id = SelectField("Chuyên đề", coerce=_optional_int, validators=[Optional()])
    validity_months = IntegerField(
        "Thời hạn hiệu lực (tháng)",
        validators=[Optional(), NumberRange(1, 600, "Từ 1 đến 600 tháng.")],
    )
    issuing_unit_id = SelectField("Đơn vị cấp", coerce=int)
    signer_title = StringField("Chức vụ người ký", validators=[DataRequired(REQUIRED), Length(max=200)])
    signer_name = StringField("Họ tên người ký", validators=[DataRequired(REQUIRED), Length(max=200)])
    place = StringField("Nơi cấp", validators=[DataRequired(REQUIRED), Length(max=100)])


class SerialLookupForm(FlaskForm):
    """A serial and a second detail printed on the paper (the verify service compares them)."""

    class Meta:
        csrf = False

    serial = StringField(
        "Số hiệu chứng chỉ",
        validators=[DataRequired("Hãy nhập số hiệu in trên chứng chỉ."), Length(max=40)],
    )
    holder_name = StringField("Họ và tên người được cấp", validators=[Optional(), Length(max=200)])
    date_of_birth = DateField(
        "Ngày sinh",
        format=["%Y-%m-%d", "%d/%m/%Y"],  # the date picker's value, or typed as printed
        validators=[Optional()],
        invalid_value_message="Ngày sinh không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.holder_name.data or "").strip() and self.date_of_birth.data is None:
            self.holder_name.errors.append("Hãy nhập thêm họ và tên hoặc ngày sinh in trên chứng chỉ.")
            return False
        return True
