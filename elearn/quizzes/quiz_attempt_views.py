"""The learner's pages: available quizzes, start, the attempt (script autosave or page-by-page form),
summary, submit, review."""

from __future__ import annotations

import json
import random

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from elearn.accounts.models import Role, User
from elearn.accounts.services import add_login_flag
from elearn.db import begin_writes, end_reads, get_session, reads_then_one_statement, use_transactions, utcnow
from elearn.errors import DomainError, NotFound
from elearn.extensions import csrf_token
from elearn.quizzes import attempts as svc
from elearn.quizzes.quiz_access import can_manage, officer_may_take, quizzes_for_officer
from elearn.quizzes.quiz_blueprint import bp, officer_json
from elearn.quizzes.quiz_forms import ConfirmForm
from elearn.quizzes.quiz_models import Quiz, QuizAttempt
from elearn.quizzes.quiz_review import (
    band_text,
    page_slice,
    pages,
    response_from_form,
    review_flags,
    shown_questions,
)
from elearn.quizzes.results import quiz_grade
from elearn.web import int_arg, on_expired_login, roles_required

FORM_TOKEN_SALT = "quiz-attempt-form"  # noqa: S105 (a signing salt, not a secret)
SKIP_SWEEP = {"static", "quizzes.answer", "quizzes.token", "home.healthz"}


add_login_flag("expired_attempts", svc.HAS_EXPIRED_ATTEMPTS, skip=SKIP_SWEEP)


@bp.before_app_request
def _close_my_expired_attempts():
    """Any page load of a learner submits their attempts whose time ran out (with what was saved)."""
    if request.endpoint in SKIP_SWEEP or not current_user.is_authenticated:
        return
    officer_id = current_user.officer_id
    if officer_id is None or not current_user.login_flags.get("expired_attempts"):
        return
    db = get_session()
    try:
        db.commit()
        begin_writes()
        if svc.close_expired(db, utcnow(), officer_id=officer_id):
            db.commit()
    except OperationalError:  # SQLite busy: the next page load (or the CLI sweep) closes it
        db.rollback()


@bp.route("/")
@roles_required(Role.OFFICER)
def my_quizzes():
    db = get_session()
    officer_id = current_user.officer_id
    rows = []
    for quiz in quizzes_for_officer(db, officer_id):
        rows.append(
            {
                "quiz": quiz,
                "grade": quiz_grade(db, quiz, officer_id),
                "left": svc.attempts_left(db, quiz, officer_id),
                "open": svc.open_attempt(db, quiz.id, officer_id),
                "why_not": svc.availability(quiz, utcnow()),
            }
        )
    return render_template("quizzes/my_quizzes.html", rows=rows)


def _quiz_for_officer(db, quiz_id: int) -> Quiz:
    quiz = db.get(Quiz, quiz_id)
    if quiz is None or not officer_may_take(db, current_user.officer_id, quiz):
        raise NotFound("Không tìm thấy bài kiểm tra.")
    return quiz


@bp.route("/<int:quiz_id>")
@roles_required(Role.OFFICER)
def quiz_info(quiz_id: int):
    db = get_session()
    quiz = _quiz_for_officer(db, quiz_id)
    officer_id = current_user.officer_id
    mine = db.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.officer_id == officer_id)
        .order_by(QuizAttempt.number)
    ).all()
    return render_template(
        "quizzes/quiz_info.html",
        quiz=quiz,
        attempts=mine,
        grade=quiz_grade(db, quiz, officer_id),
        left=svc.attempts_left(db, quiz, officer_id),
        current=svc.open_attempt(db, quiz.id, officer_id),
        why_not=svc.availability(quiz, utcnow()),
        form=ConfirmForm(),
        flags={a.id: review_flags(quiz, a, utcnow()) for a in mine},
    )


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@roles_required(Role.OFFICER)
def start(quiz_id: int):
    db = get_session()
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("quizzes.quiz_info", quiz_id=quiz_id))
    try:
        attempt = svc.start_attempt(db, current_user, quiz_id, utcnow(), random.Random())
    except DomainError as exc:
        if exc.status_code == 404:
            raise
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("quizzes.quiz_info", quiz_id=quiz_id))
    db.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _own_open_attempt(db, attempt_id: int):
    """The learner's attempt, closed first if its time ran out; None once it is submitted."""
    attempt = svc.get_own_attempt(db, current_user, attempt_id)
    quiz = db.get(Quiz, attempt.quiz_id)
    if attempt.state == "in_progress" and svc.is_expired(attempt, quiz.grace_seconds, utcnow()):
        db.commit()
        begin_writes()
        svc.submit_attempt(db, attempt, utcnow())
        db.commit()
        flash("Đã hết giờ: bài làm đã được nộp với các câu trả lời đã lưu.", "info")
    return (attempt, quiz) if attempt.state == "in_progress" else (None, quiz)


