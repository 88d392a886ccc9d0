"""Browsing the organisation tree within the viewer's scope."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.authz import scope_root
from elearn.db import get_session
from elearn.orgs.services import (
    ancestors,
    children_with_counts,
    default_unit_for,
    get_unit_for,
    subtree_count,
)
from elearn.web import roles_required, today

bp = Blueprint("orgs", __name__, url_prefix="/units")


@bp.route("/")
@roles_required(Role.STAFF, Role.ADMIN)
def index():
    unit = default_unit_for(get_session(), current_user)
    return redirect(url_for("orgs.detail", unit_id=unit.id))


@bp.route("/<int:unit_id>")
@roles_required(Role.STAFF, Role.ADMIN)
def detail(unit_id: int):
    db = get_session()
    unit = get_unit_for(db, current_user, unit_id)
    root = scope_root(db, current_user)
    trail = [u for u in ancestors(db, unit) if root is None or u.path.startswith(root.path)]
    return render_template(
        "orgs/detail.html",
        unit=unit,
        trail=trail,
        unit_count=subtree_count(db, unit),
        children=children_with_counts(db, unit, today()),
    )
