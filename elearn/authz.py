"""Authorization rules shared by services and views.

Services call these with the acting user; views only declare which roles may open them (see
`elearn.web.roles_required`), so a hidden button is never the only guard.
"""

from __future__ import annotations

from sqlalchemy import String, and_, bindparam
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.errors import Forbidden
from elearn.orgs.models import OrgUnit


def require_role(actor: User | None, *roles: Role) -> User:
    if actor is None or not actor.is_active or not actor.has_role(*roles):
        raise Forbidden()
    return actor


def scope_root(session: Session, actor: User) -> OrgUnit | None:
    """The unit whose subtree `actor` may manage; None means the whole tree (admin)."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    if actor.has_role(Role.ADMIN):
        return None
    if actor.unit_id is None:
        raise Forbidden("Tài khoản cán bộ đơn vị chưa được gán đơn vị.")
    return session.get(OrgUnit, actor.unit_id)


def in_subtree(root: OrgUnit):
    """SQL condition: OrgUnit lies in root's subtree. Paths hold only digits and '/', all below '~'."""
    return path_in_subtree(OrgUnit.path, root.path)


def path_in_subtree(path_col, root_path: str):
    """The subtree condition on a path column. The bounds are written into the SQL text (literal_execute),
    not sent as parameters: a CĐCS and a whole federation need different plans, and PostgreSQL would
    otherwise settle on one generic plan for a prepared statement (3x slower for one or the other).
    Paths hold only digits and '/'."""
    low = bindparam(None, root_path, type_=String, literal_execute=True)
    high = bindparam(None, root_path + "~", type_=String, literal_execute=True)
    return and_(path_col >= low, path_col < high)


def unit_in_scope(session: Session, actor: User, unit: OrgUnit) -> bool:
    root = scope_root(session, actor)
    return root is None or unit.path.startswith(root.path)


def require_unit(session: Session, actor: User, unit: OrgUnit) -> OrgUnit:
    if not unit_in_scope(session, actor, unit):
        raise Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn.")
    return unit