@bp.route("/attempts/<int:attempt_id>")
@roles_required(Role.OFFICER)
def attempt(attempt_id: int):
    db = get_session()
    attempt, quiz = _own_open_attempt(db, attempt_id)
    if attempt is None:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    questions = shown_questions(attempt, review_flags(quiz, attempt, utcnow()))
    total_pages = pages(questions)
    page = min(max(int_arg("page", 1) or 1, 1), total_pages)
    return render_template(
        "quizzes/attempt.html",
        quiz=quiz,
        attempt=attempt,
        questions=page_slice(questions, page),
        page=page,
        pages=total_pages,
        answered=sum(1 for q in questions if q.response not in (None, "", [], {})),
        total=len(questions),
        now=utcnow(),
        form_token=form_token(attempt.id, current_user.id),
    )


def _refuse_late(db, attempt_id: int, message: str):
    """A late answer is refused, and the attempt is submitted with what was saved."""
    db.rollback()
    use_transactions(db)
    attempt = db.get(QuizAttempt, attempt_id)
    if attempt is not None and attempt.state == "in_progress":
        db.commit()
        svc.submit_attempt(db, attempt, utcnow())
        db.commit()
    return message


def form_token(attempt_id: int, user_id: int) -> str:
    """Signed into the page-by-page form: this page was given to this user for this attempt. It lets the
    form's answers be saved when the login or CSRF token has expired by the time it is sent (see below)."""
    return URLSafeSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT).dumps([attempt_id, user_id])


def _form_token_user(db, attempt_id: int) -> User | None:
    try:
        signed_attempt, user_id = URLSafeSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT).loads(
            request.form.get("attempt_token", "")
        )
    except (BadSignature, TypeError, ValueError):
        return None
    user = db.get(User, user_id) if signed_attempt == attempt_id else None
    return user if user is not None and user.is_active else None


def _posted_page() -> int:
    raw_page = request.form.get("page", "1")
    return max(int(raw_page), 1) if raw_page.isdigit() else 1


def _unchanged(position: int, response) -> bool:
    """True when the page form sends a question back as it was shown (the page carries what it showed)."""
    try:
        return json.loads(request.form.get(f"was{position}", "")) == response
    except ValueError:
        return False


def _save_posted_page(db, user: User, attempt_id: int):
    """Saves the posted page's answers for `user`; the response to send, or None when they are saved."""
    attempt = svc.get_own_attempt(db, user, attempt_id)
    quiz = db.get(Quiz, attempt.quiz_id)
    if attempt.state != "in_progress":
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    questions = {q.position: q for q in shown_questions(attempt, review_flags(quiz, attempt, utcnow()))}
    now = utcnow()
    try:
        checked = []
        for raw in request.form.getlist("present"):
            shown = questions.get(int(raw)) if raw.isdigit() else None
            if shown is None:
                raise svc.ValidationError("Câu hỏi không thuộc bài làm này.")
            response = response_from_form(shown.kind, request.form, shown.position, shown.stems)
            if _unchanged(shown.position, response):
                continue  # left as shown: another tab (or the script) may have saved a newer answer since
            checked.append((svc.check_answer(db, user, attempt_id, shown.position, response, now), response))
        db.commit()
        for item, response in checked:
            svc.store_answer(db, item, response, now)
        db.commit()
    except svc.AttemptClosed as exc:
        flash(_refuse_late(db, attempt_id, exc.message), "error")
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=_posted_page()))
    return None


@bp.route("/attempts/<int:attempt_id>/page", methods=["POST"])
@roles_required(Role.OFFICER)
def save_page(attempt_id: int):
    """The page-by-page form (no JavaScript): saves the page's answers, then moves on."""
    db = get_session()
    attempt, _quiz = _own_open_attempt(db, attempt_id)
    if attempt is None:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    refused = _save_posted_page(db, current_user, attempt_id)
    if refused is not None:
        return refused
    page = _posted_page()
    action = request.form.get("action", "next")
    if action == "finish":
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
    target = page - 1 if action == "prev" else page + 1 if action == "next" else page
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=max(target, 1)))


def _back_after_login(target: str):
    """To `target`, through the login page when the login itself has expired."""
    if current_user.is_authenticated:
        return redirect(target)
    return redirect(url_for("accounts.login", next=target))


