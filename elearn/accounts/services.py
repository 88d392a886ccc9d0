"""Accounts: authentication, admin-managed users, password changes and admin resets (no e-mail needed)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select
from sqlalchemy.orm import Session, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from elearn.accounts.models import LoginSession, Role, User
from elearn.audit.services import record
from elearn.authz import require_role
from elearn.db import contains_pattern
from elearn.errors import Conflict, NotFound, ValidationError
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
PASSWORD_LENGTH = f"Mật khẩu phải có từ {MIN_PASSWORD} đến {MAX_PASSWORD} ký tự."
PASSWORDS_DIFFER = "Mật khẩu mới nhập lại không khớp."
# Set from the app config; tests use a cheaper scrypt cost. Never weaker than scrypt/pbkdf2 from werkzeug.
HASH_METHOD = {"method": "scrypt"}
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD["method"])


def _dummy_hash() -> str:
    method = HASH_METHOD["method"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH[method]


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if password.isdigit() or password.isalpha():
        raise ValidationError("Mật khẩu cần có cả chữ và số.")


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; as slow for an unknown e-mail as for a known one.

    Reads only: the slow hash check must not run inside a write transaction (on SQLite it would hold the
    database's one write lock for ~100 ms per login). start_login_session writes afterwards."""
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def start_login_session(session: Session, user: User, now: datetime, user_agent: str | None = None) -> str:
    user.last_login_at = now
    login = LoginSession(user_id=user.id, user_agent=(user_agent or "")[:200] or None)
    session.add(login)
    session.flush()
    user.login_key = login.key
    return login.key


# Run on every signed-in request, built once. The user's unit (joined by default, for the account lists) is
# loaded only by the few pages that read it: a third of the lookup's cost otherwise. Features add the flags
# they would otherwise query for on every request (`add_login_flag`): one query instead of one each.
_LOGIN_FLAGS: dict[str, tuple[ColumnElement, frozenset[str]]] = {}
_USER_BY_LOGIN: dict[tuple[str, ...], Select] = {}


def add_login_flag(name: str, expression: ColumnElement, *, skip: Collection[str] = ()) -> None:
    """A boolean read with the signed-in user: `expression` may use the user's columns and the bound
    parameter `now`; the request finds it in `current_user.login_flags[name]`, except on the endpoints in
    `skip` (the answer autosave, say), which do not look at it and so do not pay for it."""
    _LOGIN_FLAGS[name] = (expression.label(name), frozenset(skip))
    _USER_BY_LOGIN.clear()


def _user_by_login(endpoint: str | None) -> tuple[tuple[str, ...], Select]:
    names = tuple(name for name, (_flag, skip) in _LOGIN_FLAGS.items() if endpoint not in skip)
    if names not in _USER_BY_LOGIN:
        flags = [_LOGIN_FLAGS[name][0] for name in names]
        stmt = select(User, *flags).join(LoginSession, LoginSession.user_id == User.id)
        _USER_BY_LOGIN[names] = stmt.where(LoginSession.key == bindparam("key")).options(lazyload(User.unit))
    return names, _USER_BY_LOGIN[names]


def load_login_session(session: Session, key: str, now: datetime, endpoint: str | None = None) -> User | None:
    """The active user signed in under `key`, or None when that login was ended."""
    names, stmt = _user_by_login(endpoint)
    row = session.execute(stmt, {"key": key, "now": now}).first()
    if row is None or not row[0].is_active:
        return None
    user = row[0]
    user.login_key = key
    user.login_flags = {name: bool(value) for name, value in zip(names, row[1:], strict=True)}
    return user


def end_login_session(session: Session, key: str | None) -> None:
    if key:
        session.execute(delete(LoginSession).where(LoginSession.key == key))


def end_all_login_sessions(session: Session, user: User, *, keep: str | None = None) -> None:
    stmt = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        stmt = stmt.where(LoginSession.key != keep)
    session.execute(stmt)


def _validate_assignment(session: Session, role: Role, unit_id: int | None, officer_id: int | None) -> None:
    if role == Role.STAFF and unit_id is None:
        raise ValidationError("Cán bộ đơn vị phải được gán một đơn vị.")
    if unit_id is not None and session.get(OrgUnit, unit_id) is None:
        raise ValidationError("Đơn vị không tồn tại.")
    if officer_id is not None:
        if session.get(Officer, officer_id) is None:
            raise ValidationError("Cán bộ không tồn tại.")
        taken = session.scalar(select(User.id).where(User.officer_id == officer_id))
        if taken is not None:
            raise Conflict("Cán bộ này đã có tài khoản.")


