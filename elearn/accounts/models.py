"""Accounts and roles."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, utcnow
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit


class Role(StrEnum):
    OFFICER = "officer"
    TRAINER = "trainer"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OFFICER: "Học viên (cán bộ công đoàn)",
    Role.TRAINER: "Giảng viên",
    Role.STAFF: "Cán bộ đơn vị",
    Role.ADMIN: "Quản trị hệ thống",
}


def new_session_key() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=Role.OFFICER.value)
    # Unit staff see this unit's subtree; an officer's account is linked to its registry entry.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    officer: Mapped[Officer | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    # Key of the server-side login session this object was loaded through (set by the login manager).
    login_key = None
    # Flags read with the user on every request (accounts.services.add_login_flag); replaced, never changed.
    login_flags: dict[str, bool] = {}  # noqa: RUF012

    def get_id(self) -> str | None:
        return self.login_key

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(r) for r in roles}

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class LoginSession(Base):
    """One signed-in browser. The cookie holds only `key`; deleting the row logs that browser out,
    so logout, a password change or a locked account take effect even for a copied cookie."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_key)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))
