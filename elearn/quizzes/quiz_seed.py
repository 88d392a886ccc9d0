"""Demo quizzes: one per demo course with a bank (10 questions drawn from it, 15 minutes, 2 attempts, pass
50%), the final quiz of the running blended class (20 questions, 30 minutes, required by its completion
rule), and submitted attempts of a dozen demo officers so the item statistics have data.

Call `seed_quizzes(session, ctx)` after the banks seed (it reads ctx.shared["banks"], ["courses"],
["classes"]). The demo officer (officer@demo.vn) gets no attempt: the demo is that account taking one.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.classes.models import ClassMember
from elearn.courses.services import ensure_enrolment
from elearn.quizzes import attempts, quiz_services
from elearn.quizzes.models import QuestionBank, QuestionCategory
from elearn.quizzes.quiz_draw import candidate_count
from elearn.quizzes.quiz_models import Quiz
from elearn.seed_context import SeedContext

BLENDED_CLASS = "K.292"
SIMULATED_OFFICERS = 12
STATISTICS_QUIZ = "LCD-2024"  # the course quiz that gets simulated attempts (the demo officer's course)


def _roots(session: Session, bank: QuestionBank) -> list[tuple[QuestionCategory, int]]:
    roots = session.scalars(
        select(QuestionCategory)
        .where(QuestionCategory.bank_id == bank.id, QuestionCategory.parent_id.is_(None))
        .order_by(QuestionCategory.path)
    ).all()
    return [(c, n) for c in roots if (n := candidate_count(session, c, True, None))]


def _add_draws(session: Session, actor: User, quiz: Quiz, bank: QuestionBank, count: int) -> int:
    """Random slots drawing `count` questions from the bank's top categories, in proportion to their size."""
    roots = _roots(session, bank)
    available = sum(n for _, n in roots)
    left = min(count, available)
    added = 0
    for i, (category, n) in enumerate(roots):
        share = left - added if i == len(roots) - 1 else min(n, round(left * n / available))
        if share > 0:
            quiz_services.add_random_slot(
                session, actor, quiz.id, category_id=category.id, count=share, mark=Decimal(1)
            )
            added += share
    return added


def _settings(title: str, minutes: int, attempts_allowed: int, intro: str) -> quiz_services.QuizSettings:
    return quiz_services.QuizSettings(
        title=title,
        intro=intro,
        time_limit_minutes=minutes,
        grace_seconds=60,
        attempts_allowed=attempts_allowed,
        grading_method="highest",
        pass_mark=Decimal(50),
    )


def seed_quizzes(session: Session, ctx: SeedContext) -> dict[str, Quiz]:
    trainer = ctx.users["trainer"]
    banks: dict[str, QuestionBank] = ctx.shared.get("banks", {})
    courses = ctx.shared.get("courses", {})
    quizzes: dict[str, Quiz] = {}
    for code, bank in sorted(banks.items()):
        course = courses.get(code)
        if course is None:
            continue
        intro = "Bài kiểm tra cuối chuyên đề: 10 câu rút ngẫu nhiên từ ngân hàng câu hỏi, làm trong 15 phút."
        quiz = quiz_services.create_quiz(
            session, trainer, _settings(f"Kiểm tra: {course.title}", 15, 2, intro), course_id=course.id
        )
        _add_draws(session, trainer, quiz, bank, 10)
        quizzes[code] = quiz
    blended = ctx.shared.get("classes", {}).get(BLENDED_CLASS)
    llnv = [b for c, b in sorted(banks.items()) if c.startswith("LLNV")]
    if blended is not None and llnv:
        intro = "Bài kiểm tra cuối khóa của lớp: 20 câu từ các chuyên đề của chương trình, làm trong 30 phút."
        admin = ctx.users["admin"]  # the class's trainers are the classes seed's business; admin may author
        final = quiz_services.create_quiz(
            session,
            admin,
            _settings(f"Kiểm tra cuối khóa lớp {blended.code}", 30, 2, intro),
            class_id=blended.id,
        )
        final.created_by_id = trainer.id
        per_bank, extra = divmod(20, len(llnv))
        for i, bank in enumerate(llnv):
            _add_draws(session, admin, final, bank, per_bank + (1 if i < extra else 0))
        blended.completion_rule = dict(blended.completion_rule or {}) | {"final_quiz_id": final.id}
        quizzes[BLENDED_CLASS] = final
    session.flush()
    shown = quizzes.get(STATISTICS_QUIZ) or next(iter(quizzes.values()), None)
    if shown is not None and shown.course_id is not None:
        _simulated_attempts(session, ctx, shown)
    ctx.shared["quizzes"] = quizzes
    return quizzes


def _simulated_attempts(session: Session, ctx: SeedContext, quiz: Quiz) -> None:
    """Submitted attempts of demo officers with accounts-free answers (skill varies by officer)."""
    demo_id = ctx.demo_officer.id
    members = session.scalars(
        select(ClassMember.officer_id).where(ClassMember.officer_id != demo_id).order_by(ClassMember.id)
    ).all()
    officer_ids = list(dict.fromkeys(members))[:SIMULATED_OFFICERS]
    rng = random.Random(4242)
    day = datetime.combine(ctx.today - timedelta(days=2), time(13, 0))
    for n, officer_id in enumerate(officer_ids):
        ensure_enrolment(session, officer_id, quiz.course_id, "self", day)
        learner = SimpleNamespace(officer_id=officer_id)  # officers without accounts take part too
        started = day + timedelta(minutes=17 * n)
        attempt = attempts.start_attempt(session, learner, quiz.id, started, rng)
        skill = 0.35 + 0.6 * rng.random()
        for aq in attempt.questions:
            aq.response = simulated_response(aq.version.qtype, aq.version.data, rng.random() < skill, rng)
            aq.response_saved_at = started + timedelta(minutes=1)
        session.flush()
        attempts.submit_attempt(session, attempt, started + timedelta(minutes=9))


def simulated_response(qtype: str, data: dict, right: bool, rng: random.Random):
    """A plausible response: the key when `right`, else a wrong choice (used by the demo and the bench)."""
    if qtype in ("single_choice", "multiple_response"):
        choices = data["choices"]
        good = [c["id"] for c in choices if Decimal(c["fraction"]) > 0]
        bad = [c["id"] for c in choices if Decimal(c["fraction"]) <= 0] or good
        if qtype == "single_choice":
            best = max(choices, key=lambda c: Decimal(c["fraction"]))["id"]
            return best if right else rng.choice(bad)
        return good if right else [rng.choice(bad)]
    if qtype == "true_false":
        return "true" if data["correct"] == right else "false"
    if qtype == "short_answer":
        best = max(data["answers"], key=lambda a: Decimal(a["fraction"]))
        return best["text"].replace("*", "") if right else "không rõ"
    if qtype == "numerical":
        real = [a for a in data["answers"] if a["value"] != "*"]
        best = max(real, key=lambda a: Decimal(a["fraction"]))
        return best["value"] if right else "999999"
    if qtype == "matching":
        ids = [c["id"] for c in data["choices"]]
        return {s["id"]: (s["choice_id"] if right else rng.choice(ids)) for s in data["stems"]}
    return None  # essays stay blank in simulated attempts
