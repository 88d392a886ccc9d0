"""The demo quiz seed: a drawn quiz per course bank, a final class quiz wired into the completion rule,
and simulated submitted attempts for statistics."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from elearn.classes.models import ClassMember, TrainingClass
from elearn.quizzes import quiz_seed, stats
from elearn.quizzes.quiz_models import QuizAttempt
from elearn.seed_context import SeedContext
from tests import factories

GIFT = "$CATEGORY: Chung\n\n" + "\n\n".join(f"::D{i}:: Câu {i} {{T}}" for i in range(1, 26))


def test_seed_creates_quizzes_and_attempts(db, world):
    trainer = world.trainer
    course = factories.quiz_course(db, "LCD-2024", trainer)
    bank = factories.bank_from_gift(db, "LCD-2024", GIFT, owner=trainer, course=course)
    llnv = factories.bank_from_gift(db, "LLNV-01", GIFT.replace("::D", "::L"), owner=trainer)
    blended = TrainingClass(
        code="K.292", title="Lớp K.292", course_id=course.id, unit_id=world.a.id,
        start_date=date(2026, 3, 1), end_date=date(2026, 6, 1), completion_rule={"min_attendance": 80},
    )  # fmt: skip
    db.add(blended)
    db.flush()
    members = [factories.officer(db, world.a1, name=f"Học viên {i}").id for i in range(5)]
    for officer_id in members:
        db.add(ClassMember(class_id=blended.id, officer_id=officer_id))
    db.flush()
    me = world.officer_user.officer
    users = {"trainer": trainer, "admin": world.admin, "staff": world.staff_a, "officer": world.officer_user}
    shared = {
        "banks": {"LCD-2024": bank, "LLNV-01": llnv},
        "courses": {"LCD-2024": course},
        "classes": {"K.292": blended},
    }
    ctx = SeedContext(
        today=date(2026, 3, 10), city=world.city, staff_unit=world.a, users=users,
        demo_officer=me, rng=random.Random(1), shared=shared,
    )  # fmt: skip
    quizzes = quiz_seed.seed_quizzes(db, ctx)
    course_quiz, final = quizzes["LCD-2024"], quizzes["K.292"]
    assert sum(s.count for s in course_quiz.slots) == 10 and course_quiz.time_limit_minutes == 15
    assert course_quiz.attempts_allowed == 2 and course_quiz.pass_mark == 50
    assert sum(s.count for s in final.slots) == 20 and final.time_limit_minutes == 30
    assert blended.completion_rule == {"min_attendance": 80, "final_quiz_id": final.id}
    done = db.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == course_quiz.id)).all()
    assert len(done) == 5 and all(a.state == "submitted" and a.marks is not None for a in done)
    assert me.id not in {a.officer_id for a in done}
    assert stats.quiz_stats(db, trainer, course_quiz.id).n == 5
