"""Who may see, issue and revoke which certificates (services call these with the acting user).

`actor=None` is the command line: whoever runs `flask --app app ...` on the server is trusted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.authz import scope_root
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
    """Staff of one of these units' subtrees, or admin: may issue, revoke, re-issue."""
    if not can_manage_units(session, actor, *unit_ids):
        raise Forbidden("Chứng chỉ này thuộc đơn vị ngoài phạm vi quản lý của bạn.")


def class_unit_id(session: Session, class_id: int | None) -> int | None:
    return (
        session.scalar(select(TrainingClass.unit_id).where(TrainingClass.id == class_id))
        if class_id
        else None
    )


def can_view(session: Session, actor: User | None, cert: Certificate) -> bool:
    if actor is None:
        return True
    if not actor.is_active:
        return False
    if actor.has_role(Role.OFFICER):
        return actor.officer_id is not None and actor.officer_id == cert.officer_id
    if actor.has_role(Role.TRAINER):
        return is_class_trainer(session, actor, cert.class_id)
    return can_manage_units(session, actor, cert.issuing_unit_id, class_unit_id(session, cert.class_id))


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
