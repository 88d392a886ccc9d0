"""Organisation tree operations. Subtree queries are single SQL statements over the materialised path."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.authz import in_subtree, require_role, require_unit, scope_root
from elearn.errors import Conflict, Forbidden, NotFound, ValidationError
from elearn.officers.models import Position
from elearn.orgs.models import OrgUnit, Sector, Term, UnitKind


def create_unit(
    session: Session,
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: OrgUnit | None = None,
    sector: Sector | None = None,
    member_count: int = 0,
    valid_from: date | None = None,
    valid_to: date | None = None,
    serial_prefix: str | None = None,
) -> OrgUnit:
    code = code.strip().upper()
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)):
        raise Conflict(f"Mã đơn vị {code} đã tồn tại.")
    if member_count < 0:
        raise ValidationError("Số đoàn viên không được âm.")
    unit = OrgUnit(
        code=code,
        name=name.strip(),
        kind=kind,
        parent=parent,
        sector=sector,
        member_count=member_count,
        valid_from=valid_from,
        valid_to=valid_to,
        serial_prefix=serial_prefix,
        path=f"tmp-{uuid.uuid4().hex}",  # replaced once the id is known
        depth=0 if parent is None else parent.depth + 1,
    )
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def subtree_ids(session: Session, root: OrgUnit):
    """A select of the ids of root's subtree, for use inside other queries."""
    return select(OrgUnit.id).where(in_subtree(root))


def subtree_count(session: Session, root: OrgUnit) -> int:
    return session.scalar(select(func.count()).select_from(OrgUnit).where(in_subtree(root)))


def ancestors(session: Session, unit: OrgUnit) -> list[OrgUnit]:
    ids = [int(x) for x in unit.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    by_id = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    return [by_id[i] for i in ids]


@dataclass(frozen=True)
class ChildSummary:
    unit: OrgUnit
    subtree_units: int
    officers: int


def children_with_counts(session: Session, unit: OrgUnit, today: date) -> list[ChildSummary]:
    """Direct children, each with the number of units and current officers in its subtree (one query)."""
    child = OrgUnit.__table__.alias("child")
    descendant = OrgUnit.__table__.alias("descendant")
    officers = (
        select(func.count(func.distinct(Position.officer_id)))
        .join(descendant, descendant.c.id == Position.unit_id)
        .where(descendant.c.path >= child.c.path, descendant.c.path < child.c.path + "~")
        .where(Position.start_date <= today, or_(Position.end_date.is_(None), Position.end_date >= today))
        .correlate(child)
        .scalar_subquery()
    )
    units = (
        select(func.count())
        .select_from(descendant)
        .where(descendant.c.path >= child.c.path, descendant.c.path < child.c.path + "~")
        .correlate(child)
        .scalar_subquery()
    )
    rows = session.execute(
        select(child.c.id, units, officers).where(child.c.parent_id == unit.id).order_by(child.c.name)
    ).all()
    by_id = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id))}
    return [ChildSummary(by_id[r[0]], r[1], r[2]) for r in rows]


def get_unit_for(session: Session, actor: User, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    return require_unit(session, actor, unit)


def default_unit_for(session: Session, actor: User) -> OrgUnit:
    root = scope_root(session, actor)
    if root is not None:
        return root
    top = session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id)).first()
    if top is None:
        raise NotFound("Chưa có đơn vị nào.")
    return top


def units_in_scope(session: Session, actor: User, *, max_depth: int | None = None) -> list[OrgUnit]:
    """Units the actor may pick from (forms, filters), in tree order."""
    root = scope_root(session, actor)
    stmt = select(OrgUnit).order_by(OrgUnit.path)
    if root is not None:
        stmt = stmt.where(in_subtree(root))
        if max_depth is not None:
            stmt = stmt.where(OrgUnit.depth <= root.depth + max_depth)
    elif max_depth is not None:
        stmt = stmt.where(OrgUnit.depth <= max_depth)
    return list(session.scalars(stmt))


def find_unit_by_code(session: Session, code: str) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code.strip().upper()))


def current_term(session: Session, today: date, level: int | None = None) -> Term | None:
    """The term running on `today` for a unit level (the newest if several overlap)."""
    stmt = select(Term).where(Term.start_date <= today, Term.end_date >= today)
    if level is not None:
        stmt = stmt.where(or_(Term.level == level, Term.level.is_(None)))
    return session.scalars(stmt.order_by(Term.start_date.desc())).first()


