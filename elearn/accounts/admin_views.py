"""Account administration: create accounts, change roles and units, reset passwords."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from elearn.accounts import services
from elearn.accounts.forms import ConfirmForm, UserCreateForm, UserEditForm
from elearn.accounts.models import Role
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit
from elearn.web import choices, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _unit_choices(db):
    units = db.scalars(select(OrgUnit).where(OrgUnit.depth <= 1).order_by(OrgUnit.path))
    return choices([(0, "— Không —")] + [(u.id, ("— " * u.depth) + u.name) for u in units])


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    q = request.args.get("q", "")
    return render_template("admin/users.html", users=services.list_users(get_session(), current_user, q), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    db = get_session()
    form = UserCreateForm()
    form.unit_id.choices = _unit_choices(db)
    if form.validate_on_submit():
        officer_id = None
        if form.officer_code.data:
            officer_id = db.scalar(
                select(Officer.id).where(Officer.code == form.officer_code.data.strip().upper())
            )
            if officer_id is None:
                flash("Không tìm thấy cán bộ có mã này.", "error")
                return render_template("admin/user_form.html", form=form, user=None), 422
        try:
            user = services.create_user(
                db,
                current_user,
                email=form.email.data,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                password=form.password.data,
                unit_id=form.unit_id.data or None,
                officer_id=officer_id,
            )
        except DomainError as exc:
            flash(exc.message, "error")
            return render_template("admin/user_form.html", form=form, user=None), 422
        db.commit()
        flash(
            f"Đã tạo tài khoản {user.email}. Người dùng sẽ phải đổi mật khẩu khi đăng nhập lần đầu.",
            "success",
        )
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    db = get_session()
    user = services.get_user(db, current_user, user_id)
    form = UserEditForm(obj=user)
    form.unit_id.choices = _unit_choices(db)
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
    if form.validate_on_submit():
        try:
            services.update_user(
                db,
                current_user,
                user.id,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                unit_id=form.unit_id.data or None,
                is_active=form.is_active.data,
            )
        except DomainError as exc:
            flash(exc.message, "error")
            return render_template(
                "admin/user_form.html", form=form, user=user, reset_form=ConfirmForm()
            ), 422
        db.commit()
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=ConfirmForm())


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required(Role.ADMIN)
def user_reset_password(user_id: int):
    ConfirmForm()
    db = get_session()
    temporary = services.reset_password(db, current_user, user_id)
    user = services.get_user(db, current_user, user_id)
    db.commit()
    return render_template("admin/reset_done.html", user=user, temporary=temporary)
