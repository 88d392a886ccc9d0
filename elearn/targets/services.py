"""Targets and class quotas: who may set them, and the rules they follow. Every function checks the actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.authz import require_role, scope_root, unit_in_scope
from elearn.certificates.models import CertificateType
from elearn.classes.models import FUNDING_SOURCES
from elearn.courses.models import Course, Programme
from elearn.errors import Forbidden, NotFound, ValidationError
from elearn.officers.models import PositionTitle
from elearn.orgs.models import OrgUnit, Sector, Term
from elearn.targets.models import MEASURES, ClassQuota, Target


def ancestor_ids(unit: OrgUnit) -> list[int]:
    """The unit and its ancestors, from the materialised path."""
    return [int(x) for x in unit.path.strip("/").split("/")]


def get_unit(session: Session, actor: User, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    if not unit_in_scope(session, actor, unit):
        raise Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn.")
    return unit


def targets_for_unit(session: Session, actor: User, unit: OrgUnit) -> list[Target]:
    """Targets that apply at `unit`: those of every ancestor (set higher up first) and its own."""
    get_unit(session, actor, unit.id)
    return list(
        session.scalars(
            select(Target)
            .join(OrgUnit, OrgUnit.id == Target.scope_unit_id)
            .where(Target.scope_unit_id.in_(ancestor_ids(unit)))
            .order_by(OrgUnit.depth, Target.deadline, Target.id)
        )
    )


def get_target(session: Session, actor: User, target_id: int, unit: OrgUnit | None = None) -> Target:
    """A target the actor may see, at `unit` (which it must cover) or at the actor's part of its scope."""
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound("Không tìm thấy chỉ tiêu.")
    if unit is not None:
        get_unit(session, actor, unit.id)
        if not unit.path.startswith(target.scope_unit.path):
            raise NotFound("Chỉ tiêu này không áp dụng cho đơn vị đã chọn.")
        return target
    root = scope_root(session, actor)
    if root is not None and not (
        root.path.startswith(target.scope_unit.path) or target.scope_unit.path.startswith(root.path)
    ):
        raise Forbidden("Chỉ tiêu này không áp dụng trong phạm vi của bạn.")
    return target


@dataclass
class TargetData:
    name: str
    scope_unit_id: int
    deadline: date
    required_percent: int = 100
    measure: str = "certificate"
    certificate_type_id: int | None = None
    course_id: int | None = None
    programme_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    title_ids: list[int] = field(default_factory=list)
    full_time: bool | None = None
    sector_ids: list[int] = field(default_factory=list)
    min_member_count: int | None = None
    term_id: int | None = None
    newly_added: bool = False


def _check(session: Session, actor: User, data: TargetData) -> TargetData:
    name = " ".join((data.name or "").split())
    if not name:
        raise ValidationError("Tên chỉ tiêu không được để trống.")
    unit = session.get(OrgUnit, data.scope_unit_id)
    if unit is None or not unit_in_scope(session, actor, unit):
        raise Forbidden("Chỉ được đặt chỉ tiêu cho đơn vị trong phạm vi quản lý của bạn.")
    if not 0 <= data.required_percent <= 100:
        raise ValidationError("Tỷ lệ phải đạt phải từ 0 đến 100%.")
    if data.measure not in MEASURES:
        raise ValidationError("Tiêu chí tính đạt không hợp lệ.")
    needed = {
        "certificate": (CertificateType, data.certificate_type_id, "loại chứng chỉ"),
        "course": (Course, data.course_id, "chuyên đề"),
        "programme": (Programme, data.programme_id, "chương trình"),
    }[data.measure]
    if needed[1] is None or session.get(needed[0], needed[1]) is None:
        raise ValidationError(f"Hãy chọn {needed[2]} để tính đạt.")
    if data.period_start and data.period_end and data.period_end < data.period_start:
        raise ValidationError("Ngày kết thúc kỳ tính phải sau ngày bắt đầu.")
    if data.min_member_count is not None and data.min_member_count < 0:
        raise ValidationError("Số đoàn viên tối thiểu không được âm.")
    titles = set(session.scalars(select(PositionTitle.id).where(PositionTitle.id.in_(data.title_ids))))
    sectors = set(session.scalars(select(Sector.id).where(Sector.id.in_(data.sector_ids))))
    if titles != set(data.title_ids) or sectors != set(data.sector_ids):
        raise ValidationError("Chức danh hoặc khu vực không hợp lệ.")
    if data.term_id is not None and session.get(Term, data.term_id) is None:
        raise ValidationError("Nhiệm kỳ không hợp lệ.")
    keep = {"certificate": "certificate_type_id", "course": "course_id", "programme": "programme_id"}
    cleaned = TargetData(**{**vars(data), "name": name})
    for measure, attr in keep.items():
        if measure != data.measure:
            setattr(cleaned, attr, None)
    if data.measure == "certificate":
        cleaned.period_start = cleaned.period_end = None
    cleaned.title_ids = sorted(titles)
    cleaned.sector_ids = sorted(sectors)
    return cleaned


