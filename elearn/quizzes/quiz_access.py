"""Who may do what with a quiz: which trainers manage it (and the banks, courses and classes they may
draw on), and which officers may take it.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.classes.models import ClassMember, ClassTrainer, TrainingClass
from elearn.courses.models import Course, CourseEditor, Enrolment
from elearn.errors import Forbidden, NotFound
from elearn.quizzes.models import BankEditor, QuestionBank
from elearn.quizzes.quiz_models import Quiz, QuizSlot


# -- authorization --------------------------------------------------------------------------
def can_edit_course(session: Session, user: User, course_id: int | None) -> bool:
    if course_id is None:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.TRAINER):
        return False
    course = session.get(Course, course_id)
    if course is None:
        return False
    return course.owner_id == user.id or bool(
        session.scalar(
            select(exists().where(CourseEditor.course_id == course_id, CourseEditor.user_id == user.id))
        )
    )


def can_run_class(session: Session, user: User, class_id: int | None) -> bool:
    if class_id is None:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.TRAINER) and bool(
        session.scalar(
            select(exists().where(ClassTrainer.class_id == class_id, ClassTrainer.user_id == user.id))
        )
    )


def can_manage(session: Session, user: User, quiz: Quiz) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.TRAINER):
        return False
    return (
        quiz.created_by_id == user.id
        or can_edit_course(session, user, quiz.course_id)
        or can_run_class(session, user, quiz.class_id)
    )


def get_managed_quiz(session: Session, user: User, quiz_id: int) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound("Không tìm thấy bài kiểm tra.")
    if not can_manage(session, user, quiz):
        raise Forbidden("Bạn không phụ trách bài kiểm tra này.")
    return quiz


def usable_banks(session: Session, user: User) -> list[QuestionBank]:
    """Banks whose questions `user` may put in a quiz: own, granted, or tied to a course they edit."""
    stmt = select(QuestionBank).order_by(QuestionBank.code)
    if not user.has_role(Role.ADMIN):
        if not user.has_role(Role.TRAINER):
            return []
        editable_courses = select(Course.id).where(
            or_(
                Course.owner_id == user.id,
                Course.id.in_(select(CourseEditor.course_id).where(CourseEditor.user_id == user.id)),
            )
        )
        stmt = stmt.where(
            or_(
                QuestionBank.owner_id == user.id,
                QuestionBank.id.in_(select(BankEditor.bank_id).where(BankEditor.user_id == user.id)),
                QuestionBank.course_id.in_(editable_courses),
            )
        )
    return list(session.scalars(stmt))


def managed_quizzes(session: Session, user: User) -> list[Quiz]:
    quizzes = session.scalars(select(Quiz).order_by(Quiz.created_at.desc(), Quiz.id.desc())).all()
    return [q for q in quizzes if can_manage(session, user, q)]


def owner_choices(session: Session, user: User) -> tuple[list[Course], list[TrainingClass]]:
    """Courses and classes `user` may attach a new quiz to."""
    courses = [
        c
        for c in session.scalars(select(Course).order_by(Course.code))
        if can_edit_course(session, user, c.id)
    ]
    classes = [
        c
        for c in session.scalars(select(TrainingClass).order_by(TrainingClass.code))
        if can_run_class(session, user, c.id)
    ]
    return courses, classes


# -- learners -------------------------------------------------------------------------------
def officer_may_take(session: Session, officer_id: int, quiz: Quiz) -> bool:
    """A class quiz is for the class's members; a course quiz for officers enrolled in the course."""
    if quiz.class_id is not None:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        ClassMember.class_id == quiz.class_id, ClassMember.officer_id == officer_id
                    )
                )
            )
        )
    if quiz.course_id is None:
        return False
    return bool(
        session.scalar(
            select(exists().where(Enrolment.course_id == quiz.course_id, Enrolment.officer_id == officer_id))
        )
    )


def quizzes_for_officer(session: Session, officer_id: int) -> list[Quiz]:
    courses = select(Enrolment.course_id).where(Enrolment.officer_id == officer_id)
    classes = select(ClassMember.class_id).where(ClassMember.officer_id == officer_id)
    stmt = (
        select(Quiz)
        .where(
            or_(
                Quiz.class_id.in_(classes),
                (Quiz.class_id.is_(None) & Quiz.course_id.in_(courses)),
            ),
            exists().where(QuizSlot.quiz_id == Quiz.id),
        )
        .order_by(Quiz.close_at.is_(None), Quiz.close_at, Quiz.title)
    )
    return list(session.scalars(stmt))
