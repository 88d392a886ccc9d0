"""Helpers shared by the blueprints: role declarations, the current session, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from elearn.accounts.models import Role
from elearn.errors import DomainError

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLIC = "public"


def vn_number(value: int | float | Decimal | None, digits: int = 2, *, fixed: bool = False) -> str:
    """A number as Vietnamese readers write it: decimal comma, dot between thousands (1.234,5). At most
    `digits` decimals, rounded half up; trailing zeros dropped unless `fixed` (then exactly `digits`)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if not number.is_finite():
        return str(value)
    number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{number:,f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


# POST views whose form must outlive an expired login or CSRF token (the quiz's page-by-page form): endpoint
# -> what to do instead of refusing the request. The CSRF error handler and roles_required look here.
ON_EXPIRED_LOGIN: dict[str, Callable] = {}


def on_expired_login(endpoint: str) -> Callable:
    def register(handler: Callable) -> Callable:
        ON_EXPIRED_LOGIN[endpoint] = handler
        return handler

    return register


def roles_required(*roles: Role) -> Callable:
    """Declares which roles may open a view; the security tests read `allowed_roles` off every endpoint."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                keep = ON_EXPIRED_LOGIN.get(request.endpoint) if request.method == "POST" else None
                if keep is not None:
                    return keep()
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = (
            frozenset(r.value for r in roles) if roles else frozenset(r.value for r in Role)
        )
        return wrapped

    return decorator


def public(view):
    """Marks a view that needs no login (login page, health check, certificate verification)."""
    view.allowed_roles = PUBLIC
    return view


def today() -> date:
    """Today in Vietnam, where the officers are (the server may run in UTC)."""
    return datetime.now(LOCAL_TZ).date()


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths: `next=//evil.example` or `https://evil.example` fall back to default."""
    if not target:
        return default
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


MAX_INT = 2**31 - 1  # ids, page numbers: what a database INTEGER holds (a larger one would be a 500)


def int_arg(name: str, default: int | None = None, source=None) -> int | None:
    """An integer from the query string (or `source`, e.g. request.form); `default` when absent, not a
    number, or beyond what the database can compare."""
    value = (request.args if source is None else source).get(name, "")
    try:
        number = int(value) if value.strip() else default
    except ValueError:
        return default
    return number if number is None or abs(number) <= MAX_INT else default


def choices(pairs) -> list[SelectChoice]:
    """WTForms select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class committing:  # noqa: N801  (used as a statement: `with committing(db, "Đã lưu.") as outcome:`)
    """Runs a service call as the request's one transaction: commits and flashes `success` (the block may
    set `outcome.success` from its result), or, on a DomainError, rolls back and flashes its message;
    `outcome.ok` says which."""

    def __init__(self, db, success: str = "Đã lưu."):
        self.db = db
        self.success = success
        self.ok = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc_type is None:
            self.db.commit()
            flash(self.success, "success")
            self.ok = True
            return False
        if issubclass(exc_type, DomainError):
            self.db.rollback()
            flash(exc.message, "error")
            return True
        return False
