"""Certificate types (admin): what a certificate is for, who issues and signs it, how long it is valid."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.audit.services import record as audit
from elearn.authz import require_role
from elearn.certificates.models import Certificate, CertificateType
from elearn.courses.models import Course, Programme
from elearn.errors import Conflict, NotFound, ValidationError
from elearn.orgs.models import OrgUnit

_CODE = re.compile(r"[A-Z0-9][A-Z0-9_.-]{0,39}")


@dataclass(frozen=True)
class TypeData:
    code: str
    name: str
    programme_id: int | None
    course_id: int | None
    validity_months: int | None
    issuing_unit_id: int
    signer_name: str
    signer_title: str
    place: str


def all_types(session: Session) -> list[CertificateType]:
    return list(session.scalars(select(CertificateType).order_by(CertificateType.name)))


def get_type(session: Session, type_id: int) -> CertificateType:
    ctype = session.get(CertificateType, type_id)
    if ctype is None:
        raise NotFound("Không tìm thấy loại chứng chỉ.")
    return ctype


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _check(session: Session, data: TypeData, type_id: int | None) -> TypeData:
    code = (data.code or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise ValidationError(
            "Mã loại chứng chỉ chỉ gồm chữ in hoa không dấu, chữ số, «-», «_», «.» (tối đa 40)."
        )
    other = session.scalar(select(CertificateType.id).where(CertificateType.code == code))
    if other is not None and other != type_id:
        raise Conflict(f"Đã có loại chứng chỉ mã {code}.")
    if (data.programme_id is None) == (data.course_id is None):
        raise ValidationError("Chọn đúng một: chương trình hoặc chuyên đề.")
    if data.programme_id is not None and session.get(Programme, data.programme_id) is None:
        raise NotFound("Không tìm thấy chương trình.")
    if data.course_id is not None and session.get(Course, data.course_id) is None:
        raise NotFound("Không tìm thấy chuyên đề.")
    unit = session.get(OrgUnit, data.issuing_unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị cấp.")
    if not unit.serial_prefix:
        raise ValidationError(f"Đơn vị «{unit.name}» chưa có tiền tố số hiệu nên chưa cấp chứng chỉ được.")
    if data.validity_months is not None and not 1 <= data.validity_months <= 600:
        raise ValidationError("Thời hạn hiệu lực phải từ 1 đến 600 tháng (để trống: không thời hạn).")
    for label, value in (
        ("Tên", data.name),
        ("Người ký", data.signer_name),
        ("Chức vụ người ký", data.signer_title),
        ("Nơi cấp", data.place),
    ):
        if not _clean(value):
            raise ValidationError(f"Mục «{label}» không được để trống.")
    return TypeData(
        code,
        _clean(data.name),
        data.programme_id,
        data.course_id,
        data.validity_months,
        unit.id,
        _clean(data.signer_name),
        _clean(data.signer_title),
        _clean(data.place),
    )


def create_type(session: Session, actor: User | None, data: TypeData) -> CertificateType:
    if actor is not None:
        require_role(actor, Role.ADMIN)
    data = _check(session, data, None)
    ctype = CertificateType(**data.__dict__)
    session.add(ctype)
    session.flush()
    audit(session, actor, "certificate_type.create", "certificate_type", ctype.id, code=ctype.code)
    return ctype


def update_type(session: Session, actor: User | None, type_id: int, data: TypeData) -> CertificateType:
    """Changes apply to certificates issued from now on; issued ones keep their printed snapshot."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    ctype = get_type(session, type_id)
    data = _check(session, data, type_id)
    if data.code != ctype.code and session.scalar(
        select(Certificate.id).where(Certificate.type_id == ctype.id).limit(1)
    ):
        raise Conflict("Loại chứng chỉ đã được cấp nên không đổi mã được (mã nằm trong mã QR đã in).")
    for key, value in data.__dict__.items():
        setattr(ctype, key, value)
    session.flush()
    audit(session, actor, "certificate_type.update", "certificate_type", ctype.id, code=ctype.code)
    return ctype
