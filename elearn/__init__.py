"""The union officer training LMS: create_app() builds the Flask application."""

from __future__ import annotations

import contextlib
import importlib
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from elearn import db, ops, security
from elearn.config import load_config
from elearn.errors import DomainError
from elearn.extensions import (
    SessionCookies,
    babel,
    csrf,
    csrf_token,
    limiter,
    login_manager,
    wtforms_in_vietnamese,
)
from elearn.web import MAX_INT, ON_EXPIRED_LOGIN

ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Thao tác không được hỗ trợ",
    409: "Dữ liệu bị trùng hoặc xung đột",
    413: "Tệp tải lên quá lớn",
    422: "Dữ liệu chưa hợp lệ",
    429: "Bạn thao tác quá nhanh",
    503: "Hệ thống đang bận",
    500: "Lỗi hệ thống",
}
ERROR_TEXTS = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền xem trang này.",
    404: "Trang bạn tìm không tồn tại hoặc đã bị xóa.",
    405: "Thao tác này không được hỗ trợ.",
    413: "Tệp tải lên vượt quá dung lượng cho phép.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng đợi một lúc rồi thử lại.",
    503: "Hệ thống đang bận. Vui lòng thử lại sau giây lát.",
    500: "Hệ thống gặp sự cố. Vui lòng thử lại sau ít phút.",
}


_URL_ID = 1_987_654_321  # a placeholder id for url_for_id(): appears in no route's fixed text


class DatabaseInt(IntegerConverter):
    """<int:...> in routes: an id larger than a database INTEGER is a 404, not an overflow in the query."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    # instance/ holds what an installation writes: the SQLite file, issued PDFs, signing keys, uploads.
    instance = os.environ.get("ELEARN_INSTANCE") or str(Path.cwd() / "instance")
    app = Flask(__name__, instance_path=instance, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseInt
    app.session_interface = SessionCookies()
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)

    from elearn.accounts import services as account_services

    account_services.HASH_METHOD["method"] = app.config["PASSWORD_HASH_METHOD"]

    db.init_app(app)
    ops.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # Only decorated views are limited (login, verification) and their decorators check; with no default or
    # application-wide limits, Flask-Limiter's own before_request hook resolves an empty list every time.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when RATELIMIT_ENABLED is off
        hooks.remove(limiter._check_request_limit)
    babel.init_app(app, locale_selector=lambda: "vi", timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    app.before_request(wtforms_in_vietnamese)
    _register_login_loader()
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_template_helpers(app)

    from elearn.cli import register_cli

    register_cli(app)
    _warn_about_development_defaults(app, config or {})
    return app


def _warn_about_development_defaults(app: Flask, config: dict) -> None:
    """Settings that suit a laptop but not an installation: said once, when the app starts."""
    if app.testing or app.debug:
        return
    # Certificates carry a QR code to PUBLIC_BASE_URL; left at its default, every printed code is dead.
    if "PUBLIC_BASE_URL" not in os.environ and "PUBLIC_BASE_URL" not in config:
        app.logger.warning(
            "PUBLIC_BASE_URL is not set: certificate QR codes will point at the default address %s; "
            "set it to the public address of this installation",
            app.config["PUBLIC_BASE_URL"],
        )
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        app.logger.warning(
            "REDIS_URL is not set: login and verification rate limits are counted in this process's memory, "
            "so with several gunicorn workers each counts alone and the limits multiply; set REDIS_URL"
        )


def _register_login_loader() -> None:
    from elearn.accounts.services import load_login_session

    @login_manager.user_loader
    def _load(key: str):
        return load_login_session(db.get_session(), key, db.utcnow(), request.endpoint)


def _register_blueprints(app: Flask) -> None:
    from elearn.accounts.admin_views import bp as admin_bp
    from elearn.accounts.views import bp as accounts_bp
    from elearn.home.views import bp as home_bp
    from elearn.officers.views import bp as officers_bp
    from elearn.orgs.views import bp as orgs_bp
    from elearn.quizzes.bank_views import banks_bp
    from elearn.seed_context import FEATURES

    for bp in (accounts_bp, admin_bp, home_bp, officers_bp, orgs_bp, banks_bp):
        app.register_blueprint(bp)
    for feature in FEATURES:
        app.register_blueprint(importlib.import_module(f"elearn.{feature}.views").bp)


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def _error_page(status: int, message: str | None = None, errors=None):
    message = message or ERROR_TEXTS.get(status, "Đã có lỗi xảy ra.")
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    title = ERROR_TITLES.get(status, "Đã có lỗi xảy ra")
    return render_template("error.html", status=status, title=title, message=message, errors=errors), status


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.get_session().rollback()
        return _error_page(exc.status_code, exc.message, getattr(exc, "errors", None))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        keep = ON_EXPIRED_LOGIN.get(request.endpoint)
        if keep is not None:
            return keep()
        return _error_page(
            400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại."
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return _error_page(exc.code or 500)

    @app.errorhandler(DBAPIError)
    def _database_busy(exc: DBAPIError):
        # SQLite under a burst of writers, or PostgreSQL restarting: a clean answer that quiz.js retries.
        # The page must not need the database itself (base.html would load the user), hence its own template.
        if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
            return _unexpected(exc)
        with contextlib.suppress(SQLAlchemyError):
            db.get_session().rollback()
        app.logger.warning("database unavailable on %s: %s", request.path, exc.orig)
        message = ERROR_TEXTS[503]
        if _wants_json():
            response = jsonify({"error": message, "status": 503, "retry": True})
        else:
            response = app.make_response(render_template("busy.html", message=message))
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if app.testing:
            raise exc
        app.logger.exception("unhandled error on %s", request.path)
        with contextlib.suppress(SQLAlchemyError):
            db.get_session().rollback()
        return _error_page(500)


def _local(value: datetime) -> datetime:
    """A stored datetime (naive UTC, or aware) in Vietnam's time."""
    from elearn.web import LOCAL_TZ

    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TZ)


