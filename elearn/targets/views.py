"""Web pages of the targets feature: dashboards with drill-down, target and quota forms, exports."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.authz import unit_in_scope
from elearn.certificates.models import CertificateType
from elearn.classes.models import FUNDING_SOURCES
from elearn.courses.models import Course, Programme
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.officers.services import all_titles
from elearn.orgs.services import all_sectors, all_terms, ancestors, default_unit_for, units_in_scope
from elearn.targets import charts, dashboard, exports, population, quotas, services
from elearn.targets.forms import DeleteForm, QuotaForm, TargetForm
from elearn.web import choices, int_arg, roles_required, today

bp = Blueprint("targets", __name__, url_prefix="/targets")
STAFF = (Role.STAFF, Role.ADMIN)
FMT = "<any(xlsx, csv):fmt>"


def _crumbs(db, unit):
    """Ancestors the viewer may open (their own scope upwards is hidden)."""
    return [a for a in ancestors(db, unit) if unit_in_scope(db, current_user, a)]


def _year() -> int:
    year = int_arg("year", today().year) or today().year
    return year if 2000 <= year <= 2100 else today().year


def _download(fmt: str, name: str, data: bytes) -> Response:
    return Response(
        data,
        mimetype=exports.MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@bp.route("/")
@roles_required(*STAFF)
def index():
    unit = default_unit_for(get_session(), current_user)
    return redirect(url_for("targets.unit_dashboard", unit_id=unit.id))


@bp.route("/unit/<int:unit_id>")
@roles_required(*STAFF)
def unit_dashboard(unit_id: int):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    rows = dashboard.unit_dashboard(db, current_user, unit, today())
    year = _year()
    bars = {
        r.target.id: charts.bars(
            [(c.unit.name, c.figures.percent) for c in r.children],
            r.target.required_percent,
            f"Tỷ lệ đạt theo đơn vị trực thuộc: {r.target.name}",
        )
        for r in rows
        if r.children
    }
    return render_template(
        "targets/dashboard.html",
        unit=unit,
        crumbs=_crumbs(db, unit),
        rows=rows,
        bars=bars,
        quota=quotas.quota_summary(db, current_user, unit, year, today()),
        sources=FUNDING_SOURCES,
        year=year,
    )


@bp.route(f"/unit/<int:unit_id>/summary.{FMT}")
@roles_required(*STAFF)
def summary_export(unit_id: int, fmt: str):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    rows = dashboard.unit_dashboard(db, current_user, unit, today())
    data = exports.render(
        fmt, "Chỉ tiêu", exports.SUMMARY_HEADERS, exports.summary_rows(rows), f"Chỉ tiêu tại {unit.name}"
    )
    return _download(fmt, f"chi-tieu-{unit.code}", data)


@bp.route(f"/unit/<int:unit_id>/quotas.{FMT}")
@roles_required(*STAFF)
def quota_export(unit_id: int, fmt: str):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    summary = quotas.quota_summary(db, current_user, unit, _year(), today())
    heading = f"Kế hoạch lớp năm {summary.year} — {unit.name}"
    data = exports.render(fmt, "Kế hoạch lớp", exports.QUOTA_HEADERS, exports.quota_rows(summary), heading)
    return _download(fmt, f"ke-hoach-lop-{unit.code}-{summary.year}", data)


@bp.route("/<int:target_id>/unit/<int:unit_id>")
@roles_required(*STAFF)
def target_detail(target_id: int, unit_id: int):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    row = dashboard.target_at_unit(db, current_user, target_id, unit, today())
    page = dashboard.missing_officers(
        db,
        current_user,
        row.target,
        unit,
        today(),
        page=int_arg("page", 1) or 1,
        per_page=current_app.config["PAGE_SIZE"],
    )
    bars = charts.bars(
        [(c.unit.name, c.figures.percent) for c in row.children],
        row.target.required_percent,
        f"Tỷ lệ đạt theo đơn vị trực thuộc {unit.name}",
    )
    history = charts.progress(
        dashboard.history(db, row), row.target.required_percent, f"Tiến độ theo ngày tại {unit.name}"
    )
    return render_template(
        "targets/detail.html",
        row=row,
        unit=unit,
        crumbs=_crumbs(db, unit),
        page=page,
        bars=bars,
        history=history,
        editable=services.editable(db, current_user, row.target),
    )


@bp.route(f"/<int:target_id>/unit/<int:unit_id>/breakdown.{FMT}")
@roles_required(*STAFF)
def breakdown_export(target_id: int, unit_id: int, fmt: str):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    row = dashboard.target_at_unit(db, current_user, target_id, unit, today())
    heading = f"{row.target.name} — {unit.name}"
    data = exports.render(fmt, "Theo đơn vị", exports.BREAKDOWN_HEADERS, exports.breakdown_rows(row), heading)
    return _download(fmt, f"chi-tieu-{row.target.id}-{unit.code}", data)


@bp.route(f"/<int:target_id>/unit/<int:unit_id>/missing.{FMT}")
@roles_required(*STAFF)
def missing_export(target_id: int, unit_id: int, fmt: str):
    db = get_session()
    unit = services.get_unit(db, current_user, unit_id)
    target = services.get_target(db, current_user, target_id, unit)
    page = dashboard.missing_officers(db, current_user, target, unit, today(), per_page=None)
    heading = f"Cán bộ còn thiếu: {target.name} — {unit.name} ({page.total} người)"
    data = exports.render(fmt, "Còn thiếu", exports.MISSING_HEADERS, exports.missing_rows(page), heading)
    return _download(fmt, f"con-thieu-{target.id}-{unit.code}", data)


def _form_choices(form: TargetForm, db) -> None:
    none = [(0, "— Chọn —")]
    form.scope_unit_id.choices = choices(
        (u.id, ("— " * u.depth) + u.name) for u in units_in_scope(db, current_user, max_depth=2)
    )
    form.title_ids.choices = choices((t.id, t.name) for t in all_titles(db))
    form.sector_ids.choices = choices((s.id, s.name) for s in all_sectors(db))
    form.term_id.choices = choices(
        [(0, "Chức vụ hiện tại (mọi nhiệm kỳ)")] + [(t.id, t.name) for t in all_terms(db)]
    )
    form.certificate_type_id.choices = choices(
        none + [(c.id, c.name) for c in db.scalars(select(CertificateType).order_by(CertificateType.name))]
    )
    form.course_id.choices = choices(
        none + [(c.id, c.title) for c in db.scalars(select(Course).order_by(Course.title))]
    )
    form.programme_id.choices = choices(
        none + [(p.id, p.title) for p in db.scalars(select(Programme).order_by(Programme.title))]
    )


def _data(form: TargetForm) -> services.TargetData:
    ft = form.full_time.data
    return services.TargetData(
        name=form.name.data,
        scope_unit_id=form.scope_unit_id.data,
        deadline=form.deadline.data,
        required_percent=form.required_percent.data,
        measure=form.measure.data,
        certificate_type_id=form.certificate_type_id.data or None,
        course_id=form.course_id.data or None,
        programme_id=form.programme_id.data or None,
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        title_ids=list(form.title_ids.data or []),
        full_time=True if ft == "1" else False if ft == "0" else None,
        sector_ids=list(form.sector_ids.data or []),
        min_member_count=form.min_member_count.data,
        term_id=form.term_id.data or None,
        newly_added=form.newly_added.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    db = get_session()
    form = TargetForm()
    _form_choices(form, db)
    if request.method == "GET":
        form.scope_unit_id.data = default_unit_for(db, current_user).id
    if form.validate_on_submit():
        try:
            target = services.create_target(db, current_user, _data(form))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã tạo chỉ tiêu.", "success")
            return redirect(
                url_for("targets.target_detail", target_id=target.id, unit_id=target.scope_unit_id)
            )
    return render_template("targets/form.html", form=form, target=None)


@bp.route("/<int:target_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(target_id: int):
    db = get_session()
    target = services.editable_target(db, current_user, target_id)
    form = TargetForm(obj=target)
    _form_choices(form, db)
    if request.method == "GET":
        form.full_time.data = "" if target.full_time is None else "1" if target.full_time else "0"
        form.term_id.data = target.term_id or 0
        for name in ("certificate_type_id", "course_id", "programme_id"):
            getattr(form, name).data = getattr(target, name) or 0
    if form.validate_on_submit():
        try:
            services.update_target(db, current_user, target.id, _data(form))
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(
                url_for("targets.target_detail", target_id=target.id, unit_id=target.scope_unit_id)
            )
    return render_template("targets/form.html", form=form, target=target, delete_form=DeleteForm())


@bp.route("/<int:target_id>/delete", methods=["POST"])
@roles_required(*STAFF)
def delete(target_id: int):
    db = get_session()
    if DeleteForm().validate_on_submit():
        services.delete_target(db, current_user, target_id)
        db.commit()
        flash("Đã xóa chỉ tiêu.", "success")
    return redirect(url_for("targets.index"))


@bp.route("/quotas/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def quota_new():
    db = get_session()
    form = QuotaForm()
    form.unit_id.choices = choices(
        (u.id, ("— " * u.depth) + u.name) for u in services.quota_units(db, current_user)
    )
    if request.method == "GET":
        form.year.data = today().year
        form.unit_id.data = int_arg("unit") or None
    if form.validate_on_submit():
        try:
            quota = services.set_quota(
                db,
                current_user,
                unit_id=form.unit_id.data,
                year=form.year.data,
                funding_source=form.funding_source.data,
                planned_classes=form.planned_classes.data,
                planned_learners=form.planned_learners.data,
            )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã lưu kế hoạch lớp.", "success")
            parent = quota.unit.parent_id or quota.unit_id
            return redirect(url_for("targets.unit_dashboard", unit_id=parent, year=quota.year))
    return render_template("targets/quota_form.html", form=form)


@bp.app_template_global("targets_card")
def targets_card(unit):
    """The staff home card: each target at the viewer's unit with its live figures."""
    db = get_session()
    return [
        (t, population.figures(db, t, unit, today()))
        for t in services.targets_for_unit(db, current_user, unit)
    ]
