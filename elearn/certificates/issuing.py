"""Issuing certificates: serials, snapshot, signed token, the PDF rendered once and stored.

One certificate is issued inside a savepoint: the serial counter (locked FOR UPDATE until the transaction
ends, so serials stay gapless and unique across workers), the PDF file and the row succeed or fail together.
Issuing is idempotent: an existing valid certificate of the type for the class and officer is returned.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record as audit
from elearn.certificates import access, eligibility, storage
from elearn.certificates.eligibility import NotEligible, Printed
from elearn.certificates.keys import current_key
from elearn.certificates.models import Certificate, CertificateType, SerialCounter
from elearn.certificates.pdf import CertificateFields, render_certificate
from elearn.certificates.tokens import TokenRecord, build_verify_url, sign_record
from elearn.classes.completion import MemberStatus
from elearn.classes.models import TrainingClass
from elearn.db import inline
from elearn.errors import DomainError, NotFound, ValidationError
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit
from elearn.targets import standing


@dataclass(frozen=True)
class Issuer:
    """Where and when: the instance folder (keys, PDFs), the public address in QR codes, today and now."""

    instance_path: str | Path
    base_url: str
    today: date
    now: datetime


@dataclass
class BulkResult:
    issued: list[Certificate] = field(default_factory=list)
    existing: list[Certificate] = field(default_factory=list)
    skipped: list[tuple[str, list[str]]] = field(default_factory=list)  # (name, reasons): not eligible
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, error): eligible, not issued

    def summary(self) -> str:
        text = (
            f"Đã cấp {len(self.issued)} chứng chỉ mới; {len(self.existing)} học viên đã có chứng chỉ; "
            f"{len(self.skipped)} học viên chưa đủ điều kiện."
        )
        return text + (f" Không cấp được cho {len(self.failed)} học viên." if self.failed else "")

    def page_summary(self) -> str:
        """One line for the class page, whose table already says why each learner is not eligible."""
        text = f"Đã cấp {len(self.issued)} chứng chỉ"
        if self.skipped:
            return f"{text}; {len(self.skipped)} học viên chưa đủ điều kiện (xem bảng)."
        return f"{text}."


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_serial(session: Session, unit: OrgUnit, year: int) -> str:
    """Take the unit's counter for the year FOR UPDATE and advance it (the lock lasts until commit)."""
    if not unit.serial_prefix:
        raise ValidationError(f"Đơn vị cấp «{unit.name}» chưa có tiền tố số hiệu chứng chỉ.")
    stmt = (
        select(SerialCounter)
        .where(SerialCounter.unit_id == unit.id, SerialCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)  # never trust a value cached before the lock
    )
    counter = session.scalar(stmt)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(SerialCounter(unit_id=unit.id, year=year, last_value=0))
        except IntegrityError:  # another worker created this year's counter first
            pass
        counter = session.scalar(stmt)
    counter.last_value += 1
    session.flush()
    return f"{unit.serial_prefix}-{year}-{counter.last_value:06d}"


def existing_valid(session: Session, type_id: int, class_key: int, officer_id: int) -> Certificate | None:
    return session.scalar(
        select(Certificate).where(
            Certificate.type_id == type_id,
            Certificate.class_key == class_key,
            Certificate.officer_id == officer_id,
            Certificate.status == inline("valid"),
        )
    )


def _create(
    session: Session,
    actor: User | None,
    ctype: CertificateType,
    officer: Officer,
    training_class: TrainingClass | None,
    printed: Printed,
    result: str,
    issuer: Issuer,
    expiry_date: date | None,
    replaces: Certificate | None = None,
) -> Certificate:
    if officer.date_of_birth is None:
        raise NotEligible(officer.full_name, ["Chưa có ngày sinh trong danh sách cán bộ"])
    unit = ctype.issuing_unit
    key = current_key(session, issuer.instance_path, issuer.now)
    holder = nfc(officer.full_name)
    issue_date = issuer.today
    written: Path | None = None
    try:
        with session.begin_nested():
            serial = next_serial(session, unit, issue_date.year)
            token = sign_record(
                TokenRecord(serial, holder, officer.date_of_birth, ctype.code, issue_date, expiry_date),
                key.private_key,
                key.kid,
            )
            fields = CertificateFields(
                serial=serial,
                holder_name=holder,
                date_of_birth=officer.date_of_birth,
                type_name=ctype.name,
                course_title=printed.course_title,
                class_code=printed.class_code,
                hours=printed.hours,
                result=result,
                issue_date=issue_date,
                expiry_date=expiry_date,
                place=ctype.place,
                issuing_unit=nfc(unit.name).upper(),
                signer_name=ctype.signer_name,
                signer_title=ctype.signer_title,
            )
            pdf = render_certificate(fields, build_verify_url(issuer.base_url, token))  # MissingGlyph: no row
            rel_path = storage.relative_path(serial, issue_date.year)
            written = Path(issuer.instance_path) / rel_path
            sha = storage.write_pdf(session, issuer.instance_path, rel_path, pdf)
            cert = Certificate(
                serial=serial,
                type_id=ctype.id,
                officer_id=officer.id,
                class_id=training_class.id if training_class else None,
                class_key=training_class.id if training_class else 0,
                holder_name=holder,
                holder_dob=officer.date_of_birth,
                course_title=printed.course_title,
                class_code=printed.class_code,
                hours=printed.hours,
                result=result,
                issue_date=issue_date,
                expiry_date=expiry_date,
                issuing_unit_id=unit.id,
                signer_name=ctype.signer_name,
                signer_title=ctype.signer_title,
                place=ctype.place,
                status="valid",
                replaces_id=replaces.id if replaces else None,
                token=token,
                key_id=key.kid,
                pdf_path=rel_path,
                pdf_sha256=sha,
                issued_by_id=actor.id if actor else None,
                created_at=issuer.now,
            )
            session.add(cert)
            session.flush()
    except BaseException:
        if written is not None:
            storage.remove(written)
        raise
    standing.refresh(session, [officer.id], issue_date)
    audit(session, actor, "certificate.issue", "certificate", serial, officer_id=officer.id, type=ctype.code)
    return cert


