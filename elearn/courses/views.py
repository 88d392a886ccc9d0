"""Learner pages: catalogue, programmes, course page, lesson page, progress, attachments."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from elearn.accounts.models import Role
from elearn.courses import lessons, progress, services
from elearn.courses.manage_views import bp as manage_bp
from elearn.courses.models import DELIVERY_LABELS
from elearn.db import begin_writes, get_session, utcnow
from elearn.errors import NotFound
from elearn.html import video_embed_url
from elearn.web import committing, int_arg, roles_required

bp = Blueprint("courses", __name__, url_prefix="/courses")
bp.register_blueprint(manage_bp)


def attachments_dir() -> Path:
    return Path(current_app.instance_path) / "attachments"


@bp.app_context_processor
def _labels():
    return {"DELIVERY_LABELS": DELIVERY_LABELS}


@bp.app_template_global()
def progress_bar(percent: int, label: str) -> Markup:
    """A course's or module's progress bar (courses.js moves it when a lesson is marked done). A function,
    not a macro: importing and calling a macro cost a lesson page more than the bars' HTML (and so did
    Markup.format)."""
    percent, label = int(percent), escape(label)
    return Markup(  # noqa: S704 (a number and an escaped label)
        f'<div class="progress-line">\n'
        f'  <progress class="bar" max="100" value="{percent}" data-percent="{percent}" aria-label="{label}">'
        f"{percent}%</progress>\n"
        f'  <span class="bar-num">{percent}%</span>\n'
        "</div>"
    )


@bp.route("/")
@roles_required()
def catalogue():
    q = request.args.get("q", "")[:100]
    entries = services.catalogue(get_session(), current_user, q)
    return render_template("courses/catalogue.html", entries=entries, q=q)


@bp.route("/programmes")
@roles_required()
def programmes():
    return render_template("courses/programmes.html", programmes=services.programmes(get_session()))


@bp.route("/programmes/<int:programme_id>")
@roles_required()
def programme(programme_id: int):
    db = get_session()
    item = services.get_programme(db, programme_id)
    status = services.programme_status(db, current_user, item)
    return render_template(
        "courses/programme.html",
        programme=item,
        status=status,
        completed=bool(status) and all(status.values()),
    )


@bp.route("/<int:course_id>")
@roles_required()
def course(course_id: int):
    db = get_session()
    item = services.get_course(db, course_id)
    enrolment = services.enrolment_of(db, current_user.officer_id, item.id)
    access = services.read_access(db, current_user, item, enrolment)
    if access is None and not current_user.has_role(Role.OFFICER):
        raise NotFound("Không tìm thấy chuyên đề.")
    outline = lessons.course_outline(db, item, current_user.officer_id)
    continue_id = None
    if enrolment is not None:
        mine = [m for m in services.my_courses(db, current_user.officer_id) if m.course.id == item.id]
        continue_id = mine[0].continue_lesson_id if mine else None
    return render_template(
        "courses/course.html",
        course=item,
        outline=outline,
        access=access,
        enrolment=enrolment,
        continue_id=continue_id,
        programmes=services.programmes_of(db, item.id),
        can_edit=services.can_edit(db, current_user, item),
        form=FlaskForm(),
    )


@bp.route("/<int:course_id>/enrol", methods=["POST"])
@roles_required(Role.OFFICER)
def enrol(course_id: int):
    db = get_session()
    form = FlaskForm()
    if form.validate_on_submit():
        with committing(db, "Bạn đã ghi danh chuyên đề. Chúc bạn học tốt!"):
            services.enrol_self(db, current_user, course_id, utcnow())
    return redirect(url_for("courses.course", course_id=course_id))


@bp.route("/lessons/<int:lesson_id>")
@roles_required()
def lesson(lesson_id: int):
    db = get_session()
    page, access = lessons.open_lesson(db, current_user, lesson_id)
    if access == services.ENROL:
        flash("Hãy ghi danh chuyên đề để học bài này.", "error")
        return redirect(url_for("courses.course", course_id=page.course.id))
    outline = lessons.course_outline(db, page.course, current_user.officer_id)
    db.commit()
    enrolment, now = page.enrolment, utcnow()
    if enrolment and not progress.visit_is_recorded(enrolment, page.id, now):
        begin_writes()  # its own short transaction, which waits for SQLite's write lock
        progress.record_visit(db, current_user.officer_id, page.id, now)
        db.commit()
    previous, following = outline.neighbours(page.id)
    done = any(entry.id == page.id and entry.done for module in outline.modules for entry in module.lessons)
    return render_template(
        "courses/lesson.html",
        lesson=page,
        course=page.course,
        outline=outline,
        previous=previous,
        following=following,
        done=done,
        learner=current_user.officer_id is not None and enrolment is not None,
        embed_url=video_embed_url(page.video_url),
    )


@bp.route("/lessons/<int:lesson_id>/done", methods=["POST"])
@roles_required(Role.OFFICER)
def mark_done(lesson_id: int):
    db = get_session()
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.", "error")
        return redirect(url_for("courses.lesson", lesson_id=lesson_id))
    lessons.mark_done(db, current_user, lesson_id, utcnow())
    db.commit()
    flash("Đã ghi nhận bạn học xong bài này.", "success")
    outline_next = int_arg("next_id", source=request.form)
    if outline_next:
        return redirect(url_for("courses.lesson", lesson_id=outline_next))
    return redirect(url_for("courses.course", course_id=lessons.get_lesson(db, lesson_id).module.course_id))


@bp.route("/lessons/<int:lesson_id>/done.json", methods=["POST"])
@roles_required(Role.OFFICER)
def mark_done_json(lesson_id: int):
    db = get_session()
    progress = lessons.mark_done(db, current_user, lesson_id, utcnow())
    db.commit()
    return jsonify(
        {
            "done": True,
            "percent": progress.percent,
            "done_lessons": progress.done_lessons,
            "total_lessons": progress.total_lessons,
            "completed": progress.completed,
            "modules": {str(m.module_id): m.percent for m in progress.modules},
        }
    )


@bp.route("/attachments/<int:attachment_id>")
@roles_required()
def attachment(attachment_id: int):
    item = lessons.get_attachment(get_session(), current_user, attachment_id)
    path = attachments_dir() / item.stored_name
    if not path.is_file():
        raise NotFound("Tệp đính kèm không còn trên máy chủ.")
    return send_file(path, mimetype=item.mimetype, as_attachment=True, download_name=item.filename, max_age=0)
