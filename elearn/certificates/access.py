"""Who may see, issue and revoke which certificates (services call these with the acting user).

`actor=None` is the command line: whoever runs `flask --app app ...` on the server is trusted.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.authz import in_subtree, scope_root
from elearn.certificates.models import Certificate
from elearn.classes.models import ClassTrainer, TrainingClass
from elearn.errors import Forbidden
from elearn.orgs.models import OrgUnit


def _units_in_scope(session: Session, actor: User, unit_ids: list[int | None]) -> bool:
    root = scope_root(session, actor)
    if root is None:
        return True
    for unit_id in unit_ids:
        unit = session.get(OrgUnit, unit_id) if unit_id else None
        if unit is not None and unit.path.startswith(root.path):
            return True
    return False


def is_class_trainer(session: Session, actor: User, class_id: int | None) -> bool:
    if class_id is None or not actor.has_role(Role.TRAINER):
        return False
    return (
        session.scalar(
            select(ClassTrainer.id).where(ClassTrainer.class_id == class_id, ClassTrainer.user_id == actor.id)
        )
        is not None
    )


def can_manage_units(session: Session, actor: User | None, *unit_ids: int | None) -> bool:
    if actor is None:
        return True
    if not actor.is_active or not actor.has_role(Role.STAFF, Role.ADMIN):
        return False
    return _units_in_scope(session, actor, list(unit_ids))


def require_manage(session: Session, actor: User | None, *unit_ids: int | None) -> None:
    """Staff of one of these units' subtrees, or admin: may issue (the type's issuing unit, the class's unit).
    Issued certificates follow `managed_certificates`."""
    if not can_manage_units(session, actor, *unit_ids):
        raise Forbidden("Chứng chỉ này thuộc đơn vị ngoài phạm vi quản lý của bạn.")


def managed_certificates(session: Session, actor: User | None) -> ColumnElement[bool] | None:
    """The one rule for which issued certificates an actor manages (lists, opens, revokes, re-issues), as a
    condition on Certificate: staff, those issued by a unit of their subtree or for a class one of its units
    organised (a city federation issues for the classes of its branches); None for admins and the command
    line (all); false for everyone else."""
    if actor is None:
        return None
    if not actor.is_active or not actor.has_role(Role.STAFF, Role.ADMIN):
        return false()
    root = scope_root(session, actor)
    if root is None:
        return None
    return or_(
        Certificate.issuing_unit_id.in_(select(OrgUnit.id).where(in_subtree(root))),
        Certificate.class_id.in_(
            select(TrainingClass.id)
            .join(OrgUnit, OrgUnit.id == TrainingClass.unit_id)
            .where(in_subtree(root))
        ),
    )


def can_manage(session: Session, actor: User | None, cert: Certificate) -> bool:
    if actor is not None and (not actor.is_active or not actor.has_role(Role.STAFF, Role.ADMIN)):
        return False
    rule = managed_certificates(session, actor)
    if rule is None:
        return True
    return session.scalar(select(Certificate.id).where(Certificate.id == cert.id, rule)) is not None


def require_manage_certificate(session: Session, actor: User | None, cert: Certificate) -> None:
    if not can_manage(session, actor, cert):
        raise Forbidden("Chứng chỉ này thuộc đơn vị ngoài phạm vi quản lý của bạn.")


def can_view(session: Session, actor: User | None, cert: Certificate) -> bool:
    if actor is None:
        return True
    if not actor.is_active:
        return False
    if actor.has_role(Role.OFFICER):
        return actor.officer_id is not None and actor.officer_id == cert.officer_id
    if actor.has_role(Role.TRAINER):
        return is_class_trainer(session, actor, cert.class_id)
    return can_manage(session, actor, cert)


def require_view(session: Session, actor: User | None, cert: Certificate) -> Certificate:
    if not can_view(session, actor, cert):
        raise Forbidden("Bạn không có quyền xem chứng chỉ này.")
    return cert


def can_view_class(session: Session, actor: User | None, training_class: TrainingClass) -> bool:
    if actor is None:
        return True
    if actor.has_role(Role.TRAINER):
        return is_class_trainer(session, actor, training_class.id)
    return can_manage_units(session, actor, training_class.unit_id)


def require_view_class(session: Session, actor: User | None, training_class: TrainingClass) -> None:
    if not can_view_class(session, actor, training_class):
        raise Forbidden("Bạn không phụ trách lớp này.")