def _register_template_helpers(app: Flask) -> None:
    # dd/MM/yyyy in Vietnam's time: what Flask-Babel's format_date/format_datetime give with the app's
    # locale and timezone (naive datetimes are UTC), without their locale lookups on every call.
    @app.template_filter("vn_date")
    def _vn_date(value):
        if not value:
            return ""
        if isinstance(value, datetime):
            value = _local(value)
        return value.strftime("%d/%m/%Y")

    @app.template_filter("vn_datetime")
    def _vn_datetime(value):
        return _local(value).strftime("%H:%M %d/%m/%Y") if value else ""

    from elearn.web import vn_number

    app.add_template_filter(vn_number, "vn_number")

    # Every page shows the menu and the static files' links; they depend only on the role and on where the
    # app is mounted, so each is built once per process instead of a dozen url_for() calls per page.
    menus: dict[tuple[str, str], Markup] = {}
    static_urls: dict[tuple[str, str], str] = {}
    fixed_urls: dict[tuple[str, str], str] = {}
    id_urls: dict[tuple[str, str, str], tuple[str, str]] = {}

    @app.template_global()
    def menu_links(role: str) -> Markup:
        key = (role, request.script_root)
        if key not in menus:
            menus[key] = Markup(render_template("_menu.html", role=role))  # noqa: S704 (autoescaped template)
        return menus[key]

    @app.template_global()
    def url_for_id(endpoint: str, **value: int) -> str:
        """url_for(endpoint, name=id) for a route whose only argument is one id (a course outline's lessons):
        the route is built once, then each id is put in its place."""
        ((name, number),) = value.items()
        key = (endpoint, name, request.script_root)
        if key not in id_urls:
            id_urls[key] = tuple(url_for(endpoint, **{name: _URL_ID}).split(str(_URL_ID)))
        head, tail = id_urls[key]
        return f"{head}{int(number)}{tail}"

    @app.template_global()
    def static_url(filename: str) -> str:
        key = (filename, request.script_root)
        if key not in static_urls:
            static_urls[key] = url_for("static", filename=filename)
        return static_urls[key]

    @app.template_global()
    def fixed_url(endpoint: str) -> str:
        """url_for(endpoint) for a route without arguments (the header's links), built once."""
        key = (endpoint, request.script_root)
        if key not in fixed_urls:
            fixed_urls[key] = url_for(endpoint)
        return fixed_urls[key]

    @app.context_processor
    def _globals():
        from elearn.accounts.models import Role

        # csrf_token replaces Flask-WTF's own (its context processor runs first, so this one wins).
        return {"Role": Role, "csrf_token": csrf_token}