def create_target(session: Session, actor: User, data: TargetData) -> Target:
    require_role(actor, Role.STAFF, Role.ADMIN)
    data = _check(session, actor, data)
    target = Target(**vars(data), created_by_id=actor.id)
    session.add(target)
    session.flush()
    record(session, actor, "target.create", "target", str(target.id), name=target.name)
    session.flush()
    return target


def update_target(session: Session, actor: User, target_id: int, data: TargetData) -> Target:
    require_role(actor, Role.STAFF, Role.ADMIN)
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound("Không tìm thấy chỉ tiêu.")
    if not unit_in_scope(session, actor, target.scope_unit):
        raise Forbidden("Chỉ tiêu do đơn vị cấp trên đặt; bạn không sửa được.")
    data = _check(session, actor, data)
    for name, value in vars(data).items():
        setattr(target, name, value)
    record(session, actor, "target.update", "target", str(target.id), name=target.name)
    session.flush()
    return target


def delete_target(session: Session, actor: User, target_id: int) -> None:
    require_role(actor, Role.STAFF, Role.ADMIN)
    target = session.get(Target, target_id)
    if target is None:
        raise NotFound("Không tìm thấy chỉ tiêu.")
    if not unit_in_scope(session, actor, target.scope_unit):
        raise Forbidden("Chỉ tiêu do đơn vị cấp trên đặt; bạn không xóa được.")
    record(session, actor, "target.delete", "target", str(target.id), name=target.name)
    session.delete(target)
    session.flush()


def editable_target(session: Session, actor: User, target_id: int) -> Target:
    """A target the actor may change: set by a unit inside their scope."""
    target = get_target(session, actor, target_id)
    if not unit_in_scope(session, actor, target.scope_unit):
        raise Forbidden("Chỉ tiêu do đơn vị cấp trên đặt; bạn không sửa được.")
    return target


def editable(session: Session, actor: User, target: Target) -> bool:
    return unit_in_scope(session, actor, target.scope_unit)


def quota_units(session: Session, actor: User) -> list[OrgUnit]:
    """Units the actor may hand quotas to: below their own unit (admin: any unit below the top)."""
    root = scope_root(session, actor)
    stmt = select(OrgUnit).where(OrgUnit.parent_id.is_not(None)).order_by(OrgUnit.path)
    if root is not None:
        stmt = stmt.where(OrgUnit.path > root.path, OrgUnit.path < root.path + "~")
    return list(session.scalars(stmt.where(OrgUnit.depth <= (root.depth if root else 0) + 2)))


def set_quota(
    session: Session,
    actor: User,
    *,
    unit_id: int,
    year: int,
    funding_source: str,
    planned_classes: int,
    planned_learners: int,
) -> ClassQuota:
    """Creates or replaces the plan of a unit below the actor's own unit for a year and funding source."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    root = scope_root(session, actor)
    if not unit_in_scope(session, actor, unit) or (root is not None and unit.id == root.id):
        raise Forbidden("Chỉ giao chỉ tiêu lớp cho đơn vị trực thuộc đơn vị của bạn.")
    if funding_source not in FUNDING_SOURCES:
        raise ValidationError("Nguồn kinh phí không hợp lệ.")
    if planned_classes < 0 or planned_learners < 0:
        raise ValidationError("Số lớp và số học viên không được âm.")
    if not 2000 <= year <= 2100:
        raise ValidationError("Năm không hợp lệ.")
    quota = session.scalar(
        select(ClassQuota).where(
            ClassQuota.unit_id == unit.id,
            ClassQuota.year == year,
            ClassQuota.funding_source == funding_source,
        )
    )
    if quota is None:
        quota = ClassQuota(unit_id=unit.id, year=year, funding_source=funding_source)
        session.add(quota)
    quota.planned_classes = planned_classes
    quota.planned_learners = planned_learners
    quota.created_by_id = actor.id
    record(
        session,
        actor,
        "quota.set",
        "org_unit",
        unit.code,
        year=year,
        funding_source=funding_source,
        classes=planned_classes,
        learners=planned_learners,
    )
    session.flush()
    return quota
