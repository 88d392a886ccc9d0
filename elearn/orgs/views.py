"""The organisation tree within the viewer's scope: browsing, adding and editing units; terms."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.authz import scope_root
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.orgs.forms import NewUnitForm, TermForm, UnitForm
from elearn.orgs.services import (
    UnitData,
    add_child_unit,
    all_kinds,
    all_sectors,
    all_terms,
    ancestors,
    children_with_counts,
    create_term,
    default_unit_for,
    get_unit_for,
    subtree_count,
    update_unit,
)
from elearn.web import choices, roles_required, today

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


def _unit_form_choices(form: UnitForm, db) -> None:
    form.kind_id.choices = choices((k.id, k.name) for k in all_kinds(db))
    form.sector_id.choices = choices([(0, "— Không xác định —")] + [(s.id, s.name) for s in all_sectors(db)])


def _unit_data(form: UnitForm) -> UnitData:
    return UnitData(
        name=form.name.data,
        kind_id=form.kind_id.data,
        sector_id=form.sector_id.data or None,
        member_count=form.member_count.data or 0,
        valid_from=form.valid_from.data,
        valid_to=form.valid_to.data,
        successor_code=form.successor_code.data,
        serial_prefix=form.serial_prefix.data,
    )


@bp.route("/<int:unit_id>/new", methods=["GET", "POST"])
@roles_required(Role.STAFF, Role.ADMIN)
def new_child(unit_id: int):
    db = get_session()
    parent = get_unit_for(db, current_user, unit_id)
    form = NewUnitForm()
    _unit_form_choices(form, db)
    if form.validate_on_submit():
        try:
            unit = add_child_unit(db, current_user, parent.id, form.code.data, _unit_data(form))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã thêm đơn vị.", "success")
            return redirect(url_for("orgs.detail", unit_id=unit.id))
    return render_template("orgs/unit_form.html", form=form, parent=parent, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF, Role.ADMIN)
def edit(unit_id: int):
    db = get_session()
    unit = get_unit_for(db, current_user, unit_id)
    form = UnitForm(obj=unit)
    _unit_form_choices(form, db)
    if request.method == "GET":
        form.sector_id.data = unit.sector_id or 0
        form.successor_code.data = unit.successor.code if unit.successor else ""
    if form.validate_on_submit():
        try:
            update_unit(db, current_user, unit.id, _unit_data(form))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã lưu thông tin đơn vị.", "success")
            return redirect(url_for("orgs.detail", unit_id=unit.id))
    return render_template("orgs/unit_form.html", form=form, parent=unit.parent, unit=unit)


@bp.route("/terms", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def terms():
    db = get_session()
    form = TermForm()
    form.level.choices = choices([(0, "Mọi cấp")] + [(k, f"Cấp {k}") for k in range(1, 5)])
    if form.validate_on_submit():
        try:
            create_term(
                db,
                current_user,
                form.code.data,
                form.name.data or "",
                form.start_date.data,
                form.end_date.data,
                form.level.data or None,
            )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã thêm nhiệm kỳ.", "success")
            return redirect(url_for("orgs.terms"))
    return render_template("orgs/terms.html", form=form, terms=all_terms(db))