def all_terms(session: Session) -> list[Term]:
    return list(session.scalars(select(Term).order_by(Term.start_date.desc())))


def all_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(select(Sector).order_by(Sector.id)))


@dataclass
class UnitData:
    name: str
    kind_id: int
    sector_id: int | None
    member_count: int
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None = None
    serial_prefix: str | None = None


def _apply_unit_data(session: Session, actor: User, unit: OrgUnit, data: UnitData) -> dict:
    if session.get(UnitKind, data.kind_id) is None:
        raise ValidationError("Loại đơn vị không hợp lệ.")
    if data.sector_id is not None and session.get(Sector, data.sector_id) is None:
        raise ValidationError("Khu vực không hợp lệ.")
    if data.member_count < 0:
        raise ValidationError("Số đoàn viên không được âm.")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise ValidationError("Ngày kết thúc hoạt động phải sau ngày bắt đầu.")
    successor = None
    if data.successor_code:
        successor = find_unit_by_code(session, data.successor_code)
        if successor is None:
            raise ValidationError(
                f"Không có đơn vị mã {data.successor_code.strip().upper()} để làm đơn vị kế thừa."
            )
        if successor.id == unit.id or successor.path.startswith(unit.path):
            raise ValidationError("Đơn vị kế thừa không được là chính đơn vị này hoặc đơn vị trực thuộc nó.")
        require_unit(session, actor, successor)
    changes = {}
    values = {
        "name": " ".join(data.name.split()),
        "kind_id": data.kind_id,
        "sector_id": data.sector_id,
        "member_count": data.member_count,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "successor_id": successor.id if successor else None,
        "serial_prefix": (data.serial_prefix or "").strip().upper() or None,
    }
    if not values["name"]:
        raise ValidationError("Tên đơn vị không được để trống.")
    for key, value in values.items():
        if getattr(unit, key) != value:
            changes[key] = [str(getattr(unit, key)), str(value)]
            setattr(unit, key, value)
    return changes


def add_child_unit(session: Session, actor: User, parent_id: int, code: str, data: UnitData) -> OrgUnit:
    """Staff add units below units of their subtree; admins anywhere."""
    parent = get_unit_for(session, actor, parent_id)
    code = code.strip().upper()
    if not code:
        raise ValidationError("Mã đơn vị không được để trống.")
    kind = session.get(UnitKind, data.kind_id)
    if kind is None:
        raise ValidationError("Loại đơn vị không hợp lệ.")
    unit = create_unit(session, code=code, name=data.name, kind=kind, parent=parent)
    _apply_unit_data(session, actor, unit, data)
    record(session, actor, "unit.create", "org_unit", unit.code, parent=parent.code)
    session.flush()
    return unit


def update_unit(session: Session, actor: User, unit_id: int, data: UnitData) -> OrgUnit:
    """Edits a unit of the actor's subtree. Staff cannot edit their own scope root (its parent's staff do)."""
    unit = get_unit_for(session, actor, unit_id)
    root = scope_root(session, actor)
    if root is not None and root.id == unit.id:
        raise Forbidden("Thông tin của đơn vị bạn phụ trách do đơn vị cấp trên cập nhật.")
    changes = _apply_unit_data(session, actor, unit, data)
    if changes:
        record(session, actor, "unit.update", "org_unit", unit.code, changes=changes)
    session.flush()
    return unit


def all_kinds(session: Session) -> list[UnitKind]:
    return list(session.scalars(select(UnitKind).order_by(UnitKind.level, UnitKind.name)))


def create_term(
    session: Session, actor: User, code: str, name: str, start: date, end: date, level: int | None
):
    require_role(actor, Role.ADMIN)
    code = code.strip()
    if not re.fullmatch(r"\d{4}-\d{4}", code):
        raise ValidationError("Mã nhiệm kỳ có dạng 2025-2030.")
    if end <= start:
        raise ValidationError("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
    if session.scalar(select(Term.id).where(Term.code == code)):
        raise Conflict(f"Nhiệm kỳ {code} đã có.")
    term = Term(
        code=code,
        name=" ".join(name.split()) or f"Nhiệm kỳ {code}",
        start_date=start,
        end_date=end,
        level=level,
    )
    session.add(term)
    record(session, actor, "term.create", "term", code)
    session.flush()
    return term
