"""After issue: finding, listing, downloading, revoking and re-issuing certificates."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record as audit
from elearn.certificates import access, eligibility, storage
from elearn.certificates.issuing import Issuer, _create, nfc
from elearn.certificates.models import Certificate, CertificateType
from elearn.classes.completion import local_date
from elearn.classes.models import TrainingClass
from elearn.db import inline
from elearn.errors import Conflict, NotFound, ValidationError
from elearn.officers.models import Officer
from elearn.targets import standing

STATUS_LABELS = {"valid": "Hợp lệ", "revoked": "Đã thu hồi", "expired": "Hết hạn", "invalid": "Không hợp lệ"}


def status_of(status: str, expiry_date: date | None, today: date) -> str:
    """valid | revoked | expired: revocation wins; expiry is derived from the printed expiry date."""
    if status == "revoked":
        return "revoked"
    if expiry_date is not None and expiry_date < today:
        return "expired"
    return "valid"


def get_by_serial(session: Session, serial: str) -> Certificate:
    cert = session.scalar(select(Certificate).where(Certificate.serial == serial.strip().upper()))
    if cert is None:
        raise NotFound("Không tìm thấy chứng chỉ có số hiệu này.")
    return cert


def get_for(session: Session, actor: User | None, serial: str) -> Certificate:
    return access.require_view(session, actor, get_by_serial(session, serial))


def pdf_bytes(
    session: Session, actor: User | None, serial: str, instance_path: str | Path
) -> tuple[str, bytes]:
    """The stored file, exactly as issued (never rendered again); checked against its sha256."""
    cert = get_for(session, actor, serial)
    return cert.serial, storage.read_pdf(instance_path, cert.pdf_path, cert.pdf_sha256)


def own_certificates(session: Session, actor: User) -> list[Certificate]:
    if actor.officer_id is None:
        return []
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.officer_id == actor.officer_id)
            .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
        )
    )


@dataclass(frozen=True)
class ListFilter:
    q: str = ""  # serial or part of the holder's name
    status: str = ""  # valid | revoked | expired | ""
    limit: int = 200


def list_certificates(
    session: Session, actor: User | None, flt: ListFilter, today: date
) -> list[Certificate]:
    """The certificates the actor manages (access.managed_certificates), newest first."""
    stmt = select(Certificate)
    rule = access.managed_certificates(session, actor)
    if rule is not None:
        stmt = stmt.where(rule)
    if flt.q.strip():
        text = nfc(flt.q)
        stmt = stmt.where(
            (Certificate.serial == text.upper()) | Certificate.holder_name.contains(text, autoescape=True)
        )
    if flt.status == "revoked":
        stmt = stmt.where(Certificate.status == inline("revoked"))
    elif flt.status == "expired":
        stmt = stmt.where(Certificate.status == inline("valid"), Certificate.expiry_date < today)
    elif flt.status == "valid":
        stmt = stmt.where(
            Certificate.status == inline("valid"),
            (Certificate.expiry_date.is_(None)) | (Certificate.expiry_date >= today),
        )
    return list(session.scalars(stmt.order_by(Certificate.id.desc()).limit(flt.limit)))


def class_certificates(
    session: Session, actor: User | None, class_id: int
) -> tuple[TrainingClass, list[Certificate]]:
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise NotFound("Không tìm thấy lớp học.")
    access.require_view_class(session, actor, training_class)
    certs = session.scalars(
        select(Certificate).where(Certificate.class_id == class_id).order_by(Certificate.serial)
    ).all()
    return training_class, list(certs)


def class_zip(
    session: Session, actor: User | None, class_id: int, instance_path: str | Path
) -> tuple[str, bytes]:
    """The class's valid certificates' stored PDFs in one ZIP (stored, not recompressed: PDFs are)."""
    training_class, certs = class_certificates(session, actor, class_id)
    certs = [c for c in certs if c.status == "valid"]
    if not certs:
        raise NotFound("Lớp này chưa có chứng chỉ nào để tải về.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for cert in certs:
            archive.writestr(
                f"{cert.serial}.pdf", storage.read_pdf(instance_path, cert.pdf_path, cert.pdf_sha256)
            )
    safe_code = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in training_class.code)
    return f"chung-chi-{safe_code}.zip", buffer.getvalue()


def revoke(session: Session, actor: User | None, serial: str, reason: str, now: datetime) -> Certificate:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Hãy nhập lý do thu hồi.")
    cert = get_by_serial(session, serial)
    access.require_manage_certificate(session, actor, cert)
    if cert.status == "revoked":
        raise Conflict(f"Chứng chỉ {cert.serial} đã bị thu hồi trước đó.")
    cert.status = "revoked"
    cert.revoked_at = now
    cert.revoked_reason = reason[:1000]
    cert.revoked_by_id = actor.id if actor else None
    session.flush()
    standing.refresh(session, [cert.officer_id], local_date(now))
    audit(session, actor, "certificate.revoke", "certificate", cert.serial, reason=cert.revoked_reason)
    return cert


def reissue(session: Session, actor: User | None, serial: str, reason: str, issuer: Issuer) -> Certificate:
    """After a correction in the registry (e.g. the name): a new serial with the holder as the registry now
    has it; the old certificate is revoked with the reason and linked from the new one (replaces_id)."""
    old = get_by_serial(session, serial)
    if old.status == "revoked":
        raise Conflict(f"Chứng chỉ {old.serial} đã bị thu hồi; không cấp lại từ chứng chỉ đã thu hồi.")
    officer = session.get(Officer, old.officer_id)
    revoke(
        session, actor, serial, f"Cấp lại: {' '.join((reason or '').split())}" if reason else "", issuer.now
    )
    ctype = session.get(CertificateType, old.type_id)
    training_class = session.get(TrainingClass, old.class_id) if old.class_id else None
    printed = eligibility.Printed(old.course_title, old.class_code, old.hours)
    new = _create(
        session, actor, ctype, officer, training_class, printed, old.result, issuer, old.expiry_date, old
    )
    audit(session, actor, "certificate.reissue", "certificate", new.serial, replaces=old.serial)
    return new
