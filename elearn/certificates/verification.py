"""Verifying a certificate from its QR token or its serial, and logging every verification.

A token is "invalid" when its signature does not hold, when its serial is unknown, or when its signed fields
differ from the issued certificate; otherwise revoked, expired or valid from the database. Cheap on purpose:
the key ring comes from the per-process cache and the certificate from one indexed query.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import Session

from elearn.certificates import keys
from elearn.certificates.lifecycle import STATUS_LABELS, status_of
from elearn.certificates.models import Certificate, CertificateType, VerificationLog
from elearn.certificates.tokens import InvalidToken, TokenRecord, parse_and_verify
from elearn.db import begin_writes
from elearn.officers.models import search_key
from elearn.orgs.models import OrgUnit

HEADLINES = {
    "valid": "Chứng chỉ hợp lệ",
    "revoked": "Chứng chỉ đã bị thu hồi",
    "expired": "Chứng chỉ đã hết hạn",
    "invalid": "Chứng chỉ không hợp lệ",
}
NO_MATCH = "Không tìm thấy chứng chỉ khớp số hiệu và thông tin đã nhập."
_SIGNATURE_RETRY_AGE = 5.0  # seconds: how stale the cached key ring may be before a failed check reloads it

_COLUMNS = (
    Certificate.serial,
    Certificate.holder_name,
    Certificate.holder_dob,
    Certificate.issue_date,
    Certificate.expiry_date,
    Certificate.status,
    Certificate.revoked_at,
    Certificate.course_title,
    Certificate.class_code,
    CertificateType.code,
    CertificateType.name,
    OrgUnit.name,
)


@dataclass
class Verification:
    status: str  # valid | revoked | expired | invalid
    message: str = ""  # why invalid, in Vietnamese
    fields: dict = field(default_factory=dict)  # what a verifier compares with the paper
    revoked_at: datetime | None = None
    heading: str = ""  # the page's h1 when the status's own would mislead

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def headline(self) -> str:
        return self.heading or HEADLINES[self.status]

    def as_json(self) -> dict:
        data = {"status": self.status, "label": self.label}
        if self.message:
            data["message"] = self.message
        for key, value in self.fields.items():
            data[key] = value.isoformat() if isinstance(value, date) else value
        # not the revocation's reason: free text from staff, for the holder and staff, not the public
        if self.status == "revoked":
            data["revoked_at"] = self.revoked_at.isoformat() if self.revoked_at else None
        return data


# Built once: a verification is one indexed lookup by serial with no per-request statement building.
_BY_SERIAL = (
    select(*_COLUMNS)
    .join(CertificateType, CertificateType.id == Certificate.type_id)
    .join(OrgUnit, OrgUnit.id == Certificate.issuing_unit_id)
    .where(Certificate.serial == bindparam("serial"))
)
_LOG = insert(VerificationLog)


def _row(db: Session | Connection, serial: str):
    # Plain rows (the ORM's result processing cost a third of the page), on the Core connection the public
    # pages use (elearn.db.connect) or on a session's connection.
    connection = db.connection() if isinstance(db, Session) else db
    return connection.execute(_BY_SERIAL, {"serial": serial}).one_or_none()


def _fields(row) -> dict:
    return {
        "serial": row[0],
        "holder_name": row[1],
        "date_of_birth": row[2],
        "type_code": row[9],
        "type_name": row[10],
        "course_title": row[7],
        "class_code": row[8],
        "issue_date": row[3],
        "expiry_date": row[4],
        "issuing_unit": row[11],
    }


def _token_fields(record: TokenRecord) -> dict:
    return {
        "serial": record.serial,
        "holder_name": record.holder_name,
        "date_of_birth": record.date_of_birth,
        "type_code": record.type_code,
        "issue_date": record.issue_date,
        "expiry_date": record.expiry_date,
        "key_id": record.key_id,
    }


def _from_row(row, today: date) -> Verification:
    status = status_of(row[5], row[4], today)
    return Verification(status, fields=_fields(row), revoked_at=row[6])


def check_signature(session: Session | Connection, token: str) -> TokenRecord:
    """parse_and_verify against the cached key ring, reloading it once if it may be stale."""
    try:
        return parse_and_verify(token, keys.public_keys(session))
    except InvalidToken as error:
        stale = error.reason == "unknown_key" or (
            error.reason == "signature" and keys.cache_age(session) > _SIGNATURE_RETRY_AGE
        )
        if not stale:
            raise
    return parse_and_verify(token, keys.public_keys(session, refresh=True))


def _verify_token(session: Session | Connection, token: str, today: date) -> Verification:
    try:
        record = check_signature(session, token)
    except InvalidToken as error:
        return Verification("invalid", error.message)
    row = _row(session, record.serial)
    if row is None:
        return Verification(
            "invalid", "Chữ ký hợp lệ nhưng không có chứng chỉ nào mang số hiệu này.", _token_fields(record)
        )
    signed = (
        record.holder_name,
        record.date_of_birth,
        record.type_code,
        record.issue_date,
        record.expiry_date,
    )
    if signed != (row[1], row[2], row[9], row[3], row[4]):
        return Verification(
            "invalid", "Thông tin trong mã QR không khớp với chứng chỉ đã cấp.", _token_fields(record)
        )
    result = _from_row(row, today)
    result.fields["key_id"] = record.key_id
    return result


class _LogBuffer:
    """Log rows of this process not yet written. Idle, every row is written at once; under load rows are
    written together at most every `max_delay` seconds (or 64 at a time), so that the workers do not queue
    for SQLite's write lock once per verification. Nothing here is shared between processes."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.last = float("-inf")
        self.lock = threading.Lock()

    def take(self, row: dict, max_delay: float) -> list[dict]:
        with self.lock:
            self.rows.append(row)
            now = time.monotonic()
            if max_delay > 0 and len(self.rows) < 64 and now - self.last < max_delay:
                return []
            rows, self.rows, self.last = self.rows, [], now
            return rows


_buffer = _LogBuffer()


def log(session: Session, channel: str, result: Verification, now: datetime, max_delay: float = 0.0) -> bool:
    """Record a verification: channel web | api | serial, the status and the serial; nothing about the
    verifier. Returns True when rows were written (the caller commits). The insert must begin its own
    transaction (see public_views), so that on SQLite it waits for the write lock instead of failing on a
    stale read snapshot."""
    row = {"at": now, "channel": channel, "status": result.status, "serial": result.fields.get("serial")}
    rows = _buffer.take(row, max_delay)
    if rows:
        begin_writes()
        session.execute(_LOG, rows)
    return bool(rows)


def verify_token(session: Session | Connection, token: str, today: date) -> Verification:
    return _verify_token(session, token, today)


def verify_serial(
    session: Session | Connection,
    serial: str,
    today: date,
    *,
    holder_name: str = "",
    date_of_birth: date | None = None,
) -> Verification:
    """The certificate only when the holder's name (compared without accents, case or extra spaces) and/or
    date of birth given from the paper match too: serials are sequential, so a serial alone must not show
    who holds it. An unknown serial and a wrong detail give the same answer."""
    serial = serial.strip().upper()[:40]
    name = search_key(holder_name or "")
    row = _row(session, serial) if serial else None
    matches = (
        row is not None
        and (bool(name) or date_of_birth is not None)
        and (not name or search_key(row[1]) == name)
        and (date_of_birth is None or row[2] == date_of_birth)
    )
    if not matches:
        return Verification("invalid", NO_MATCH, heading="Không tìm thấy chứng chỉ")
    return _from_row(row, today)