def _load(session: Session, type_id: int, officer_id: int, class_id: int | None):
    ctype = session.get(CertificateType, type_id)
    officer = session.get(Officer, officer_id)
    training_class = session.get(TrainingClass, class_id) if class_id else None
    if ctype is None or officer is None or (class_id and training_class is None):
        raise NotFound("Không tìm thấy loại chứng chỉ, cán bộ hoặc lớp học.")
    if training_class is not None and not eligibility.type_matches_class(ctype, training_class):
        raise ValidationError("Loại chứng chỉ này không dành cho khóa học/chương trình của lớp.")
    return ctype, officer, training_class


def issue(
    session: Session,
    actor: User | None,
    *,
    type_id: int,
    officer_id: int,
    class_id: int | None,
    issuer: Issuer,
) -> tuple[Certificate, bool]:
    """Issue one certificate (raises NotEligible with reasons); returns (certificate, newly issued)."""
    ctype, officer, training_class = _load(session, type_id, officer_id, class_id)
    access.require_manage(
        session, actor, ctype.issuing_unit_id, training_class.unit_id if training_class else None
    )
    class_key = training_class.id if training_class else 0
    found = existing_valid(session, ctype.id, class_key, officer.id)
    if found is not None:
        return found, False
    verdict = eligibility.check(session, ctype, officer, training_class, issuer.now)
    if not verdict.eligible:
        raise NotEligible(officer.full_name, verdict.reasons)
    return _issue_checked(session, actor, ctype, officer, training_class, verdict.result, issuer)


def _issue_checked(
    session, actor, ctype, officer, training_class, result, issuer
) -> tuple[Certificate, bool]:
    printed = eligibility.printed_for(session, ctype, training_class)
    expiry = add_months(issuer.today, ctype.validity_months) if ctype.validity_months else None
    try:
        return _create(session, actor, ctype, officer, training_class, printed, result, issuer, expiry), True
    except IntegrityError:  # the same officer issued by another worker at the same moment
        found = existing_valid(session, ctype.id, training_class.id if training_class else 0, officer.id)
        if found is None:
            raise
        return found, False


def class_plan(
    session: Session, actor: User | None, class_id: int, issuer: Issuer, type_id: int | None = None
):
    """(class, type, member statuses) for issuing to a whole class; checks the actor may issue."""
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise NotFound("Không tìm thấy lớp học.")
    ctype = eligibility.type_for_class(session, training_class, type_id)
    access.require_manage(session, actor, ctype.issuing_unit_id, training_class.unit_id)
    return training_class, ctype, eligibility.roster(session, training_class, issuer.now)


def ready_officer_ids(
    session: Session, ctype: CertificateType, training_class: TrainingClass, statuses: list[MemberStatus]
) -> set[int]:
    """Members a bulk run would issue to: completed, with a date of birth, no valid certificate yet."""
    completed = [s.officer_id for s in statuses if s.completed]
    if not completed:
        return set()
    with_dob = session.scalars(
        select(Officer.id).where(Officer.id.in_(completed), Officer.date_of_birth.is_not(None))
    )
    holders = session.scalars(
        select(Certificate.officer_id).where(
            Certificate.type_id == ctype.id,
            Certificate.class_key == training_class.id,
            Certificate.status == inline("valid"),
        )
    )
    return set(with_dob) - set(holders)


def issue_member(session, actor, training_class, ctype, status, issuer, result: BulkResult) -> None:
    """One member of a bulk run: issued, already had one, or skipped with the reasons."""
    found = existing_valid(session, ctype.id, training_class.id, status.officer_id)
    if found is not None:
        result.existing.append(found)
        return
    officer = session.get(Officer, status.officer_id)
    verdict = eligibility.from_status(session, officer, training_class, status)
    if not verdict.eligible:
        result.skipped.append((officer.full_name, verdict.reasons))
        return
    try:
        cert, created = _issue_checked(session, actor, ctype, officer, training_class, verdict.result, issuer)
    except DomainError as error:  # e.g. a character the font cannot print: report it, go on
        result.failed.append((officer.full_name, error.message))
        return
    (result.issued if created else result.existing).append(cert)


def issue_for_class(
    session: Session, actor: User | None, class_id: int, issuer: Issuer, type_id: int | None = None
) -> BulkResult:
    """Every eligible member of the class; the others are skipped and reported, never an error."""
    training_class, ctype, statuses = class_plan(session, actor, class_id, issuer, type_id)
    result = BulkResult()
    for status in statuses:
        issue_member(session, actor, training_class, ctype, status, issuer, result)
    return result
