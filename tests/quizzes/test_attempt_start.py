"""Starting an attempt: frozen versions and order, start twice, unseen-first drawing, shuffle stability."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from elearn.errors import ValidationError
from elearn.quizzes import attempts
from elearn.quizzes.models import Question, QuestionVersion
from elearn.quizzes.quiz_models import AttemptQuestion, QuizAttempt
from tests import factories

NOW = datetime(2026, 3, 2, 8, 0)


def test_start_freezes_versions_order_and_deadline(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db, time_limit_minutes=15)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(3))
    assert attempt.deadline_at == NOW + timedelta(minutes=15)
    assert sorted(aq.position for aq in attempt.questions) == [1, 2, 3, 4, 5]
    q2 = next(aq for aq in attempt.questions if aq.version.name == "Q2 chọn")
    assert sorted(q2.choice_order) == ["a1", "a2", "a3"]
    # A later edit (a new version) does not touch the attempt.
    question = db.get(Question, q2.version.question_id)
    v2 = QuestionVersion(
        question_id=question.id, version=2, qtype="single_choice", name="Q2 sửa", data=q2.version.data
    )
    db.add(v2)
    db.flush()
    question.current_version_id = v2.id
    db.flush()
    db.expire_all()
    assert db.get(AttemptQuestion, q2.id).question_version_id != v2.id


def test_close_at_caps_the_deadline(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db, time_limit_minutes=60)
    quiz.close_at = NOW + timedelta(minutes=10)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    assert attempt.deadline_at == NOW + timedelta(minutes=10)


def test_starting_twice_gives_the_same_attempt(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db)
    first = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    second = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(2))
    assert first.id == second.id
    assert db.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id)) == 1


def test_start_race_is_caught_by_the_unique_index(db, world, monkeypatch):
    """Two requests both see no attempt in progress; the second insert hits the partial unique index."""
    quiz, _, officer, _ = factories.quiz_setup(db)
    first = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    real = attempts.open_attempt
    calls = {"n": 0}

    def blind_once(session, quiz_id, officer_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, quiz_id, officer_id)

    monkeypatch.setattr(attempts, "open_attempt", blind_once)
    quiz.attempts_allowed = 5
    again = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(2))
    assert again.id == first.id
    assert calls["n"] == 2
    assert db.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id)) == 1


def test_attempts_allowed_is_enforced(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db, attempts_allowed=1)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    attempts.submit_attempt(db, attempt, NOW + timedelta(minutes=1))
    with pytest.raises(ValidationError, match="hết số lần"):
        attempts.start_attempt(db, officer, quiz.id, NOW + timedelta(minutes=2), random.Random(1))


def test_closed_or_not_yet_open_quiz_cannot_start(db, world):
    quiz, _, officer, _ = factories.quiz_setup(db)
    quiz.open_at = NOW + timedelta(days=1)
    with pytest.raises(ValidationError, match="chưa mở"):
        attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    quiz.open_at, quiz.close_at = None, NOW - timedelta(minutes=1)
    with pytest.raises(ValidationError, match="đã đóng"):
        attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))


def test_officer_not_enrolled_cannot_start(db, world):
    quiz, _, _, _ = factories.quiz_setup(db)
    other = factories.user(
        db,
        "other@test.vn",
        factories.Role.OFFICER,
        "matkhau123",
        officer_id=factories.officer(db, world.b1).id,
    )
    with pytest.raises(Exception, match="Không tìm thấy"):
        attempts.start_attempt(db, other, quiz.id, NOW, random.Random(1))


def test_shuffle_differs_between_attempts_and_is_stable_within_one(db, world, client, auth):
    quiz, _, officer, _ = factories.quiz_setup(db, attempts_allowed=0)
    orders = set()
    for seed in range(6):
        a = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(seed))
        orders.add(tuple(aq.version.name for aq in sorted(a.questions, key=lambda q: q.position)))
        attempts.submit_attempt(db, a, NOW)
    assert len(orders) > 1
    live = attempts.start_attempt(db, officer, quiz.id, NOW.replace(year=2030), random.Random(99))
    live.deadline_at = None
    db.flush()
    auth.login("officer@test.vn")
    first = client.get(f"/quizzes/attempts/{live.id}").get_data(as_text=True)
    second = client.get(f"/quizzes/attempts/{live.id}").get_data(as_text=True)
    ids = [line for line in first.splitlines() if 'name="q' in line]
    assert ids and ids == [line for line in second.splitlines() if 'name="q' in line]


def test_random_slot_prefers_unseen_questions(db, world):
    gift = "\n\n".join(f"::R{i}:: Câu hỏi số {i}? {{T}}" for i in range(1, 7))
    quiz, trainer, officer, bank = factories.quiz_setup(
        db, "$CATEGORY: Chung\n\n" + gift, code="RND", attempts_allowed=3
    )
    from decimal import Decimal

    from elearn.quizzes import quiz_services
    from elearn.quizzes.models import QuestionCategory

    for slot in list(quiz.slots):
        quiz_services.delete_slot(db, trainer, quiz.id, slot.id)
    top = db.scalar(select(QuestionCategory).where(QuestionCategory.bank_id == bank.id))
    quiz_services.add_random_slot(db, trainer, quiz.id, category_id=top.id, count=3, mark=Decimal(1))
    names = []
    for n in range(3):
        a = attempts.start_attempt(db, officer, quiz.id, NOW + timedelta(hours=n), random.Random(n))
        names.append({aq.version.name for aq in a.questions})
        attempts.submit_attempt(db, a, NOW + timedelta(hours=n, minutes=5))
    assert len(names[0]) == len(names[1]) == 3
    assert names[0].isdisjoint(names[1])  # six questions: the second attempt draws the three unseen
    assert len(names[2]) == 3


def test_random_slot_with_tag_and_subcategories(db, world):
    gift = (
        "$CATEGORY: Gốc\n\n// [tag:luat]\n::G1:: Gốc một {T}\n\n::G2:: Gốc hai {T}\n\n"
        "$CATEGORY: Gốc/Con\n\n// [tag:luat]\n::C1:: Con một {T}\n\n::C2:: Con hai {F}\n"
    )
    quiz, trainer, officer, bank = factories.quiz_setup(db, gift, code="TAG")
    from decimal import Decimal

    from elearn.quizzes import quiz_services
    from elearn.quizzes.models import QuestionCategory, Tag

    for slot in list(quiz.slots):
        quiz_services.delete_slot(db, trainer, quiz.id, slot.id)
    top = db.scalar(
        select(QuestionCategory).where(QuestionCategory.bank_id == bank.id, QuestionCategory.path == "Gốc")
    )
    tag = db.scalar(select(Tag).where(Tag.name == "luat"))
    with pytest.raises(ValidationError, match="chỉ có 1"):
        quiz_services.add_random_slot(
            db,
            trainer,
            quiz.id,
            category_id=top.id,
            count=2,
            mark=Decimal(1),
            include_subcategories=False,
            tag_id=tag.id,
        )
    quiz_services.add_random_slot(
        db, trainer, quiz.id, category_id=top.id, count=2, mark=Decimal(1), tag_id=tag.id
    )
    a = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(5))
    assert {aq.version.name for aq in a.questions} == {"G1", "C1"}
