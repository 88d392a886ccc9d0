"""Question bank pages: bank list with counts and filters, questions (edit, preview), import and export."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from elearn.courses.models import Course
from elearn.db import get_session
from elearn.errors import DomainError, ImportFailed, NotFound
from elearn.quizzes import bank_import, bank_listing, banks
from elearn.quizzes.bank_convert import parsed_from_version
from elearn.quizzes.bank_forms import (
    BankForm,
    ImportConfirmForm,
    ImportForm,
    QuestionForm,
    fill_form,
    form_to_parsed,
)
from elearn.quizzes.bank_preview import preview
from elearn.quizzes.formats.xlsx import build_template
from elearn.web import choices, int_arg, roles_required

banks_bp = Blueprint("banks", __name__, url_prefix="/banks")
AUTHORS = banks.AUTHORS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TYPES = {"gift": ("text/plain; charset=utf-8", "gift"), "xml": ("application/xml", "xml")}


def _filter() -> bank_listing.QuestionFilter:
    qtype = request.args.get("type", "")
    difficulty = int_arg("difficulty")
    return bank_listing.QuestionFilter(
        tag=" ".join(request.args.get("tag", "").split()).lower()[:100],
        qtype=qtype if qtype in bank_import.TYPE_LABELS else "",
        difficulty=difficulty if difficulty in banks.DIFFICULTIES else None,
        category_id=int_arg("category"),
    )


def _filter_context(bank_ids: list[int]) -> dict:
    return {
        "type_labels": bank_import.TYPE_LABELS,
        "difficulties": banks.DIFFICULTIES,
        "tags": bank_listing.bank_tags(get_session(), bank_ids),
    }


@banks_bp.route("/")
@roles_required(*AUTHORS)
def index():
    db = get_session()
    flt = _filter()
    summaries = bank_listing.bank_summaries(db, current_user, flt)
    return render_template(
        "banks/index.html", summaries=summaries, flt=flt, **_filter_context([s.bank.id for s in summaries])
    )


@banks_bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new():
    db = get_session()
    form = BankForm()
    courses = db.scalars(select(Course).order_by(Course.code))
    form.course_id.choices = choices(
        [(0, "— Không gắn chuyên đề —")] + [(c.id, f"{c.code} · {c.title}") for c in courses]
    )
    if form.validate_on_submit():
        try:
            bank = banks.create_bank(
                db,
                current_user,
                form.code.data,
                form.title.data,
                description=form.description.data or "",
                course_id=form.course_id.data or None,
            )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.commit()
            flash("Đã tạo ngân hàng câu hỏi.", "success")
            return redirect(url_for("banks.detail", bank_id=bank.id))
    return render_template("banks/new.html", form=form)


@banks_bp.route("/<int:bank_id>")
@roles_required(*AUTHORS)
def detail(bank_id: int):
    db = get_session()
    bank = banks.get_bank(db, current_user, bank_id)
    flt = _filter()
    return render_template(
        "banks/detail.html",
        bank=bank,
        flt=flt,
        counts=bank_listing.category_counts(db, bank, flt),
        rows=bank_listing.list_questions(db, bank, flt),
        **_filter_context([bank.id]),
    )


def _save_question(bank, qtype: str, form: QuestionForm, question=None, base=None):
    db = get_session()
    try:
        parsed = form_to_parsed(form, qtype, base)
        saved = banks.save_question(db, current_user, bank, parsed, question=question)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return None
    db.commit()
    return saved


@banks_bp.route("/<int:bank_id>/questions/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def question_new(bank_id: int):
    db = get_session()
    bank = banks.get_bank(db, current_user, bank_id)
    qtype = request.args.get("type", "")
    if qtype not in bank_import.TYPE_LABELS:
        return render_template("banks/question_type.html", bank=bank, type_labels=bank_import.TYPE_LABELS)
    form = QuestionForm()
    if request.method == "GET":
        form.category.data = request.args.get("category", "")
        if qtype == "single_choice":
            form.answers.entries[0].form.fraction.data = "1"
    if form.validate_on_submit():
        saved = _save_question(bank, qtype, form)
        if saved is not None:
            flash("Đã thêm câu hỏi.", "success")
            return redirect(url_for("banks.question", question_id=saved.id))
    return render_template(
        "banks/question_form.html",
        bank=bank,
        form=form,
        qtype=qtype,
        type_label=bank_import.TYPE_LABELS[qtype],
        categories=banks.categories(db, bank),
        question=None,
    )


@banks_bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def question_edit(question_id: int):
    db = get_session()
    question = banks.get_question(db, current_user, question_id)
    bank = banks.get_bank(db, current_user, question.bank_id)
    version = question.current_version
    category = db.get(banks.QuestionCategory, question.category_id)
    base = parsed_from_version(version, category=category.path, tags=[t.name for t in question.tags])
    form = QuestionForm()
    if request.method == "GET":
        fill_form(form, base)
    if form.validate_on_submit():
        before = question.current_version_id
        saved = _save_question(bank, version.qtype, form, question, base)
        if saved is not None:
            changed = saved.current_version_id != before
            flash("Đã lưu phiên bản mới của câu hỏi." if changed else "Nội dung không đổi.", "success")
            return redirect(url_for("banks.question", question_id=question.id))
    return render_template(
        "banks/question_form.html",
        bank=bank,
        form=form,
        qtype=version.qtype,
        type_label=bank_import.TYPE_LABELS[version.qtype],
        categories=banks.categories(db, bank),
        question=question,
    )


@banks_bp.route("/questions/<int:question_id>")
@roles_required(*AUTHORS)
def question(question_id: int):
    db = get_session()
    q = banks.get_question(db, current_user, question_id)
    bank = banks.get_bank(db, current_user, q.bank_id)
    version_no = int_arg("version")
    history = banks.versions(db, q)
    shown = next((v for v in history if v.version == version_no), None) if version_no else q.current_version
    if shown is None:
        raise NotFound("Không có phiên bản này.")
    category = db.get(banks.QuestionCategory, q.category_id)
    return render_template(
        "banks/question.html",
        bank=bank,
        question=q,
        version=shown,
        history=history,
        category=category,
        view=preview(shown),
        type_label=bank_import.TYPE_LABELS.get(shown.qtype, shown.qtype),
        difficulties=banks.DIFFICULTIES,
    )


# --- import and export ----------------------------------------------------------------------------


def _staging_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _staged(token: str, bank_id: int) -> tuple[Path, str]:
    """The current user's staged upload (user id in the name: nobody confirms another's) and its format."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise NotFound("Phiên nhập câu hỏi không hợp lệ hoặc đã hết hạn.")
    for path in _staging_dir().glob(f"{current_user.id}-bank{bank_id}-{token}.*"):
        if path.suffix.lstrip(".") in bank_import.FORMATS:
            return path, path.suffix.lstrip(".")
    raise NotFound("Phiên nhập câu hỏi không hợp lệ hoặc đã hết hạn. Hãy tải tệp lên lại.")


