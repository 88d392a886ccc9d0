"""Standardization targets (chỉ tiêu), class quotas per unit and year, and daily snapshots of target figures.

Indexes the lead's migration needs besides the tables: ix_target_scope_unit_id,
uq_class_quota_unit_year_source, uq_target_snapshot_day, and, on other features' tables,
ix_enrolment_officer_completed (course and programme targets look completions up by officer),
ix_position_officer_cover and ix_certificate_officer_valid (the dashboard's single pass reads every officer's
positions and valid certificates in officer order from these two indexes alone).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.certificates.models import Certificate, CertificateType
from elearn.courses.models import Course, Enrolment, Programme
from elearn.db import Base, utcnow
from elearn.officers.models import Position
from elearn.orgs.models import OrgUnit, Term

MEASURES = {
    "certificate": "Có chứng chỉ còn hiệu lực",
    "course": "Hoàn thành chuyên đề trong kỳ",
    "programme": "Hoàn thành chương trình trong kỳ",
}

# Completions of one officer, newest last: course and programme targets look them up per population member.
Index("ix_enrolment_officer_completed", Enrolment.officer_id, Enrolment.course_id, Enrolment.completed_at)
# The dashboard groups positions by officer (rollup.breakdowns) and probes earlier-term positions per officer.
Index(
    "ix_position_officer_cover",
    Position.officer_id,
    Position.start_date,
    Position.end_date,
    Position.unit_id,
    Position.title_id,
    Position.full_time,
    Position.term_id,
)
# Each officer's certificates valid on a day, without reading the table rows.
Index(
    "ix_certificate_officer_valid",
    Certificate.officer_id,
    Certificate.type_id,
    Certificate.status,
    Certificate.issue_date,
    Certificate.expiry_date,
)


class Target(Base):
    """A target set by `scope_unit` for its whole subtree.

    Population: officers holding, on the evaluation day, a position matching every filter below (empty list /
    None: no condition). What counts: `measure` with its certificate type, course or programme.
    """

    __tablename__ = "target"
    __table_args__ = (
        CheckConstraint("required_percent >= 0 AND required_percent <= 100", name="percent_range"),
        CheckConstraint("measure IN ('certificate', 'course', 'programme')", name="measure_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    title_ids: Mapped[list] = mapped_column(JSON, default=list)
    full_time: Mapped[bool | None] = mapped_column()  # None: full-time and part-time
    sector_ids: Mapped[list] = mapped_column(JSON, default=list)
    min_member_count: Mapped[int | None] = mapped_column(Integer)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    newly_added: Mapped[bool] = mapped_column(default=False)  # in term_id, or the term current on the day
    measure: Mapped[str] = mapped_column(String(20), default="certificate")
    certificate_type_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_type.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    required_percent: Mapped[int] = mapped_column(Integer, default=100)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    scope_unit: Mapped[OrgUnit] = relationship(lazy="joined")
    term: Mapped[Term | None] = relationship()
    certificate_type: Mapped[CertificateType | None] = relationship()
    course: Mapped[Course | None] = relationship()
    programme: Mapped[Programme | None] = relationship()

    @property
    def measure_label(self) -> str:
        return MEASURES.get(self.measure, self.measure)

    @property
    def counts_what(self) -> str:
        """What counts, in the words of a report: "Chứng chỉ ...", "Chuyên đề ...", "Chương trình ..."."""
        if self.measure == "certificate" and self.certificate_type:
            return self.certificate_type.name
        if self.measure == "course" and self.course:
            return f"Chuyên đề {self.course.title}"
        if self.measure == "programme" and self.programme:
            return f"Chương trình {self.programme.title}"
        return self.measure_label


class ClassQuota(Base):
    """Planned classes and learners of a unit for a year and a funding source (set by its parent's staff)."""

    __tablename__ = "class_quota"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "funding_source", name="uq_class_quota_unit_year_source"),
        CheckConstraint("planned_classes >= 0 AND planned_learners >= 0", name="plan_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    funding_source: Mapped[str] = mapped_column(String(30))
    planned_classes: Mapped[int] = mapped_column(Integer, default=0)
    planned_learners: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[OrgUnit] = relationship(lazy="joined")


class TargetSnapshot(Base):
    """A target's figures at a unit on a day: for the progress chart only, never for current totals."""

    __tablename__ = "target_snapshot"
    __table_args__ = (UniqueConstraint("target_id", "unit_id", "day", name="uq_target_snapshot_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    day: Mapped[date] = mapped_column(Date)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)


class OfficerStanding(Base):
    """Per officer, what a dashboard would otherwise read from all their certificates and positions
    (standing.py): `cert_mask` has bit `type_id` set for each certificate type valid on every day from
    `as_of` up to `expires_first` (inclusive) and before `next_issue`; `first_term_start` is the start of
    the earliest term they held a position in (NULL: none). Outside that window, or without a row, the
    dashboard asks the certificates and positions themselves. Triggers on `certificate` and `position`
    delete the officer's row on any change (migration 0007), so a row is never stale."""

    __tablename__ = "officer_standing"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), primary_key=True)
    cert_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    as_of: Mapped[date] = mapped_column(Date)
    expires_first: Mapped[date | None] = mapped_column(Date)
    next_issue: Mapped[date | None] = mapped_column(Date)
    first_term_start: Mapped[date | None] = mapped_column(Date)
