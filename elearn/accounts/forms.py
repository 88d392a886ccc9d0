"""Account forms: they check shape; services check rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from elearn.accounts.models import ROLE_LABELS
from elearn.accounts.services import MAX_PASSWORD, MIN_PASSWORD, PASSWORD_LENGTH, PASSWORDS_DIFFER
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
PASSWORD_RULE = Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_LENGTH)


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(REQUIRED), Email("Email không hợp lệ."), Length(max=200)]
    )
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField("Ghi nhớ đăng nhập trên thiết bị này")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired(REQUIRED), PASSWORD_RULE])
    confirm = PasswordField(
        "Nhập lại mật khẩu mới", validators=[DataRequired(REQUIRED), EqualTo("new", PASSWORDS_DIFFER)]
    )


def _role_choices():
    return choices((role.value, label) for role, label in ROLE_LABELS.items())


class UserCreateForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(REQUIRED), Email("Email không hợp lệ."), Length(max=200)]
    )
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField("Vai trò", choices=_role_choices())
    unit_id = SelectField("Đơn vị (với cán bộ đơn vị)", coerce=int, validators=[Optional()])
    officer_code = StringField("Mã cán bộ (với học viên)", validators=[Optional(), Length(max=30)])
    password = PasswordField("Mật khẩu ban đầu", validators=[DataRequired(REQUIRED), PASSWORD_RULE])


class UserEditForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField("Vai trò", choices=_role_choices())
    unit_id = SelectField("Đơn vị (với cán bộ đơn vị)", coerce=int, validators=[Optional()])
    is_active = BooleanField("Đang hoạt động")


class ConfirmForm(FlaskForm):
    """A POST with nothing but the CSRF token (logout, reset password)."""
