"""Officer registry pages: list with filters, detail, edit, positions, import."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.db import get_session
from elearn.errors import DomainError, ImportFailed, NotFound
from elearn.officers import importer, services
from elearn.officers.forms import (
    NO_TITLE,
    EndPositionForm,
    ImportConfirmForm,
    ImportForm,
    NewOfficerForm,
    OfficerForm,
    PositionForm,
)
from elearn.orgs.services import (
    all_sectors,
    all_terms,
    current_term,
    default_unit_for,
    get_unit_for,
    units_in_scope,
)
from elearn.web import choices, int_arg, roles_required, today

bp = Blueprint("officers", __name__, url_prefix="/officers")
STAFF = (Role.STAFF, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_from_args() -> services.OfficerFilter:
    ft = request.args.get("full_time", "")
    return services.OfficerFilter(
        q=request.args.get("q", "")[:100],
        unit_id=int_arg("unit"),
        title_id=int_arg("title"),
        full_time=True if ft == "1" else False if ft == "0" else None,
        sector_id=int_arg("sector"),
        term_id=int_arg("term"),
        new_in_term=request.args.get("new") == "1",
    )


def _position_choices(form: PositionForm, db) -> None:
    form.unit_id.choices = choices(
        (u.id, ("— " * u.depth) + u.name) for u in units_in_scope(db, current_user)
    )
    form.title_id.choices = choices([NO_TITLE] + [(t.id, t.name) for t in services.all_titles(db)])
    form.term_id.choices = choices((t.id, t.name) for t in all_terms(db))


@bp.route("/")
@roles_required(*STAFF)
def index():
    db = get_session()
    flt = _filter_from_args()
    page = services.list_officers(
        db,
        current_user,
        flt,
        today=today(),
        page=int_arg("page", 1) or 1,
        per_page=current_app.config["PAGE_SIZE"],
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "officers/index.html",
        page=page,
        flt=flt,
        args=args,
        units=units_in_scope(db, current_user, max_depth=2),
        titles=services.all_titles(db),
        sectors=all_sectors(db),
        terms=all_terms(db),
        current_term=current_term(db, today()),
        visible_positions=lambda o: services.visible_positions(db, current_user, o),
    )


@bp.route("/<int:officer_id>")
@roles_required(*STAFF)
def detail(officer_id: int):
    db = get_session()
    officer = services.get_officer(db, current_user, officer_id)
    return render_template(
        "officers/detail.html",
        officer=officer,
        positions=services.visible_positions(db, current_user, officer),
        end_form=EndPositionForm(),
        today=today(),
    )


@bp.route("/<int:officer_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(officer_id: int):
    db = get_session()
    officer = services.get_officer(db, current_user, officer_id)
    form = OfficerForm(obj=officer)
    if form.validate_on_submit():
        data = services.OfficerData(
            form.full_name.data,
            form.date_of_birth.data,
            form.gender.data or None,
            form.phone.data,
            form.email.data,
        )
        try:
            services.update_officer(db, current_user, officer.id, data, today=today())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã lưu thông tin cán bộ.", "success")
            return redirect(url_for("officers.detail", officer_id=officer.id))
    return render_template("officers/edit.html", form=form, officer=officer)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    db = get_session()
    form = NewOfficerForm()
    _position_choices(form, db)
    if request.method == "GET":
        term = current_term(db, today())
        form.term_id.data = term.id if term else None
        form.start_date.data = today()
    if form.validate_on_submit():
        data = services.OfficerData(
            form.full_name.data,
            form.date_of_birth.data,
            form.gender.data or None,
            form.phone.data,
            form.email.data,
        )
        position = services.PositionData(
            form.unit_id.data,
            form.title_id.data,
            form.term_id.data,
            form.full_time.data,
            form.start_date.data,
            form.end_date.data,
        )
        try:
            officer = services.create_officer(db, current_user, form.code.data, data, position, today=today())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã thêm cán bộ vào danh sách.", "success")
            return redirect(url_for("officers.detail", officer_id=officer.id))
    return render_template("officers/new.html", form=form)


@bp.route("/<int:officer_id>/positions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def position_new(officer_id: int):
    db = get_session()
    officer = services.get_officer(db, current_user, officer_id)
    form = PositionForm()
    _position_choices(form, db)
    if form.validate_on_submit():
        data = services.PositionData(
            form.unit_id.data,
            form.title_id.data,
            form.term_id.data,
            form.full_time.data,
            form.start_date.data,
            form.end_date.data,
        )
        try:
            services.add_position(db, current_user, officer.id, data)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã thêm chức vụ.", "success")
            return redirect(url_for("officers.detail", officer_id=officer.id))
    return render_template("officers/position_new.html", form=form, officer=officer)


@bp.route("/positions/<int:position_id>/end", methods=["POST"])
@roles_required(*STAFF)
def position_end(position_id: int):
    db = get_session()
    form = EndPositionForm()
    if not form.validate_on_submit():
        flash("Ngày kết thúc không hợp lệ.", "error")
        return redirect(request.referrer or url_for("officers.index"))
    position = services.end_position(db, current_user, position_id, form.end_date.data)
    officer_id = position.officer_id
    db.commit()
    flash("Đã ghi ngày kết thúc chức vụ.", "success")
    return redirect(url_for("officers.detail", officer_id=officer_id))


# --- import ---------------------------------------------------------------------------------------


def _staging_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _staged(token: str) -> tuple[Path, str, int]:
    """The staged upload of the current user for `token` (user id in the name: nobody confirms another's)."""
    if not re.fullmatch(r"[0-9a-f]{32}-\d+", token or ""):
        raise NotFound("Phiên nhập dữ liệu không hợp lệ hoặc đã hết hạn.")
    for path in _staging_dir().glob(f"{current_user.id}-{token}.*"):
        return path, path.suffix, int(token.rsplit("-", 1)[1])
    raise NotFound("Phiên nhập dữ liệu không hợp lệ hoặc đã hết hạn. Hãy tải tệp lên lại.")


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_upload():
    db = get_session()
    form = ImportForm()
    form.unit_id.choices = choices(
        (u.id, ("— " * u.depth) + u.name) for u in units_in_scope(db, current_user, max_depth=2)
    )
    if request.method == "GET":
        form.unit_id.data = default_unit_for(db, current_user).id
    if form.validate_on_submit():
        unit = get_unit_for(db, current_user, form.unit_id.data)
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or "tep.xlsx"
        try:
            summary = importer.import_officers(
                db,
                current_user,
                unit,
                filename,
                data,
                dry_run=True,
                max_rows=current_app.config["IMPORT_MAX_ROWS"],
                today=today(),
            )
        except ImportFailed as exc:
            db.rollback()
            return render_template(
                "officers/import.html", form=form, errors=exc.errors, filename=filename
            ), 422
        token = f"{secrets.token_hex(16)}-{unit.id}"
        suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
        (_staging_dir() / f"{current_user.id}-{token}{suffix}").write_bytes(data)
        return render_template(
            "officers/import_preview.html",
            summary=summary,
            unit=unit,
            filename=filename,
            confirm=ImportConfirmForm(token=token),
        )
    return render_template("officers/import.html", form=form, errors=None)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*STAFF)
