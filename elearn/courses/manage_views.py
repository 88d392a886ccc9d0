"""Authoring pages for trainers (and admins): courses, modules, lessons with preview, attachments.

A nested blueprint of `courses` (endpoints `courses.manage.*`, URLs under /courses/manage).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from elearn.accounts.models import Role
from elearn.courses import authoring, lessons, services
from elearn.courses.forms import AttachmentForm, CourseForm, LessonForm, ModuleForm
from elearn.db import get_session
from elearn.web import choices, committing, roles_required

bp = Blueprint("manage", __name__, url_prefix="/manage")
AUTHORS = (Role.TRAINER, Role.ADMIN)


def _attachments_dir() -> Path:
    return Path(current_app.instance_path) / "attachments"


def _max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_MB", 20)) * 1024 * 1024


def _course_data(form: CourseForm) -> authoring.CourseData:
    return authoring.CourseData(
        code=form.code.data or "",
        title=form.title.data or "",
        description=form.description.data or "",
        delivery=form.delivery.data,
        hours=form.hours.data or 0,
        enrolment=form.enrolment.data,
        completion=form.completion.data or services.ALL,
        is_published=form.is_published.data,
    )


@bp.route("/")
@roles_required(*AUTHORS)
def index():
    return render_template(
        "courses/manage/index.html", courses=authoring.courses_i_edit(get_session(), current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_course():
    db = get_session()
    form = CourseForm()
    if form.validate_on_submit():
        with committing(db, "Đã tạo chuyên đề. Hãy thêm module và bài học.") as outcome:
            course = authoring.create_course(db, current_user, _course_data(form))
        if outcome.ok:
            return redirect(url_for("courses.manage.edit_course", course_id=course.id))
    return render_template("courses/manage/course_form.html", form=form, course=None)


def _course_form(db, course, *, stored: bool = False) -> CourseForm:
    """The course form as posted, or (on a GET, or with `stored`) as the course is saved."""
    count = services.lesson_count(db, course.id)
    if stored:
        form = CourseForm(formdata=None, obj=course, lesson_count=count)
    else:
        form = CourseForm(obj=course, lesson_count=count)
    if stored or not form.is_submitted():
        form.completion.data = services.all_label((course.completion_rule or {}).get("lessons", services.ALL))
    return form


def _course_page(db, course, form: CourseForm, module_form: ModuleForm | None = None):
    return render_template(
        "courses/manage/course_form.html",
        form=form,
        course=course,
        module_form=module_form or ModuleForm(formdata=None),
        outline=lessons.course_outline(db, course, None),
    )


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_course(course_id: int):
    db = get_session()
    course = services.require_edit(db, current_user, services.get_course(db, course_id))
    form = _course_form(db, course)
    if form.validate_on_submit():
        with committing(db, "Đã lưu chuyên đề.") as outcome:
            authoring.update_course(db, current_user, course.id, _course_data(form))
        if outcome.ok:
            return redirect(url_for("courses.manage.edit_course", course_id=course.id))
    return _course_page(db, course, form)


@bp.route("/<int:course_id>/modules", methods=["POST"])
@roles_required(*AUTHORS)
def add_module(course_id: int):
    db = get_session()
    course = services.require_edit(db, current_user, services.get_course(db, course_id))
    form = ModuleForm()
    if form.validate_on_submit():
        with committing(db, "Đã thêm module.") as outcome:
            authoring.add_module(db, current_user, course.id, form.title.data)
        if outcome.ok:
            return redirect(url_for("courses.manage.edit_course", course_id=course.id))
    # The course page again, the module form showing its error and what was typed.
    return _course_page(db, course, _course_form(db, course, stored=True), module_form=form), 422


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_module(module_id: int):
    db = get_session()
    module = authoring.get_module(db, module_id)
    services.require_edit(db, current_user, module.course)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        authoring.update_module(db, current_user, module.id, form.title.data, form.position.data or 1)
        db.commit()
        flash("Đã lưu module.", "success")
        return redirect(url_for("courses.manage.edit_course", course_id=module.course_id))
    return render_template("courses/manage/module_form.html", form=form, module=module)


def _lesson_form(db, course, lesson=None, **kwargs) -> LessonForm:
    form = LessonForm(obj=lesson, **kwargs)
    form.module_id.choices = choices((m.id, f"{m.position}. {m.title}") for m in course.modules)
    return form


def _lesson_data(form: LessonForm) -> authoring.LessonData:
    return authoring.LessonData(
        form.title.data or "", form.body_md.data or "", form.video_url.data, form.module_id.data
    )


@bp.route("/<int:course_id>/lessons/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_lesson(course_id: int):
    db = get_session()
    course = services.require_edit(db, current_user, services.get_course(db, course_id))
    if not course.modules:
        flash("Hãy thêm một module trước khi thêm bài học.", "error")
        return redirect(url_for("courses.manage.edit_course", course_id=course.id))
    form = _lesson_form(db, course)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = authoring.preview(form.body_md.data or "")
        else:
            with committing(db, "Đã thêm bài học.") as outcome:
                lesson = authoring.create_lesson(db, current_user, course.id, _lesson_data(form))
            if outcome.ok:
                return redirect(url_for("courses.manage.edit_lesson", lesson_id=lesson.id))
    return render_template(
        "courses/manage/lesson_form.html", form=form, course=course, lesson=None, preview=preview
    )


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_lesson(lesson_id: int):
    db = get_session()
    lesson = lessons.get_lesson(db, lesson_id)
    course = services.require_edit(db, current_user, lesson.module.course)
    form = _lesson_form(db, course, lesson)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = authoring.preview(form.body_md.data or "")
        else:
            with committing(db, "Đã lưu bài học.") as outcome:
                authoring.update_lesson(db, current_user, lesson.id, _lesson_data(form))
            if outcome.ok:
                return redirect(url_for("courses.manage.edit_lesson", lesson_id=lesson.id))
    return _lesson_page(course, lesson, form, preview=preview)


def _lesson_page(course, lesson, form: LessonForm, preview=None, upload_form: AttachmentForm | None = None):
    return render_template(
        "courses/manage/lesson_form.html",
        form=form,
        course=course,
        lesson=lesson,
        preview=preview,
        upload_form=upload_form or AttachmentForm(formdata=None),
        plain_form=FlaskForm(formdata=None),
        max_mb=_max_bytes() // (1024 * 1024),
    )


@bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@roles_required(*AUTHORS)
def delete_lesson(lesson_id: int):
    db = get_session()
    course = authoring.delete_lesson(db, current_user, lesson_id, _attachments_dir())
    db.commit()
    flash("Đã xóa bài học.", "success")
    return redirect(url_for("courses.manage.edit_course", course_id=course.id))


@bp.route("/lessons/<int:lesson_id>/attachments", methods=["POST"])
@roles_required(*AUTHORS)
def upload_attachment(lesson_id: int):
    db = get_session()
    lesson = lessons.get_lesson(db, lesson_id)
    course = services.require_edit(db, current_user, lesson.module.course)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        with committing(db, "Đã tải lên tệp đính kèm.") as outcome:
            authoring.add_attachment(
                db,
                current_user,
                lesson.id,
                upload.filename or "",
                upload.read(),
                _attachments_dir(),
                _max_bytes(),
            )
        if outcome.ok:
            return redirect(url_for("courses.manage.edit_lesson", lesson_id=lesson_id))
    # The lesson page again, the upload form saying what is wrong (no file chosen, wrong type).
    lesson_form = _lesson_form(db, course, lesson, formdata=None)
    return _lesson_page(course, lesson, lesson_form, upload_form=form), 422


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@roles_required(*AUTHORS)
def delete_attachment(attachment_id: int):
    db = get_session()
    lesson = authoring.delete_attachment(db, current_user, attachment_id, _attachments_dir())
    db.commit()
    flash("Đã xóa tệp đính kèm.", "success")
    return redirect(url_for("courses.manage.edit_lesson", lesson_id=lesson.id))
