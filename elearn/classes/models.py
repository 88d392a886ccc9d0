"""Classes (lớp): one offering of a course or programme, with in-person sessions and attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.courses.models import Course, Programme
from elearn.db import Base, utcnow
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit

FUNDING_SOURCES = {
    "kinh_phi_cong_doan": "Kinh phí công đoàn",
    "cap_tren_ho_tro": "Công đoàn cấp trên hỗ trợ",
    "doanh_nghiep": "Doanh nghiệp, đơn vị sử dụng lao động",
    "ngan_sach_nha_nuoc": "Ngân sách nhà nước",
    "khac": "Nguồn khác",
}


class TrainingClass(Base):
    """A class, e.g. "K.292". `completion_rule`: {"online_modules": "all", "min_attendance": 80,
    "final_quiz_id": null}; each part is optional."""

    __tablename__ = "training_class"
    __table_args__ = (
        CheckConstraint("course_id IS NOT NULL OR programme_id IS NOT NULL", name="teaches_something"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)  # organising unit
    funding_source: Mapped[str] = mapped_column(String(30), default="kinh_phi_cong_doan")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=100)
    completion_rule: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    course: Mapped[Course | None] = relationship()
    programme: Mapped[Programme | None] = relationship()
    unit: Mapped[OrgUnit] = relationship()
    sessions: Mapped[list[ClassSession]] = relationship(
        back_populates="training_class", order_by="ClassSession.starts_at", cascade="all, delete-orphan"
    )


class ClassTrainer(Base):
    __tablename__ = "class_trainer"
    __table_args__ = (UniqueConstraint("class_id", "user_id", name="uq_class_trainer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


class ClassMember(Base):
    """An officer enrolled in a class (học viên của lớp)."""

    __tablename__ = "class_member"
    __table_args__ = (UniqueConstraint("class_id", "officer_id", name="uq_class_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    officer: Mapped[Officer] = relationship(lazy="joined")


class ClassSession(Base):
    """An in-person session (buổi học): times are stored in UTC, shown in Asia/Ho_Chi_Minh."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(300), default="")

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "officer_id", name="uq_attendance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    marked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
