"""The officer registry: people and the positions they hold in units, by term."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from elearn.db import Base, utcnow
from elearn.orgs.models import OrgUnit, Term
from elearn.vietnamese import SORT_KEY_LENGTH, name_sort_key


def search_key(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Đặng  Thị Ánh" -> "dang thi anh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


class PositionTitle(Base):
    """Chức danh: Chủ tịch, Phó Chủ tịch, ủy viên BCH, ... (data, ordered by rank)."""

    __tablename__ = "position_title"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer, default=100)


class Officer(Base):
    __tablename__ = "officer"
    __table_args__ = (CheckConstraint("gender IN ('nam', 'nu') OR gender IS NULL", name="gender_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # stable key for imports
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    # full_name without case or diacritics ("nguyen thi thanh tung"): phones often type without accents.
    search_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    # full_name in Vietnamese order, by given name (vietnamese.name_sort_key): the registry's page order.
    # Compared character by character: PostgreSQL's "C" collation, SQLite's default.
    sort_key: Mapped[str] = mapped_column(
        String(SORT_KEY_LENGTH).with_variant(String(SORT_KEY_LENGTH, collation="C"), "postgresql"),
        index=True,
        default="",
        server_default="",
    )
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(3))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    positions: Mapped[list[Position]] = relationship(
        back_populates="officer", order_by="Position.start_date.desc()", cascade="all, delete-orphan"
    )

    @validates("full_name")
    def _keep_name_keys(self, _key: str, value: str) -> str:
        self.search_key = search_key(value)
        self.sort_key = name_sort_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Officer {self.code}>"


class Position(Base):
    """Officer × unit × title × full-time or part-time × term, from start to end (None: still held)."""

    __tablename__ = "position"
    __table_args__ = (
        UniqueConstraint("officer_id", "unit_id", "title_id", "term_id", name="uq_position_natural"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        # Covers the registry's subtree counts: units -> positions without touching the table rows.
        Index(
            "ix_position_unit_cover",
            "unit_id",
            "officer_id",
            "start_date",
            "end_date",
            "title_id",
            "full_time",
            "term_id",
        ),
        Index("ix_position_officer_term", "officer_id", "term_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    title_id: Mapped[int] = mapped_column(ForeignKey("position_title.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    full_time: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    officer: Mapped[Officer] = relationship(back_populates="positions")
    unit: Mapped[OrgUnit] = relationship(lazy="joined")
    title: Mapped[PositionTitle] = relationship(lazy="joined")
    term: Mapped[Term] = relationship(lazy="joined")

    def is_current(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
