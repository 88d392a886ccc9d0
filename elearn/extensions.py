"""Flask extensions, created here and bound to the app in create_app()."""

from __future__ import annotations

import hmac
import time

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from wtforms.validators import StopValidation

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"  # "strong" would log phones out whenever their IP changes

_SIGNED_CSRF: dict[str, str] = {}


class SignedTokenCSRF(CSRFProtect):
    """Flask-WTF's CSRF protection. A form or script that sends back the very token csrf_token() signed for
    this session's secret (in this process) is accepted without checking that signature again (an HMAC,
    base64 and JSON: a tenth of an answer save). Any other token, and every request over HTTPS with
    WTF_CSRF_SSL_STRICT (which also checks the referrer), goes through Flask-WTF's own check."""

    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method in current_app.config["WTF_CSRF_METHODS"] and not (
            request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]
        ):
            signed = _SIGNED_CSRF.get(session.get("csrf_token", ""))
            sent = self._get_csrf_token() if signed else None
            if sent and hmac.compare_digest(sent, signed):
                g.csrf_valid = True
                return
        super().protect(apply_exemptions)


csrf = SignedTokenCSRF()


def csrf_token() -> str:
    """The template's csrf_token(): Flask-WTF's generate_csrf(), which signs the session's secret afresh on
    every page (an HMAC, JSON and base64; 7 % of a lesson page). Tokens carry no time limit here
    (WTF_CSRF_TIME_LIMIT is None), so the signature made once per session secret serves every later page."""
    if "csrf_token" not in g:
        signed = _SIGNED_CSRF.get(session.get("csrf_token", ""))  # .get: another thread may clear it
        if signed:
            g.csrf_token = signed
        else:
            token = generate_csrf()
            if len(_SIGNED_CSRF) >= 10_000:
                _SIGNED_CSRF.clear()
            _SIGNED_CSRF[session["csrf_token"]] = token
    return g.csrf_token


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie session. A browser sends the same cookie with every request of a session, and
    checking it (serializer, HMAC, base64, tagged JSON) cost about 60 µs a request. A cookie checked once is
    remembered with its signing time, per secret key: afterwards only its age is checked again, as
    itsdangerous checks it. Only sessions of plain values are remembered: a view may change a list (the
    flashed messages) in place, and the next request must not see that."""

    REMEMBERED = 10_000
    _PLAIN = (str, bool, int, float, type(None))

    def __init__(self) -> None:
        self._state: tuple = ((), None, {})  # (secret keys, serializer, {cookie: (signed_at, data)})

    def _current(self, app: Flask) -> tuple:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        state = self._state
        if state[0] != keys:
            state = self._state = (keys, super().get_signing_serializer(app), {})
        return state

    def get_signing_serializer(self, app: Flask):
        return self._current(app)[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        _keys, serializer, checked = self._current(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = checked.get(cookie)
        if known is not None and 0 <= int(time.time()) - known[0] <= max_age:
            return self.session_class(known[1])
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(value) in self._PLAIN for value in data.values()):
            if len(checked) >= self.REMEMBERED:
                checked.clear()
            checked[cookie] = (int(signed_at.timestamp()), data)
        return self.session_class(data)


limiter = Limiter(key_func=get_remote_address, default_limits=[])

# WTForms' and Flask-WTF's built-in messages (msgid -> Vietnamese). WTForms ships no Vietnamese catalogue
# (wtforms/locale has none), so with the app's locale "vi" Flask-WTF would show them in English. Plural
# messages are keyed by their singular: Vietnamese has one form. tests/test_form_messages.py checks that
# every message of the installed WTForms is here, with the same placeholders.
WTFORMS_VI = {
    "Invalid field name '%s'.": "Tên trường không hợp lệ: '%s'.",
    "Field must be equal to %(other_name)s.": "Phải trùng với «%(other_name)s».",
    "Field must be at least %(min)d character long.": "Phải có ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Phải có từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Không được nhỏ hơn %(min)s.",
    "Number must be at most %(max)s.": "Không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày không được trước %(min)s.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "This field is required.": "Vui lòng nhập trường này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Email không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Invalid URL.": "Đường dẫn không hợp lệ.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ; chỉ được là: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ; không được là: %(values)s.",
    "This field cannot be edited.": "Không được sửa trường này.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không được nhập.",
    "Invalid CSRF Token.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF token missing.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF failed.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF token expired.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có danh sách lựa chọn.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Có lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "«%(value)s» không phải là lựa chọn hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid integer value.": "Hãy nhập một số nguyên.",
    "Not a valid decimal value.": "Hãy nhập một số hợp lệ.",
    "Not a valid float value.": "Hãy nhập một số hợp lệ.",
    # Flask-WTF's file validators
    "File does not have an approved extension: {extensions}": "Chỉ nhận tệp: {extensions}",
    "File does not have an approved extension.": "Không nhận loại tệp này.",
}


class WTFormsVietnamese:
    """The gettext object Flask-WTF asks for WTForms' messages (it calls ugettext and ungettext)."""

    def ugettext(self, message: str) -> str:
        return WTFORMS_VI.get(message, message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return WTFORMS_VI.get(singular, singular if n == 1 else plural)

    gettext = ugettext
    ngettext = ungettext


WTFORMS_TRANSLATIONS = WTFormsVietnamese()


def wtforms_in_vietnamese() -> None:
    """A before_request hook. Flask-WTF (WTF_I18N_ENABLED, the default) looks the request's WTForms
    translations up here first and only then in WTForms' own catalogues, which have no Vietnamese
    (flask_wtf/i18n.py; tests/test_form_messages.py fails if a Flask-WTF release changes that)."""
    request.wtforms_translations = WTFORMS_TRANSLATIONS


def stop_if_unreadable(form, field) -> None:
    """A validator for a number or date field, after Optional/InputRequired: when the input could not be
    read (1.5 for a whole number), the field already says so and a range check would add a second,
    misleading message about the range."""
    if field.process_errors:
        raise StopValidation()


babel = Babel()
