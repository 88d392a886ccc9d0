"""Login, logout and changing one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from elearn.accounts import services
from elearn.accounts.forms import ChangePasswordForm, ConfirmForm, LoginForm
from elearn.db import end_reads, get_session, reads_first, utcnow
from elearn.errors import ValidationError
from elearn.extensions import limiter
from elearn.web import public, roles_required, safe_next

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
@public
@reads_first  # the password check (slow on purpose) runs without SQLite's write lock
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.authenticate(db, form.email.data, form.password.data)
        end_reads(db)  # nothing written yet; the login is written next
        if user is None:
            flash("Email hoặc mật khẩu không đúng.", "error")
        else:
            session.clear()  # nothing from before the login survives it (session fixation)
            services.start_login_session(db, user, utcnow(), request.headers.get("User-Agent"))
            db.commit()
            login_user(user, remember=form.remember.data)
            session.permanent = bool(form.remember.data)
            if user.must_change_password:
                flash("Vui lòng đổi mật khẩu trước khi tiếp tục.", "info")
                return redirect(url_for("accounts.change_password"))
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


@bp.route("/logout", methods=["POST"])
@roles_required()
def logout():
    ConfirmForm()  # CSRF is checked globally; the form documents the intent
    db = get_session()
    services.end_login_session(db, current_user.get_id())
    db.commit()
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            services.change_password(db, current_user, form.current.data, form.new.data, form.confirm.data)
        except services.PasswordChangeRefused as exc:
            _show_problems(form, exc.problems)
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất.", "success")
            return redirect(url_for("home.index"))
    elif form.is_submitted() and form.current.data:
        # The form found a problem (say, the two new passwords differ); a wrong current password is
        # reported in the same answer rather than on the next attempt.
        problems = services.password_change_problems(
            current_user, form.current.data, form.new.data or "", form.confirm.data or ""
        )
        _show_problems(form, problems)
    return render_template("accounts/password.html", form=form)


def _show_problems(form: ChangePasswordForm, problems: dict[str, str]) -> None:
    """Each problem under its field, unless the form already says something about that field."""
    for name, message in problems.items():
        field = form[name]
        if not field.errors:
            field.errors = [message]


@bp.before_app_request
def _require_fresh_password():
    """An account with an admin-issued temporary password can do nothing else until it changes it."""
    if request.endpoint in FRESH_PASSWORD_EXEMPT:  # checked first: static files need no user lookup
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None


FRESH_PASSWORD_EXEMPT = {"accounts.change_password", "accounts.logout", "static", "home.healthz"}
