"""Regrading after a trainer fixes a question: dry run lists the changes, apply writes them with audit."""

from __future__ import annotations

import copy
import random
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from elearn.audit.models import AuditEvent
from elearn.quizzes import attempts, regrade
from elearn.quizzes.models import Question, QuestionVersion
from elearn.quizzes.quiz_models import QuizAttempt
from tests import factories

NOW = datetime(2026, 3, 2, 8, 0)


def _fix_key(db, name: str, right: str):
    """A new version of question `name` whose right choice is `right` (the bank's key was wrong)."""
    old = db.scalar(select(QuestionVersion).where(QuestionVersion.name == name))
    data = copy.deepcopy(old.data)
    for c in data["choices"]:
        c["fraction"] = "1" if c["id"] == right else "0"
    new = QuestionVersion(question_id=old.question_id, version=2, qtype=old.qtype, name=name, data=data)
    db.add(new)
    db.flush()
    db.get(Question, old.question_id).current_version_id = new.id
    db.flush()
    return old, new


def test_regrade_dry_run_then_apply_with_audit(db, world):
    quiz, trainer, officer, _ = factories.quiz_setup(db, attempts_allowed=0)
    answers = ["a2", "a1"]  # attempt 1 chose "Chính phủ" (wrong under the old key), attempt 2 "Quốc hội"
    done = []
    for n, choice in enumerate(answers):
        attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(n))
        q2 = next(aq for aq in attempt.questions if aq.version.name == "Q2 chọn")
        attempts.save_answer(db, officer, attempt.id, q2.position, choice, NOW)
        db.expire_all()
        attempts.submit_attempt(db, attempt, NOW)
        done.append(attempt)
    assert [a.marks for a in done] == [Decimal("0.000"), Decimal("1.000")]
    old, new = _fix_key(db, "Q2 chọn", "a2")

    assert regrade.plan(db, trainer, quiz.id, use_new_version=False) == []  # same versions: nothing changes
    plan = regrade.plan(db, trainer, quiz.id, use_new_version=True)
    by_attempt = {c.attempt_id: c for c in plan}
    assert by_attempt[done[0].id].delta == Decimal("1.000")
    assert by_attempt[done[1].id].delta == Decimal("-1.000")
    assert (
        db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "quiz.regrade"))
        == 0
    )
    db.expire_all()
    assert db.get(QuizAttempt, done[0].id).marks == Decimal("0.000")  # the dry run wrote nothing

    applied = regrade.apply(db, trainer, quiz.id, use_new_version=True, now=NOW)
    assert len(applied) == 2
    db.expire_all()
    first = db.get(QuizAttempt, done[0].id)
    assert first.marks == Decimal("1.000")
    assert next(aq for aq in first.questions if aq.version.name == "Q2 chọn").question_version_id == new.id
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "quiz.regrade")).all()
    assert sorted(e.object_id for e in events) == sorted(str(a.id) for a in done)
    detail = next(e for e in events if e.object_id == str(done[0].id)).details
    assert detail["old_marks"] == "0.000" and detail["new_marks"] == "1.000"
    assert detail["questions"][0]["old_version_id"] == old.id
    assert regrade.plan(db, trainer, quiz.id, use_new_version=True) == []  # applied once


def test_regrade_pages(db, world, client, auth):
    quiz, trainer, officer, _ = factories.quiz_setup(db)
    attempt = attempts.start_attempt(db, officer, quiz.id, NOW, random.Random(1))
    q2 = next(aq for aq in attempt.questions if aq.version.name == "Q2 chọn")
    attempts.save_answer(db, officer, attempt.id, q2.position, "a2", NOW)
    db.expire_all()
    attempts.submit_attempt(db, attempt, NOW)
    _fix_key(db, "Q2 chọn", "a2")
    auth.login("trainer@test.vn")
    page = client.get(f"/quizzes/{quiz.id}/regrade?new=1").get_data(as_text=True)
    assert "1 bài làm sẽ thay đổi" in page and '<td class="num">+1</td>' in page
    res = auth.post(f"/quizzes/{quiz.id}/regrade", {"use_new_version": "1"})
    assert res.status_code == 302
    db.expire_all()
    assert db.get(QuizAttempt, attempt.id).marks == Decimal("1.000")
