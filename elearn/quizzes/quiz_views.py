"""The trainer's quiz pages: list, create, settings, slots, results, statistics, export, regrade, hand
grading."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.db import get_session, utcnow
from elearn.errors import DomainError
from elearn.officers.models import Officer
from elearn.quizzes import grading, quiz_access, regrade, stats
from elearn.quizzes import quiz_services as svc
from elearn.quizzes.models import Question, QuestionCategory, QuestionVersion, Tag
from elearn.quizzes.quiz_blueprint import bp
from elearn.quizzes.quiz_export import responses_xlsx
from elearn.quizzes.quiz_forms import (
    ConfirmForm,
    FixedSlotForm,
    HandGradeForm,
    NewQuizForm,
    QuizSettingsForm,
    RandomSlotForm,
    RegradeForm,
)
from elearn.quizzes.quiz_models import QuizAttempt
from elearn.vietnamese import name_key, sort_key
from elearn.web import choices, committing, roles_required

TRAINERS = (Role.TRAINER, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/manage")
@roles_required(*TRAINERS)
def manage():
    db = get_session()
    return render_template(
        "quizzes/manage.html",
        quizzes=quiz_access.managed_quizzes(db, current_user),
        queue=len(grading.grading_queue(db, current_user)),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def new():
    db = get_session()
    courses, classes = quiz_access.owner_choices(db, current_user)
    form = NewQuizForm()
    form.owner.choices = choices(
        [(f"course:{c.id}", f"Chuyên đề {c.code} — {c.title}") for c in courses]
        + [(f"class:{c.id}", f"Lớp {c.code} — {c.title}") for c in classes]
    )
    if request.method == "GET" and request.args.get("owner"):
        form.owner.data = request.args["owner"]
    if form.validate_on_submit():
        kind, _, ident = form.owner.data.partition(":")
        target = {"course_id": int(ident)} if kind == "course" else {"class_id": int(ident)}
        with committing(db, "Đã tạo bài kiểm tra. Hãy thêm câu hỏi.") as outcome:
            quiz = svc.create_quiz(db, current_user, form.settings(), **target)
        if outcome.ok:
            return redirect(url_for("quizzes.slots", quiz_id=quiz.id))
    elif request.method == "GET":
        form.bands.data = "\n".join(f"{b['min']} | {b['text']}" for b in svc.DEFAULT_BANDS)
    return render_template("quizzes/edit.html", form=form, quiz=None)


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def edit(quiz_id: int):
    db = get_session()
    quiz = quiz_access.get_managed_quiz(db, current_user, quiz_id)
    form = QuizSettingsForm()
    if request.method == "GET":
        form.fill_from(svc.settings_of(quiz))
    if form.validate_on_submit():
        with committing(db, "Đã lưu cài đặt bài kiểm tra.") as outcome:
            svc.update_quiz(db, current_user, quiz.id, form.settings())
        if outcome.ok:
            return redirect(url_for("quizzes.slots", quiz_id=quiz.id))
    return render_template("quizzes/edit.html", form=form, quiz=quiz)


def _slot_forms(db):
    banks = {b.id: b for b in quiz_access.usable_banks(db, current_user)}
    fixed, rand = FixedSlotForm(prefix="f"), RandomSlotForm(prefix="r")
    questions = db.execute(
        select(Question.id, QuestionVersion.name, Question.bank_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.bank_id.in_(banks), Question.hidden.is_(False))
        .order_by(Question.bank_id, QuestionVersion.name)
        .limit(2000)
    ).all()
    fixed.question_id.choices = choices((q.id, f"[{banks[q.bank_id].code}] {q.name}") for q in questions)
    categories = db.scalars(
        select(QuestionCategory).where(QuestionCategory.bank_id.in_(banks)).order_by(QuestionCategory.path)
    ).all()
    rand.category_id.choices = choices((c.id, f"[{banks[c.bank_id].code}] {c.path}") for c in categories)
    rand.tag_id.choices = choices(
        [(0, "— Mọi câu hỏi —")]
        + [(t.id, t.name) for t in sorted(db.scalars(select(Tag)), key=lambda t: sort_key(t.name))]
    )
    return fixed, rand


@bp.route("/<int:quiz_id>/slots")
@roles_required(*TRAINERS)
def slots(quiz_id: int):
    db = get_session()
    quiz = quiz_access.get_managed_quiz(db, current_user, quiz_id)
    fixed, rand = _slot_forms(db)
    described = []
    for slot in quiz.slots:
        if slot.question_id:
            q = db.get(Question, slot.question_id)
            label = q.current_version.name if q and q.current_version else "(câu hỏi đã xóa)"
        else:
            cat = db.get(QuestionCategory, slot.category_id)
            tag = db.get(Tag, slot.tag_id) if slot.tag_id else None
            label = f"Rút ngẫu nhiên {slot.count} câu từ «{cat.path if cat else '?'}»"
            label += " (gồm nhóm con)" if slot.include_subcategories else ""
            label += f", thẻ «{tag.name}»" if tag else ""
        described.append((slot, label))
    return render_template(
        "quizzes/slots.html",
        quiz=quiz,
        slots=described,
        fixed=fixed,
        rand=rand,
        confirm=ConfirmForm(),
        total=svc.question_count(quiz),
    )


@bp.route("/<int:quiz_id>/slots/fixed", methods=["POST"])
@roles_required(*TRAINERS)
def add_fixed(quiz_id: int):
    db = get_session()
    quiz_access.get_managed_quiz(db, current_user, quiz_id)
    fixed, _ = _slot_forms(db)
    if fixed.validate_on_submit():
        with committing(db, "Đã thêm câu hỏi."):
            svc.add_fixed_slot(db, current_user, quiz_id, fixed.question_id.data, fixed.mark.data)
    else:
        flash("Hãy chọn câu hỏi và nhập điểm.", "error")
    return redirect(url_for("quizzes.slots", quiz_id=quiz_id))


@bp.route("/<int:quiz_id>/slots/random", methods=["POST"])
@roles_required(*TRAINERS)
def add_random(quiz_id: int):
    db = get_session()
    quiz_access.get_managed_quiz(db, current_user, quiz_id)
    _, rand = _slot_forms(db)
    if rand.validate_on_submit():
        with committing(db, "Đã thêm lượt rút câu hỏi ngẫu nhiên."):
            svc.add_random_slot(
                db,
                current_user,
                quiz_id,
                category_id=rand.category_id.data,
                count=rand.count.data,
                mark=rand.mark.data,
                include_subcategories=rand.include_subcategories.data,
                tag_id=rand.tag_id.data or None,
            )
    else:
        flash("Hãy chọn nhóm câu hỏi, số câu và điểm.", "error")
    return redirect(url_for("quizzes.slots", quiz_id=quiz_id))


@bp.route("/<int:quiz_id>/slots/<int:slot_id>/delete", methods=["POST"])
@roles_required(*TRAINERS)
def delete_slot(quiz_id: int, slot_id: int):
    db = get_session()
    if ConfirmForm().validate_on_submit():
        svc.delete_slot(db, current_user, quiz_id, slot_id)
        db.commit()
        flash("Đã bỏ câu hỏi khỏi bài kiểm tra.", "success")
    return redirect(url_for("quizzes.slots", quiz_id=quiz_id))


@bp.route("/<int:quiz_id>/results")
@roles_required(*TRAINERS)
def results(quiz_id: int):
    db = get_session()
    quiz = quiz_access.get_managed_quiz(db, current_user, quiz_id)
    rows = db.execute(
        select(QuizAttempt, Officer)
        .join(Officer, Officer.id == QuizAttempt.officer_id)
        .where(QuizAttempt.quiz_id == quiz.id)
        .order_by(Officer.id, QuizAttempt.number)
    ).all()
    rows.sort(key=lambda row: name_key(row.Officer.full_name))  # stable: attempts stay in order
    return render_template("quizzes/results.html", quiz=quiz, rows=rows)


@bp.route("/<int:quiz_id>/stats")
@roles_required(*TRAINERS)
def statistics(quiz_id: int):
    db = get_session()
    which = "first" if request.args.get("which") == "first" else "all"
    quiz = quiz_access.get_managed_quiz(db, current_user, quiz_id)
    return render_template(
        "quizzes/stats.html", quiz=quiz, st=stats.quiz_stats(db, current_user, quiz_id, which), which=which
    )


@bp.route("/<int:quiz_id>/responses.xlsx")
@roles_required(*TRAINERS)
def export_responses(quiz_id: int):
    data = responses_xlsx(get_session(), current_user, quiz_id)
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="bai-kiem-tra-{quiz_id}-cau-tra-loi.xlsx"'},
    )


@bp.route("/<int:quiz_id>/regrade", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def regrade_quiz(quiz_id: int):
    db = get_session()
    quiz = quiz_access.get_managed_quiz(db, current_user, quiz_id)
    form = RegradeForm()
    if request.method == "POST":
        if form.validate_on_submit():
            use_new = form.use_new_version.data == "1"
            changes = regrade.apply(db, current_user, quiz.id, use_new_version=use_new, now=utcnow())
            db.commit()
            flash(f"Đã chấm lại: {len(changes)} bài làm thay đổi điểm.", "success")
        return redirect(url_for("quizzes.results", quiz_id=quiz.id))
    use_new = request.args.get("new") == "1"
    form.use_new_version.data = "1" if use_new else "0"
    changes = regrade.plan(db, current_user, quiz.id, use_new_version=use_new)
    return render_template("quizzes/regrade.html", quiz=quiz, changes=changes, use_new=use_new, form=form)


@bp.route("/grading")
@roles_required(*TRAINERS)
def grading_queue():
    db = get_session()
    items = []
    for aq in grading.grading_queue(db, current_user):
        attempt = db.get(QuizAttempt, aq.attempt_id)
        items.append((aq, attempt, db.get(Officer, attempt.officer_id), HandGradeForm(prefix=f"g{aq.id}")))
    return render_template("quizzes/grading.html", items=items)


@bp.route("/grading/<int:aq_id>", methods=["POST"])
@roles_required(*TRAINERS)
def grade_answer(aq_id: int):
    db = get_session()
    form = HandGradeForm(prefix=f"g{aq_id}")
    if not form.validate_on_submit():
        flash("Hãy nhập điểm hợp lệ.", "error")
        return redirect(url_for("quizzes.grading_queue"))
    try:
        aq = grading.grade_by_hand(db, current_user, aq_id, form.mark.data, form.comment.data or "", utcnow())
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("quizzes.grading_queue"))
    db.commit()
    flash(f"Đã chấm câu {aq.position}.", "success")
    return redirect(url_for("quizzes.grading_queue"))
