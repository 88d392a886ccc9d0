"""Session pages of the classes blueprint: schedule a session, take attendance on a phone, import marks.

The views are registered on elearn.classes.views.bp through ROUTES (one blueprint per feature).
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from elearn.accounts.models import Role
from elearn.classes import roster, services, sessions
from elearn.classes.completion import class_has_ended, member_status
from elearn.classes.forms import EmptyForm, SessionForm, UploadForm
from elearn.db import get_session, utcnow
from elearn.errors import ImportFailed
from elearn.web import committing, roles_required

RUNNERS = (Role.TRAINER, Role.STAFF, Role.ADMIN)


def _data(form: SessionForm) -> sessions.SessionData:
    return sessions.SessionData(
        form.day.data, form.start.data, form.end.data, form.place.data, form.topic.data or ""
    )


@roles_required(*RUNNERS)
def session_new(class_id: int):
    db = get_session()
    tc = services.get_class(db, current_user, class_id)
    form = SessionForm()
    if request.method == "GET":
        form.day.data = max(tc.start_date, min(tc.end_date, sessions.to_local(utcnow()).date()))
    if form.validate_on_submit():
        with committing(db, "Đã thêm buổi học.") as outcome:
            row = sessions.create_session(db, current_user, class_id, _data(form))
        if outcome.ok:
            return redirect(url_for("classes.session_page", session_id=row.id))
    return render_template("classes/session_form.html", form=form, tc=tc, row=None)


@roles_required(*RUNNERS)
def session_edit(session_id: int):
    db = get_session()
    row = sessions.get_session_for(db, current_user, session_id)
    form = SessionForm()
    if request.method == "GET":
        start, end = sessions.to_local(row.starts_at), sessions.to_local(row.ends_at)
        form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
        form.place.data, form.topic.data = row.place, row.topic
    if form.validate_on_submit():
        with committing(db, "Đã lưu buổi học.") as outcome:
            sessions.update_session(db, current_user, session_id, _data(form))
        if outcome.ok:
            return redirect(url_for("classes.session_page", session_id=session_id))
    return render_template("classes/session_form.html", form=form, tc=row.training_class, row=row)


@roles_required(*RUNNERS)
def session_delete(session_id: int):
    db = get_session()
    row = sessions.get_session_for(db, current_user, session_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("classes.session_page", session_id=session_id))
    class_id = sessions.delete_session(db, current_user, row.id)
    db.commit()
    flash("Đã xóa buổi học.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@roles_required(*RUNNERS)
def session_page(session_id: int):
    """The attendance sheet: one big button per member; works as plain forms without JavaScript."""
    db = get_session()
    row, sheet = sessions.attendance_sheet(db, current_user, session_id)
    now = utcnow()
    return render_template(
        "classes/session.html",
        row=row,
        tc=row.training_class,
        sheet=sheet,
        present=sum(1 for r in sheet if r.present),
        started=row.starts_at <= now or class_has_ended(row.training_class, now),
        form=EmptyForm(),
        upload=UploadForm(),
    )


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@roles_required(*RUNNERS)
def mark(session_id: int, officer_id: int):
    """Sets one mark. JSON {"present": true|false} from attendance.js, or the row's form without JS."""
    db = get_session()
    row = sessions.get_session_for(db, current_user, session_id)
    if _wants_json():
        payload = request.get_json(silent=True) or {}
        present = payload.get("present")
        if not isinstance(present, bool):
            return jsonify({"error": "Thiếu trạng thái có mặt."}), 400
    else:
        if not EmptyForm().validate_on_submit():
            flash("Phiên làm việc đã hết hạn. Hãy tải lại trang.", "error")
            return redirect(url_for("classes.session_page", session_id=session_id))
        present = request.form.get("present") == "1"
    now = utcnow()
    sessions.set_attendance(db, current_user, session_id, officer_id, present, now)
    db.commit()
    if _wants_json():
        _, sheet = sessions.attendance_sheet(db, current_user, session_id)
        status = member_status(db, row.training_class, officer_id, now)
        return jsonify(
            {
                "officer_id": officer_id,
                "present": present,
                "present_count": sum(1 for r in sheet if r.present),
                "total": len(sheet),
                "completed": status.completed,
                "attendance_percent": status.attendance_percent,
            }
        )
    return redirect(url_for("classes.session_page", session_id=session_id, _anchor=f"m{officer_id}"))


@roles_required(*RUNNERS)
def attendance_import(session_id: int):
    db = get_session()
    row = sessions.get_session_for(db, current_user, session_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash("; ".join(form.file.errors) or "Hãy chọn tệp.", "error")
        return redirect(url_for("classes.session_page", session_id=session_id))
    upload = form.file.data
    try:
        changed = roster.import_attendance(
            db, current_user, session_id, upload.filename or "tep.xlsx", upload.read(), now=utcnow()
        )
    except ImportFailed as exc:
        db.rollback()
        return render_template("classes/import_errors.html", tc=row.training_class, errors=exc.errors), 422
    db.commit()
    flash(f"Đã nhập điểm danh: {changed} thay đổi.", "success")
    return redirect(url_for("classes.session_page", session_id=session_id))


ROUTES = [
    ("/<int:class_id>/sessions/new", session_new, ["GET", "POST"]),
    ("/sessions/<int:session_id>", session_page, ["GET"]),
    ("/sessions/<int:session_id>/edit", session_edit, ["GET", "POST"]),
    ("/sessions/<int:session_id>/delete", session_delete, ["POST"]),
    ("/sessions/<int:session_id>/attendance/<int:officer_id>", mark, ["POST"]),
    ("/sessions/<int:session_id>/attendance/import", attendance_import, ["POST"]),
]
