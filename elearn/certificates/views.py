"""Pages of signed-in users: my certificates, a certificate, class issuing, staff list, types (admin).

Public verification pages are in public_views.py (imported here so that both register on `bp`).
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.certificates import access, issuing, lifecycle, public_views, types
from elearn.certificates.blueprint import bp, issuer
from elearn.certificates.forms import IssueForm, ReasonForm, TypeForm
from elearn.courses.models import Course, Programme
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.orgs.services import units_in_scope
from elearn.web import choices, roles_required, today

__all__ = ["bp", "public_views"]
STAFF = (Role.STAFF, Role.ADMIN)
CLASS_PAGE = (Role.TRAINER, *STAFF)
ALL = (Role.OFFICER, Role.TRAINER, Role.STAFF, Role.ADMIN)


@bp.app_context_processor
def _helpers() -> dict:
    def my_certificates():
        if not current_user.is_authenticated or current_user.officer_id is None:
            return []
        return lifecycle.own_certificates(get_session(), current_user)

    def may_open_class_certificates(training_class) -> bool:
        """Whether class_page would let the current user in (for links to it)."""
        return (
            current_user.is_authenticated
            and current_user.has_role(*CLASS_PAGE)
            and access.can_view_class(get_session(), current_user, training_class)
        )

    return {
        "my_certificates": my_certificates,
        "may_open_class_certificates": may_open_class_certificates,
    }


@bp.route("/certificates/")
@roles_required(*STAFF)
def index():
    db = get_session()
    flt = lifecycle.ListFilter(q=request.args.get("q", "")[:100], status=request.args.get("status", ""))
    certs = lifecycle.list_certificates(db, current_user, flt, today())
    return render_template(
        "certificates/index.html", certs=certs, flt=flt, today=today(), status_of=lifecycle.status_of
    )


@bp.route("/certificates/mine")
@roles_required(Role.OFFICER)
def mine():
    certs = lifecycle.own_certificates(get_session(), current_user)
    return render_template(
        "certificates/mine.html", certs=certs, today=today(), status_of=lifecycle.status_of
    )


@bp.route("/certificates/<serial>")
@roles_required(*ALL)
def detail(serial: str):
    db = get_session()
    cert = lifecycle.get_for(db, current_user, serial)
    can_manage = access.can_manage(db, current_user, cert)
    return render_template(
        "certificates/detail.html",
        cert=cert,
        status=lifecycle.status_of(cert.status, cert.expiry_date, today()),
        labels=lifecycle.STATUS_LABELS,
        can_manage=can_manage,
        revoke_form=ReasonForm(prefix="revoke"),
        reissue_form=ReasonForm(prefix="reissue"),
    )


@bp.route("/certificates/<serial>/pdf")
@roles_required(*ALL)
def pdf(serial: str):
    name, data = lifecycle.pdf_bytes(get_session(), current_user, serial, current_app.instance_path)
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/certificates/<serial>/revoke", methods=["POST"])
@roles_required(*STAFF)
def revoke(serial: str):
    db = get_session()
    form = ReasonForm(prefix="revoke")
    if not form.validate_on_submit():
        flash("Hãy nhập lý do thu hồi.", "error")
        return redirect(url_for(".detail", serial=serial))
    cert = lifecycle.revoke(db, current_user, serial, form.reason.data, issuer().now)
    db.commit()
    flash(f"Đã thu hồi chứng chỉ {cert.serial}.", "success")
    return redirect(url_for(".detail", serial=cert.serial))


@bp.route("/certificates/<serial>/reissue", methods=["POST"])
@roles_required(*STAFF)
def reissue(serial: str):
    db = get_session()
    form = ReasonForm(prefix="reissue")
    if not form.validate_on_submit():
        flash("Hãy nhập lý do cấp lại.", "error")
        return redirect(url_for(".detail", serial=serial))
    new = lifecycle.reissue(db, current_user, serial, form.reason.data, issuer())
    db.commit()
    flash(f"Đã cấp lại: chứng chỉ mới số {new.serial}; chứng chỉ {serial} đã bị thu hồi.", "success")
    return redirect(url_for(".detail", serial=new.serial))


@bp.route("/certificates/class/<int:cls_id>")
@roles_required(*CLASS_PAGE)
def class_page(cls_id: int):
    db = get_session()
    training_class, certs = lifecycle.class_certificates(db, current_user, cls_id)
    can_issue = current_user.has_role(*STAFF)
    statuses, ctype, problem, ready = [], None, None, set()
    if can_issue:
        try:
            _, ctype, statuses = issuing.class_plan(db, current_user, cls_id, issuer())
        except DomainError as error:
            problem = error.message
        else:
            ready = issuing.ready_officer_ids(db, ctype, training_class, statuses)
    valid_by_officer = {c.officer_id: c for c in certs if c.status == "valid"}
    return render_template(
        "certificates/class.html",
        training_class=training_class,
        certs=certs,
        statuses=statuses,
        ctype=ctype,
        problem=problem,
        ready=ready,
        can_issue=can_issue and ctype is not None,
        valid_by_officer=valid_by_officer,
        form=IssueForm(),
        today=today(),
        status_of=lifecycle.status_of,
        labels=lifecycle.STATUS_LABELS,
    )


@bp.route("/certificates/class/<int:cls_id>/issue", methods=["POST"])
@roles_required(*STAFF)
def class_issue(cls_id: int):
    db = get_session()
    form = IssueForm()
    if not form.validate_on_submit():
        flash("Biểu mẫu không hợp lệ; hãy tải lại trang.", "error")
        return redirect(url_for(".class_page", cls_id=cls_id))
    if form.officer_id.data and form.officer_id.data.isdigit():
        training_class, ctype, _ = issuing.class_plan(db, current_user, cls_id, issuer())
        cert, created = issuing.issue(
            db,
            current_user,
            type_id=ctype.id,
            officer_id=int(form.officer_id.data),
            class_id=cls_id,
            issuer=issuer(),
        )
        db.commit()
        flash(
            f"Đã cấp chứng chỉ {cert.serial}." if created else f"Học viên đã có chứng chỉ {cert.serial}.",
            "success",
        )
    else:
        result = issuing.issue_for_class(db, current_user, cls_id, issuer())
        db.commit()
        flash(result.page_summary(), "success")
        if result.failed:  # rare (e.g. a character the font lacks) and not in the table: say who and why
            flash(
                "Không cấp được: " + "; ".join(f"{name} ({message})" for name, message in result.failed),
                "error",
            )
    return redirect(url_for(".class_page", cls_id=cls_id))


@bp.route("/certificates/class/<int:cls_id>/zip")
@roles_required(*CLASS_PAGE)
def class_zip(cls_id: int):
    name, data = lifecycle.class_zip(get_session(), current_user, cls_id, current_app.instance_path)
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _type_form(db, obj=None) -> TypeForm:
    form = TypeForm(obj=obj)
    none = [("", "— Không —")]
    form.programme_id.choices = choices(
        none + [(p.id, p.title) for p in db.scalars(select(Programme).order_by(Programme.title))]
    )
    form.course_id.choices = choices(
        none + [(c.id, c.title) for c in db.scalars(select(Course).order_by(Course.title))]
    )
    form.issuing_unit_id.choices = choices(
        (u.id, ("— " * u.depth) + u.name)
        for u in units_in_scope(db, current_user, max_depth=2)
        if u.serial_prefix
    )
    return form


def _type_data(form: TypeForm) -> types.TypeData:
    return types.TypeData(
        code=form.code.data,
        name=form.name.data,
        programme_id=form.programme_id.data,
        course_id=form.course_id.data,
        validity_months=form.validity_months.data,
        issuing_unit_id=form.issuing_unit_id.data,
        signer_name=form.signer_name.data,
        signer_title=form.signer_title.data,
        place=form.place.data,
    )


@bp.route("/certificates/types", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def type_list():
    db = get_session()
    form = _type_form(db)
    if form.validate_on_submit():
        try:
            ctype = types.create_type(db, current_user, _type_data(form))
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash(f"Đã tạo loại chứng chỉ {ctype.code}.", "success")
            return redirect(url_for(".type_list"))
    return render_template("certificates/types.html", types=types.all_types(db), form=form)


@bp.route("/certificates/types/<int:cert_type_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def type_edit(cert_type_id: int):
    db = get_session()
    ctype = types.get_type(db, cert_type_id)
    form = _type_form(db, obj=ctype)
    if form.validate_on_submit():
        try:
            types.update_type(db, current_user, cert_type_id, _type_data(form))
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash("Đã lưu loại chứng chỉ.", "success")
            return redirect(url_for(".type_list"))
    return render_template("certificates/type_edit.html", ctype=ctype, form=form)