@on_expired_login("quizzes.save_page")
def _save_page_after_expired_login():
    """The page form came back after the login (or its CSRF token) expired. Its signed form token says whose
    page it is, so the answers are saved anyway (still within the deadline and its grace: check_answer and
    store_answer decide as for any answer); then the learner logs in again and is back on that page."""
    attempt_id = request.view_args["attempt_id"]
    target = url_for("quizzes.attempt", attempt_id=attempt_id, page=_posted_page())
    db = get_session()
    user = _form_token_user(db, attempt_id)
    if user is None:
        flash("Phiên làm việc đã hết hạn nên các câu trả lời trên trang chưa được lưu.", "error")
    else:
        try:
            refused = _save_posted_page(db, user, attempt_id)
        except DomainError as exc:  # not this user's attempt
            db.rollback()
            flash(exc.message, "error")
        else:
            if refused is None:
                flash("Phiên làm việc đã hết hạn, nhưng các câu trả lời trên trang đã được lưu.", "info")
    return _back_after_login(target)


@on_expired_login("quizzes.submit")
def _submit_after_expired_login():
    """The "Nộp bài" form after the login expired: nothing is submitted (every answer was saved before); after
    logging in again the learner is back on the summary page to press it again."""
    target = url_for("quizzes.summary", attempt_id=request.view_args["attempt_id"])
    flash("Phiên làm việc đã hết hạn nên bài chưa được nộp. Các câu trả lời đã lưu vẫn còn.", "error")
    return _back_after_login(target)


@bp.route("/attempts/<int:attempt_id>/answer", methods=["POST"])
@officer_json
@reads_then_one_statement
def answer(attempt_id: int):
    """quiz.js posts {position, response}; one SELECT validates it, one UPDATE stores it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or "position" not in payload:
        return jsonify({"saved": False, "error": "Dữ liệu gửi lên không hợp lệ."}), 400
    db = get_session()
    now = utcnow()
    response = payload.get("response")
    try:
        checked = svc.check_answer(db, current_user, attempt_id, payload["position"], response, now)
        end_reads(db)
        svc.store_answer(db, checked, response, now)
        db.commit()
    except svc.AttemptClosed as exc:
        message = _refuse_late(db, attempt_id, exc.message)
        review = url_for("quizzes.review", attempt_id=attempt_id)
        return jsonify({"saved": False, "closed": True, "error": message, "review_url": review}), 409
    except DomainError as exc:
        db.rollback()
        return jsonify({"saved": False, "error": exc.message}), exc.status_code
    return jsonify({"saved": True, "saved_at": now.isoformat() + "Z", "position": payload["position"]})


@bp.route("/attempts/<int:attempt_id>/token")
@officer_json
def token(attempt_id: int):
    """A fresh CSRF token for the script after the old one was refused (the one the pages now carry)."""
    return jsonify({"csrf_token": csrf_token()})


@bp.route("/attempts/<int:attempt_id>/summary")
@roles_required(Role.OFFICER)
def summary(attempt_id: int):
    db = get_session()
    attempt, quiz = _own_open_attempt(db, attempt_id)
    if attempt is None:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    questions = shown_questions(attempt, review_flags(quiz, attempt, utcnow()))
    return render_template(
        "quizzes/summary.html",
        quiz=quiz,
        attempt=attempt,
        questions=questions,
        page_of={q.position: i // 5 + 1 for i, q in enumerate(questions)},
        form=ConfirmForm(),
        now=utcnow(),
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required(Role.OFFICER)
def submit(attempt_id: int):
    """Submitting twice counts once: the second call finds the attempt submitted and shows the review."""
    db = get_session()
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
    attempt = svc.get_own_attempt(db, current_user, attempt_id)
    db.commit()
    if svc.submit_attempt(db, attempt, utcnow()):
        flash("Đã nộp bài.", "success")
    db.commit()
    return redirect(url_for("quizzes.review", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/review")
@roles_required(Role.OFFICER, Role.TRAINER, Role.ADMIN)
def review(attempt_id: int):
    db = get_session()
    attempt = db.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound("Không tìm thấy bài làm.")
    quiz = db.get(Quiz, attempt.quiz_id)
    trainer = not current_user.has_role(Role.OFFICER)
    if trainer and not can_manage(db, current_user, quiz):
        raise NotFound("Không tìm thấy bài làm.")
    if not trainer:
        attempt, quiz = _own_open_attempt(db, attempt_id)
        if attempt is not None:
            return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
        attempt = db.get(QuizAttempt, attempt_id)
    flags = review_flags(quiz, attempt, utcnow(), trainer=trainer)
    return render_template(
        "quizzes/review.html",
        quiz=quiz,
        attempt=attempt,
        flags=flags,
        questions=shown_questions(attempt, flags),
        band=band_text(quiz, attempt.percent) if flags["score"] else None,
        trainer=trainer,
    )