def import_confirm():
    db = get_session()
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash("Phiên nhập dữ liệu không hợp lệ. Hãy tải tệp lên lại.", "error")
        return redirect(url_for("officers.import_upload"))
    path, suffix, unit_id = _staged(form.token.data)
    unit = get_unit_for(db, current_user, unit_id)
    try:
        summary = importer.import_officers(
            db,
            current_user,
            unit,
            "tep" + suffix,
            path.read_bytes(),
            max_rows=current_app.config["IMPORT_MAX_ROWS"],
            today=today(),
        )
    except ImportFailed as exc:  # the registry changed since the preview
        db.rollback()
        return render_template("officers/import.html", form=None, errors=exc.errors, filename=path.name), 422
    db.commit()
    path.unlink(missing_ok=True)
    flash(
        f"Đã nhập {summary.rows} dòng: thêm {summary.officers_created} cán bộ, "
        f"cập nhật {summary.officers_updated} cán bộ, "
        f"thêm {summary.positions_created} chức vụ, cập nhật {summary.positions_updated} chức vụ.",
        "success",
    )
    return redirect(url_for("officers.index", unit=unit.id))


@bp.route("/import/template.<fmt>")
@roles_required(*STAFF)
def import_template(fmt: str):
    if fmt == "xlsx":
        body, mimetype = importer.template_xlsx(), XLSX
    elif fmt == "csv":
        body, mimetype = importer.template_csv(), "text/csv; charset=utf-8"
    else:
        raise NotFound("Không có mẫu này.")
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=mau-nhap-can-bo.{fmt}"},
    )
