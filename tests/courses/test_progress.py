"""Progress per module and course, completion rules, programmes, continue where you left off."""

from __future__ import annotations

from datetime import datetime, timedelta

from elearn.courses import progress, services
from elearn.courses.models import Enrolment, Programme, ProgrammeCourse
from tests import factories

NOW = datetime(2025, 9, 1, 8, 0)


def test_mark_done_is_idempotent_and_counts_per_module(db, world):
    officer_id = world.officer_user.officer_id
    course = factories.course(db, "PR-01", modules=(2, 1))
    factories.enrol(db, officer_id, course)
    first = factories.course_lessons(course)[0]
    result = progress.mark_lesson_done(db, officer_id, first.id, NOW)
    again = progress.mark_lesson_done(db, officer_id, first.id, NOW + timedelta(hours=1))
    assert (result.done_lessons, result.total_lessons, result.percent) == (1, 3, 33)
    assert again.done_lessons == 1
    assert [(m.done, m.total) for m in again.modules] == [(1, 2), (0, 1)]
    assert progress.modules_done(db, officer_id, course.id) == (0, 2)
    assert not again.completed


def test_course_completion_sets_completed_at_once(db, world):
    officer_id = world.officer_user.officer_id
    course = factories.course(db, "PR-02", modules=(1, 1))
    enrolment = factories.enrol(db, officer_id, course)
    a, b = factories.course_lessons(course)
    progress.mark_lesson_done(db, officer_id, a.id, NOW)
    assert enrolment.completed_at is None
    done = progress.mark_lesson_done(db, officer_id, b.id, NOW + timedelta(days=1))
    assert done.completed and done.percent == 100
    assert enrolment.completed_at == NOW + timedelta(days=1)
    progress.mark_lesson_done(db, officer_id, b.id, NOW + timedelta(days=5))
    assert enrolment.completed_at == NOW + timedelta(days=1)
    assert progress.course_completed(db, officer_id, course.id)
    assert progress.modules_done(db, officer_id, course.id) == (2, 2)


def test_rule_with_a_number_of_lessons(db, world):
    officer_id = world.officer_user.officer_id
    course = factories.course(db, "PR-03", modules=(3,), rule={"lessons": 2})
    factories.enrol(db, officer_id, course)
    lessons = factories.course_lessons(course)
    progress.mark_lesson_done(db, officer_id, lessons[0].id, NOW)
    assert not progress.course_completed(db, officer_id, course.id)
    progress.mark_lesson_done(db, officer_id, lessons[2].id, NOW)
    assert progress.course_completed(db, officer_id, course.id)


def test_programme_completed_when_every_course_is(db, world):
    officer_id = world.officer_user.officer_id
    c1 = factories.course(db, "PR-04", modules=(1,))
    c2 = factories.course(db, "PR-05", modules=(1,))
    programme = Programme(code="PR-P", title="Chương trình")
    programme.items.extend(
        [ProgrammeCourse(course_id=c1.id, position=1), ProgrammeCourse(course_id=c2.id, position=2)]
    )
    db.add(programme)
    db.flush()
    progress.mark_lesson_done(db, officer_id, factories.course_lessons(c1)[0].id, NOW)
    assert not progress.programme_completed(db, officer_id, programme.id)
    progress.mark_lesson_done(db, officer_id, factories.course_lessons(c2)[0].id, NOW)
    assert progress.programme_completed(db, officer_id, programme.id)


def test_modules_done_many_for_a_roster(db, world):
    me = world.officer_user.officer_id
    other = factories.officer(db, world.a2, name="Phạm Thị Hoa").id
    course = factories.course(db, "PR-06", modules=(1, 2))
    lessons = factories.course_lessons(course)
    progress.mark_lesson_done(db, me, lessons[0].id, NOW)
    for lesson in lessons:
        progress.mark_lesson_done(db, other, lesson.id, NOW)
    assert progress.modules_done_many(db, [me, other], course.id) == {me: (1, 2), other: (2, 2)}


def test_continue_where_you_left_off(db, world):
    officer_id = world.officer_user.officer_id
    course = factories.course(db, "PR-07", modules=(2, 1))
    factories.enrol(db, officer_id, course)
    lessons = factories.course_lessons(course)
    progress.record_visit(db, officer_id, lessons[1].id, NOW)
    [mine] = services.my_courses(db, officer_id)
    assert mine.continue_lesson_id == lessons[1].id and mine.percent == 0
    progress.mark_lesson_done(db, officer_id, lessons[1].id, NOW)
    [mine] = services.my_courses(db, officer_id)
    assert mine.continue_lesson_id == lessons[0].id  # the first lesson still open
    enrolment = db.get(Enrolment, mine.enrolment.id)
    assert enrolment.last_lesson_id == lessons[1].id


def test_self_enrolment_only_for_open_courses(db, world):
    officer = world.officer_user
    open_course = factories.course(db, "PR-08")
    class_course = factories.course(db, "PR-09", enrolment="class")
    assert services.enrol_self(db, officer, open_course.id, NOW).source == "self"
    import pytest

    from elearn.errors import Conflict

    with pytest.raises(Conflict):
        services.enrol_self(db, officer, class_course.id, NOW)


def test_progress_percent_rounds_but_reaches_100_only_when_done():
    assert [progress.percent_done(d, 3) for d in range(4)] == [0, 33, 67, 100]
    assert progress.percent_done(199, 200) == 99 and progress.percent_done(1, 200) == 1
    assert progress.percent_done(0, 0) == 0