@banks_bp.route("/<int:bank_id>/import", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def import_upload(bank_id: int):
    db = get_session()
    bank = banks.get_bank(db, current_user, bank_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or "tep"
        try:
            fmt = bank_import.detect_format(filename, form.fmt.data or None)
            report = bank_import.import_bank(db, current_user, bank, filename, data, fmt=fmt, dry_run=True)
        except ImportFailed as exc:
            db.rollback()
            return render_template(
                "banks/import.html", bank=bank, form=form, errors=exc.errors, filename=filename
            ), 422
        token = secrets.token_hex(16)
        (_staging_dir() / f"{current_user.id}-bank{bank.id}-{token}.{fmt}").write_bytes(data)
        return render_template(
            "banks/import_preview.html",
            bank=bank,
            report=report,
            filename=filename,
            format_label=bank_import.FORMATS[fmt],
            actions=bank_import.ACTIONS,
            type_labels=bank_import.TYPE_LABELS,
            confirm=ImportConfirmForm(token=token),
        )
    return render_template("banks/import.html", bank=bank, form=form, errors=None)


@banks_bp.route("/<int:bank_id>/import/confirm", methods=["POST"])
@roles_required(*AUTHORS)
def import_confirm(bank_id: int):
    db = get_session()
    bank = banks.get_bank(db, current_user, bank_id)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash("Phiên nhập câu hỏi không hợp lệ. Hãy tải tệp lên lại.", "error")
        return redirect(url_for("banks.import_upload", bank_id=bank.id))
    path, fmt = _staged(form.token.data, bank.id)
    try:
        report = bank_import.import_bank(db, current_user, bank, path.name, path.read_bytes(), fmt=fmt)
    except ImportFailed as exc:
        db.rollback()
        return render_template(
            "banks/import.html", bank=bank, form=None, errors=exc.errors, filename=path.name
        ), 422
    db.commit()
    path.unlink(missing_ok=True)
    flash("Đã nhập " + report.summary(), "success")
    return redirect(url_for("banks.detail", bank_id=bank.id))


@banks_bp.route("/import/template.xlsx")
@roles_required(*AUTHORS)
def import_template():
    return Response(
        build_template(),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=mau-nhap-cau-hoi.xlsx"},
    )


@banks_bp.route("/<int:bank_id>/export")
@roles_required(*AUTHORS)
def export(bank_id: int):
    db = get_session()
    bank = banks.get_bank(db, current_user, bank_id)
    fmt = request.args.get("format", "gift")
    if fmt not in EXPORT_TYPES:
        abort(404)
    mimetype, ext = EXPORT_TYPES[fmt]
    body = bank_import.export_bank(db, current_user, bank, fmt)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={bank.code.lower()}.{ext}"},
    )
