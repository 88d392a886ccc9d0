"""The `quizzes` blueprint and the decorator of the JSON endpoints an attempt page's script calls."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from elearn.accounts.models import Role

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
SESSION_GONE = "Phiên đăng nhập hết hạn — đăng nhập lại để gửi tiếp"


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def officer_json(view):
    """Like roles_required(Role.OFFICER), but a script whose login expired gets 401 JSON, not a redirect
    it would follow silently, so it keeps its answers queued and asks the learner to log in again."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            attempt_id = kwargs.get("attempt_id")
            back = url_for("quizzes.attempt", attempt_id=attempt_id) if attempt_id else request.path
            login_url = url_for("accounts.login", next=back)
            if wants_json():
                return jsonify({"saved": False, "error": SESSION_GONE, "login_url": login_url}), 401
            return redirect(login_url)
        if not current_user.has_role(Role.OFFICER):
            abort(403)
        return view(*args, **kwargs)

    wrapped.allowed_roles = frozenset({Role.OFFICER.value})
    return wrapped