def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    unit_id: int | None = None,
    officer_id: int | None = None,
    must_change_password: bool = True,
) -> User:
    """Admin creates an account (actor None: the trusted CLI or seed)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise ValidationError("Địa chỉ email không hợp lệ.")
    if find_by_email(session, email) is not None:
        raise Conflict("Email này đã được dùng cho một tài khoản khác.")
    if not full_name.strip():
        raise ValidationError("Họ và tên không được để trống.")
    role = Role(role)
    _validate_assignment(session, role, unit_id, officer_id)
    check_password_strength(password)
    user = User(
        email=email,
        full_name=" ".join(full_name.split()),
        role=role.value,
        unit_id=unit_id,
        officer_id=officer_id,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, email=email, role=role.value, unit_id=unit_id)
    return user


def update_user(
    session: Session,
    actor: User,
    user_id: int,
    *,
    full_name: str,
    role: Role,
    unit_id: int | None,
    is_active: bool,
) -> User:
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    role = Role(role)
    if user.id == actor.id and (role != Role.ADMIN or not is_active):
        raise ValidationError("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")
    if role == Role.STAFF and unit_id is None:
        raise ValidationError("Cán bộ đơn vị phải được gán một đơn vị.")
    if unit_id is not None and session.get(OrgUnit, unit_id) is None:
        raise ValidationError("Đơn vị không tồn tại.")
    before = {"role": user.role, "unit_id": user.unit_id, "is_active": user.is_active}
    user.full_name = " ".join(full_name.split()) or user.full_name
    user.role = role.value
    user.unit_id = unit_id
    if user.is_active and not is_active:
        end_all_login_sessions(session, user)  # a locked account is logged out everywhere
    user.is_active = is_active
    after = {"role": user.role, "unit_id": user.unit_id, "is_active": user.is_active}
    if before != after:
        record(session, actor, "user.update", "user", user.id, before=before, after=after)
    session.flush()
    return user


def reset_password(session: Session, actor: User, user_id: int) -> str:
    """Admin reset: returns a one-time password to hand over; the user must change it at next login."""
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    temporary = "-".join(secrets.token_hex(2) for _ in range(3)) + "A1"
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    end_all_login_sessions(session, user)
    record(session, actor, "user.reset_password", "user", user.id)
    session.flush()
    return temporary


class PasswordChangeRefused(ValidationError):
    """Every reason a password change was refused, by form field ("current", "new", "confirm")."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def password_change_problems(user: User, current: str, new: str, confirm: str) -> dict[str, str]:
    """All that is wrong with a password change at once, so one attempt shows every problem."""
    problems = {}
    current_ok = check_password_hash(user.password_hash, current)
    if not current_ok:
        problems["current"] = "Mật khẩu hiện tại không đúng."
    if current_ok and new == current:
        problems["new"] = "Mật khẩu mới phải khác mật khẩu hiện tại."
    elif len(new) > MAX_PASSWORD:
        problems["new"] = PASSWORD_LENGTH
    else:
        try:
            check_password_strength(new)
        except ValidationError as exc:
            problems["new"] = exc.message
    if new != confirm:
        problems["confirm"] = PASSWORDS_DIFFER
    return problems


def change_password(session: Session, user: User, current: str, new: str, confirm: str) -> User:
    """Changes the user's own password and logs out their other browsers."""
    problems = password_change_problems(user, current, new, confirm)
    if problems:
        raise PasswordChangeRefused(problems)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_all_login_sessions(session, user, keep=user.login_key)
    record(session, user, "user.change_password", "user", user.id)
    session.flush()
    return user


def list_users(session: Session, actor: User, q: str = "") -> list[User]:
    require_role(actor, Role.ADMIN)
    stmt = select(User).order_by(User.role, User.email)
    if q.strip():
        pattern = contains_pattern(q.strip().lower())
        stmt = stmt.where(
            func.lower(User.email).like(pattern, escape="\\") | User.full_name.ilike(pattern, escape="\\")
        )
    return list(session.scalars(stmt.limit(500)))


def get_user(session: Session, actor: User, user_id: int) -> User:
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user
