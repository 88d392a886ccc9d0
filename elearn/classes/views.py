"""Class pages: list, create/edit, members, roster export, sessions and attendance on a phone."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.classes import roster, services, session_views
from elearn.classes.completion import class_statuses, held_session_ids
from elearn.classes.forms import ClassForm, EmptyForm, UploadForm
from elearn.classes.models import FUNDING_SOURCES, Attendance
from elearn.courses.models import Course, Programme
from elearn.courses.services import all_label
from elearn.db import get_session, utcnow
from elearn.errors import ImportFailed
from elearn.officers.services import OfficerFilter, all_titles, list_officers
from elearn.orgs.services import units_in_scope
from elearn.quizzes.quiz_models import Quiz
from elearn.web import choices, committing, int_arg, roles_required, today

bp = Blueprint("classes", __name__, url_prefix="/classes")
for _rule, _view, _methods in session_views.ROUTES:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
MANAGERS = (Role.STAFF, Role.ADMIN)
RUNNERS = (Role.TRAINER, Role.STAFF, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@roles_required(*RUNNERS)
def index():
    db = get_session()
    rows = services.list_classes(db, current_user)
    counts = services.member_counts(db, [c.id for c in rows])
    return render_template("classes/index.html", classes=rows, counts=counts, today=today())


def _class_form_choices(form: ClassForm, db) -> None:
    courses = db.scalars(select(Course).order_by(Course.title)).all()
    programmes = db.scalars(select(Programme).order_by(Programme.title)).all()
    form.teaches.choices = choices(
        [("", "— Chọn —")]
        + [(f"p:{p.id}", f"Chương trình: {p.title}") for p in programmes]
        + [(f"c:{c.id}", f"Chuyên đề: {c.title}") for c in courses]
    )
    form.unit_id.choices = choices(
        (u.id, ("— " * (u.depth)) + u.name) for u in units_in_scope(db, current_user, max_depth=2)
    )
    form.trainer_ids.choices = choices((u.id, u.full_name) for u in services.trainer_choices(db))
    quizzes = db.scalars(select(Quiz).order_by(Quiz.title).limit(300)).all()
    form.final_quiz_id.choices = choices(
        [("", "— Không yêu cầu —")] + [(str(q.id), q.title) for q in quizzes]
    )


def _class_data(form: ClassForm) -> services.ClassData:
    kind, _, ident = form.teaches.data.partition(":")
    return services.ClassData(
        code=form.code.data,
        title=form.title.data,
        unit_id=form.unit_id.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        capacity=form.capacity.data,
        funding_source=form.funding_source.data,
        course_id=int(ident) if kind == "c" and ident.isdigit() else None,
        programme_id=int(ident) if kind == "p" and ident.isdigit() else None,
        trainer_ids=form.trainer_ids.data or [],
        completion_rule={
            "online_modules": (form.online_modules.data or "").strip(),
            "min_attendance": form.min_attendance.data,
            "final_quiz_id": form.final_quiz_id.data,
        },
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    db = get_session()
    form = ClassForm()
    _class_form_choices(form, db)
    if request.method == "GET":
        form.start_date.data = today()
        form.capacity.data = 50
        form.min_attendance.data = 80
    if form.validate_on_submit():
        with committing(db) as outcome:
            created = services.create_class(db, current_user, _class_data(form))
            outcome.success = f"Đã tạo lớp {created.code}."
        if outcome.ok:
            return redirect(url_for("classes.detail", class_id=created.id))
    return render_template("classes/form.html", form=form, training_class=None)


@bp.route("/<int:class_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(class_id: int):
    db = get_session()
    tc = services.get_class(db, current_user, class_id, manage=True)
    form = ClassForm(obj=tc)
    _class_form_choices(form, db)
    if request.method == "GET":
        form.teaches.data = f"c:{tc.course_id}" if tc.course_id else f"p:{tc.programme_id}"
        form.trainer_ids.data = [u.id for u in services.trainers_of(db, tc)]
        rule = tc.completion_rule or {}
        form.online_modules.data = all_label(rule.get("online_modules"))
        form.min_attendance.data = rule.get("min_attendance")
        form.final_quiz_id.data = str(rule.get("final_quiz_id") or "")
    if form.validate_on_submit():
        with committing(db, "Đã lưu lớp học.") as outcome:
            services.update_class(db, current_user, class_id, _class_data(form))
        if outcome.ok:
            return redirect(url_for("classes.detail", class_id=class_id))
    return render_template("classes/form.html", form=form, training_class=tc)


@bp.route("/<int:class_id>")
@roles_required(*RUNNERS)
def detail(class_id: int):
    db = get_session()
    tc = services.get_class(db, current_user, class_id)
    now = utcnow()
    statuses = class_statuses(db, tc, now)
    present = dict(
        db.execute(
            select(Attendance.session_id, func.count(Attendance.id))
            .where(
                Attendance.session_id.in_([s.id for s in tc.sessions] or [0]), Attendance.present.is_(True)
            )
            .group_by(Attendance.session_id)
        ).all()
    )
    return render_template(
        "classes/detail.html",
        tc=tc,
        statuses=statuses,
        completed=sum(1 for s in statuses if s.completed),
        present=present,
        held=set(held_session_ids(db, tc, now)),
        trainers=services.trainers_of(db, tc),
        funding=FUNDING_SOURCES,
        can_manage=services.can_manage(db, current_user, tc),
        upload=UploadForm(),
        form=EmptyForm(),
    )


@bp.route("/<int:class_id>/members", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def members(class_id: int):
    """Staff and admins search the registry (their scope) and add the officers they tick, or all found."""
    db = get_session()
    tc = services.get_class(db, current_user, class_id)
    can_search = current_user.has_role(*MANAGERS)
    flt = OfficerFilter(q=request.values.get("q", "")[:100], title_id=int_arg("title"))
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        with committing(db) as outcome:
            if request.form.get("all") == "1":
                added = services.add_members_by_filter(db, current_user, class_id, flt, today=today())
            else:
                ids = [int(v) for v in request.form.getlist("officer_id") if v.isdigit()]
                added = services.add_members(db, current_user, class_id, ids, today=today())
            outcome.success = f"Đã thêm {added} học viên vào lớp."
        if outcome.ok:
            return redirect(url_for("classes.detail", class_id=class_id))
    page = None
    if can_search and (flt.q or flt.title_id):
        page = list_officers(db, current_user, flt, today=today(), page=int_arg("page", 1) or 1, per_page=50)
    return render_template(
        "classes/members.html",
        tc=tc,
        flt=flt,
        page=page,
        titles=all_titles(db),
        current=services.member_ids(db, class_id),
        can_search=can_search,
        form=form,
        upload=UploadForm(),
    )


@bp.route("/<int:class_id>/members/import", methods=["POST"])
@roles_required(*RUNNERS)
def members_import(class_id: int):
    db = get_session()
    tc = services.get_class(db, current_user, class_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash("; ".join(form.file.errors) or "Hãy chọn tệp.", "error")
        return redirect(url_for("classes.members", class_id=class_id))
    upload = form.file.data
    try:
        added = roster.import_members(
            db, current_user, class_id, upload.filename or "tep.xlsx", upload.read(), today=today()
        )
    except ImportFailed as exc:
        db.rollback()
        return render_template("classes/import_errors.html", tc=tc, errors=exc.errors), 422
    db.commit()
    flash(f"Đã thêm {added} học viên từ tệp.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.route("/<int:class_id>/members/<int:officer_id>/remove", methods=["POST"])
@roles_required(*RUNNERS)
def member_remove(class_id: int, officer_id: int):
    db = get_session()
    services.get_class(db, current_user, class_id)
    if EmptyForm().validate_on_submit():
        services.remove_member(db, current_user, class_id, officer_id)
        db.commit()
        flash("Đã đưa học viên ra khỏi lớp.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.route("/<int:class_id>/roster.xlsx")
@roles_required(*RUNNERS)
def export(class_id: int):
    db = get_session()
    tc = services.get_class(db, current_user, class_id)
    body = roster.export_roster(db, current_user, class_id, utcnow())
    name = "".join(ch if ch.isalnum() else "-" for ch in tc.code)
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename=lop-{name}.xlsx"}
    )


@bp.route("/template-members.xlsx")
@roles_required(*RUNNERS)
def members_template():
    return Response(
        roster.template_xlsx("members"),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=mau-hoc-vien-lop.xlsx"},
    )


@bp.route("/template-attendance.xlsx")
@roles_required(*RUNNERS)
def attendance_template():
    return Response(
        roster.template_xlsx("attendance"),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=mau-diem-danh.xlsx"},
    )
