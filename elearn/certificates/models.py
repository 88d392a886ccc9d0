"""Certificate types, issued certificates (with their stored PDF and signed token), serial counters,
signing keys and the verification log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, utcnow
from elearn.orgs.models import OrgUnit


class CertificateType(Base):
    """E.g. "Chứng chỉ lý luận và nghiệp vụ công tác công đoàn", for a programme or a course."""

    __tablename__ = "certificate_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: does not expire
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(100))  # "Hà Nội" in "Hà Nội, ngày ... tháng ... năm ..."

    issuing_unit: Mapped[OrgUnit] = relationship()


class Certificate(Base):
    """An issued certificate. The printed fields are a snapshot; status is valid or revoked (expiry is
    derived from expiry_date). At most one valid certificate per type, class and officer."""

    __tablename__ = "certificate"
    __table_args__ = (
        Index(
            "uq_certificate_valid_once",
            "type_id",
            "class_key",
            "officer_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
        Index("ix_certificate_officer_type", "officer_id", "type_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("certificate_type.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("training_class.id"))
    # class_id, or 0 for a certificate earned outside a class: NULLs would not collide in the unique index.
    class_key: Mapped[int] = mapped_column(Integer, default=0)
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_dob: Mapped[date | None] = mapped_column(Date)
    course_title: Mapped[str] = mapped_column(String(300))
    class_code: Mapped[str | None] = mapped_column(String(40))
    hours: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(100))
    issue_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="valid")  # valid | revoked
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id")
    )  # re-issue after a correction
    token: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(40))
    pdf_path: Mapped[str] = mapped_column(String(300))  # relative to instance/
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    type: Mapped[CertificateType] = relationship()


class SerialCounter(Base):
    """Next serial number per issuing unit and year (gapless: taken in the issuing transaction)."""

    __tablename__ = "serial_counter"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class SigningKey(Base):
    """Public half of an Ed25519 signing key; the private half lives in instance/keys/<kid>.key (0600)."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(40), unique=True)
    public_key: Mapped[str] = mapped_column(String(100))  # base64url of the 32 raw bytes
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)  # no longer signs; still verifies


class VerificationLog(Base):
    """Every verification: when, through what, with which result. Nothing about the verifier."""

    __tablename__ = "verification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(10))  # web | api | serial
    status: Mapped[str] = mapped_column(String(10))  # valid | revoked | expired | invalid
    serial: Mapped[str | None] = mapped_column(String(40))
