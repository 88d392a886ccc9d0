"""The union organisation tree: kinds and levels are data, units carry validity dates and a successor."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base

# Materialised paths are compared byte-wise; PostgreSQL's default collation would ignore the '/' separators.
PathString = String(400).with_variant(String(400, collation="C"), "postgresql")


class UnitKind(Base):
    """A kind of union unit (LĐLĐ tỉnh/thành phố, công đoàn ngành, CĐCS, ...) and the level it sits at."""

    __tablename__ = "unit_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)  # 1 = TLĐ, 2 = cấp trên cơ sở, 3 = cơ sở, 4 = bộ phận/tổ
    is_grassroots: Mapped[bool] = mapped_column(default=False)


class Sector(Base):
    """Khu vực: hành chính sự nghiệp, doanh nghiệp nhà nước, ngoài nhà nước, FDI."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class OrgUnit(Base):
    __tablename__ = "org_unit"
    __table_args__ = (CheckConstraint("member_count >= 0", name="member_count_nonneg"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind_id: Mapped[int] = mapped_column(ForeignKey("unit_kind.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # "/1/17/342/": ids from the root down to this unit; a subtree is one range scan on this column.
    path: Mapped[str] = mapped_column(PathString, unique=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    # Prefix of certificate serials issued by this unit (e.g. "HN" in HN-2026-000123).
    serial_prefix: Mapped[str | None] = mapped_column(String(10))

    kind: Mapped[UnitKind] = relationship(lazy="joined")
    sector: Mapped[Sector | None] = relationship(lazy="joined")
    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[OrgUnit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class Term(Base):
    """Nhiệm kỳ (e.g. 2025-2030). `level` is the unit level whose congresses use it (None: every level)."""

    __tablename__ = "term"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    level: Mapped[int | None] = mapped_column(Integer)
