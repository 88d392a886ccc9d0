"""Completion rules of a class: modules (course and programme), attendance thresholds, the final quiz."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from elearn.classes.completion import class_statuses, member_status
from elearn.classes.models import ClassSession
from elearn.courses.models import LessonProgress
from elearn.db import utcnow
from elearn.quizzes.quiz_models import Quiz, QuizAttempt
from tests import factories
from tests.classes import helpers as h


def _officer(db, world, name="Phạm Văn An"):
    return factories.officer(db, world.a1, name=name)


def test_attendance_threshold_80_percent_is_inclusive(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), rule={"min_attendance": 80})
    rows = h.sessions(db, tc, 5)
    good, poor = _officer(db, world, "An"), _officer(db, world, "Bình")
    for o in (good, poor):
        h.member(db, tc, o)
    h.attend(db, rows[:4], good)  # 4/5 = 80%
    h.attend(db, rows[:3], poor)  # 3/5 = 60%
    h.attend(db, rows[3:], poor, present=False)
    by_id = {s.officer_id: s for s in class_statuses(db, tc)}
    assert by_id[good.id].completed and by_id[good.id].attendance_percent == 80
    assert by_id[good.id].missing == []
    assert not by_id[poor.id].completed
    assert by_id[poor.id].missing == ["Chuyên cần 60% (cần ≥ 80%)"]
    assert (by_id[poor.id].sessions_attended, by_id[poor.id].sessions_total) == (3, 5)


def test_attendance_79_percent_fails_80(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), rule={"min_attendance": 80})
    rows = h.sessions(db, tc, 24)
    o = _officer(db, world)
    h.member(db, tc, o)
    h.attend(db, rows[:19], o)  # 19/24 = 79.2%
    status = member_status(db, tc, o.id)
    assert status.attendance_percent == 79
    assert not status.completed
    assert status.missing == ["Chuyên cần 79% (cần ≥ 80%)"]
    h.attend(db, rows[19:20], o)  # 20/24 = 83.3%
    assert member_status(db, tc, o.id).completed


def test_future_sessions_count_only_once_the_class_has_ended(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), rule={"min_attendance": 50})
    held = h.sessions(db, tc, 1)
    later = utcnow() + timedelta(days=2)
    db.add(ClassSession(class_id=tc.id, starts_at=later, ends_at=later + timedelta(hours=2), place="Phòng 2"))
    db.flush()
    o = _officer(db, world)
    h.member(db, tc, o)
    h.attend(db, held, o)
    status = member_status(db, tc, o.id)
    assert (status.sessions_attended, status.sessions_total, status.completed) == (1, 1, True)
    # The class ended (say the trainer never marked the last session): it counts as an absence.
    tc.end_date = date.today() - timedelta(days=1)
    tc.start_date = tc.end_date - timedelta(days=30)
    db.flush()
    status = member_status(db, tc, o.id)
    assert (status.sessions_total, status.attendance_percent, status.completed) == (2, 50, True)


def test_no_session_held_means_attendance_not_met(db, world):
    tc = h.training_class(db, world.a, course=h.course(db), rule={"min_attendance": 80})
    o = _officer(db, world)
    h.member(db, tc, o)
    status = member_status(db, tc, o.id)
    assert status.attendance_percent == 0 and not status.completed
    assert "Chưa có buổi học trực tiếp nào" in status.missing[0]


def test_programme_class_counts_modules_over_all_courses(db, world):
    first, second = h.course(db, (2, 1)), h.course(db, (1, 3, 1))
    tc = h.training_class(
        db, world.a, programme=h.programme(db, [first, second]), rule={"online_modules": "all"}
    )
    o = _officer(db, world)
    h.member(db, tc, o)
    for module in first.modules:
        h.finish_module(db, o, module)
    h.finish_module(db, o, second.modules[0])
    status = member_status(db, tc, o.id)
    assert (status.modules_done, status.modules_total) == (3, 5)
    assert status.missing == ["Chưa học xong 3/5 học phần"]
    for module in second.modules[1:]:
        h.finish_module(db, o, module)
    assert member_status(db, tc, o.id).completed


def test_a_partly_done_module_does_not_count_and_n_modules_rule(db, world):
    c = h.course(db, (2, 2, 2))
    tc = h.training_class(db, world.a, course=c, rule={"online_modules": 2})
    o = _officer(db, world)
    h.member(db, tc, o)
    h.finish_module(db, o, c.modules[0])
    first_lesson_of_second = c.modules[1].lessons[0]
    db.add(LessonProgress(officer_id=o.id, lesson_id=first_lesson_of_second.id, completed_at=utcnow()))
    db.flush()
    status = member_status(db, tc, o.id)
    assert (status.modules_done, status.completed) == (1, False)
    assert status.missing == ["Chưa học đủ 2 học phần (mới xong 1/3)"]
    h.finish_module(db, o, c.modules[2])
    assert member_status(db, tc, o.id).completed


def _attempt(db, quiz, officer, number, marks, state="submitted"):
    db.add(
        QuizAttempt(
            quiz_id=quiz.id,
            officer_id=officer.id,
            number=number,
            state=state,
            marks=Decimal(marks),
            max_marks=Decimal("10"),
            submitted_at=utcnow(),
        )
    )
    db.flush()


def test_final_quiz_must_be_passed(db, world):
    c = h.course(db, (1,))
    quiz = Quiz(title="Kiểm tra cuối khóa", course_id=c.id, pass_mark=Decimal("50"), grading_method="highest")
    db.add(quiz)
    db.flush()
    tc = h.training_class(db, world.a, course=c, rule={"final_quiz_id": quiz.id})
    passed, failed, never = _officer(db, world, "A"), _officer(db, world, "B"), _officer(db, world, "C")
    for o in (passed, failed, never):
        h.member(db, tc, o)
    _attempt(db, quiz, passed, 1, "3")
    _attempt(db, quiz, passed, 2, "7")
    _attempt(db, quiz, failed, 1, "4")
    _attempt(db, quiz, never, 1, "9", state="in_progress")
    by_id = {s.officer_id: s for s in class_statuses(db, tc)}
    assert by_id[passed.id].quiz_passed is True and by_id[passed.id].completed
    assert by_id[failed.id].quiz_passed is False
    assert by_id[failed.id].missing == ["Chưa đạt bài kiểm tra cuối khóa"]
    assert by_id[never.id].quiz_passed is False and not by_id[never.id].completed
    assert member_status(db, tc, failed.id) == by_id[failed.id]


def test_rule_without_quiz_reports_none_and_combined_rule(db, world):
    c = h.course(db, (1, 1))
    tc = h.training_class(db, world.a, course=c, rule={"online_modules": "all", "min_attendance": 80})
    rows = h.sessions(db, tc, 2)
    o = _officer(db, world)
    h.member(db, tc, o)
    h.attend(db, rows[:1], o)
    status = member_status(db, tc, o.id)
    assert status.quiz_passed is None
    assert status.missing == ["Chưa học xong 0/2 học phần", "Chuyên cần 50% (cần ≥ 80%)"]
