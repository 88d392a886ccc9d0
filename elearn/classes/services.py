"""Classes: who may see, edit and run a class; creating and editing classes; members and their enrolments.

Unit staff manage classes organised by a unit of their subtree, admins every class; trainers see and run the
classes they are assigned to (sessions, attendance, members from the organising unit's subtree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.audit.services import record
from elearn.authz import in_subtree, require_role, scope_root, unit_in_scope
from elearn.classes.completion import class_course_ids
from elearn.classes.models import FUNDING_SOURCES, ClassMember, ClassTrainer, TrainingClass
from elearn.courses.models import Course, Enrolment, Programme
from elearn.courses.services import ALL, means_all
from elearn.errors import Forbidden, NotFound, ValidationError
from elearn.officers.models import Officer, Position
from elearn.officers.services import OfficerFilter, list_officers
from elearn.orgs.models import OrgUnit

MAX_CAPACITY = 10_000


@dataclass
class ClassData:
    code: str
    title: str
    unit_id: int
    start_date: date
    end_date: date
    capacity: int
    funding_source: str = "kinh_phi_cong_doan"
    course_id: int | None = None
    programme_id: int | None = None
    trainer_ids: list[int] = field(default_factory=list)
    completion_rule: dict = field(default_factory=dict)


def is_trainer_of(session: Session, actor: User, training_class: TrainingClass) -> bool:
    return bool(
        session.scalar(
            select(ClassTrainer.id).where(
                ClassTrainer.class_id == training_class.id, ClassTrainer.user_id == actor.id
            )
        )
    )


def can_manage(session: Session, actor: User, training_class: TrainingClass) -> bool:
    """Edit the class itself: staff of the organising unit's subtree, or an admin."""
    if not actor.has_role(Role.STAFF, Role.ADMIN):
        return False
    return unit_in_scope(session, actor, training_class.unit)


def can_run(session: Session, actor: User, training_class: TrainingClass) -> bool:
    """Sessions, attendance and members: managers and the class's trainers."""
    if actor.has_role(Role.TRAINER):
        return is_trainer_of(session, actor, training_class)
    return can_manage(session, actor, training_class)


def get_class(session: Session, actor: User, class_id: int, *, manage: bool = False) -> TrainingClass:
    """The class if the actor may run it (or manage it, with manage=True); NotFound before Forbidden."""
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise NotFound("Không tìm thấy lớp học.")
    allowed = can_manage if manage else can_run
    if not allowed(session, actor, training_class):
        raise Forbidden("Bạn không phụ trách lớp học này.")
    return training_class


def list_classes(session: Session, actor: User) -> list[TrainingClass]:
    """Classes the actor runs, latest first."""
    stmt = select(TrainingClass).order_by(TrainingClass.start_date.desc(), TrainingClass.code)
    if actor.has_role(Role.TRAINER):
        stmt = stmt.join(ClassTrainer, ClassTrainer.class_id == TrainingClass.id).where(
            ClassTrainer.user_id == actor.id
        )
    else:
        root = scope_root(session, actor)
        if root is not None:
            stmt = stmt.join(OrgUnit, OrgUnit.id == TrainingClass.unit_id).where(in_subtree(root))
    return list(session.scalars(stmt))


def member_counts(session: Session, class_ids: list[int]) -> dict[int, int]:
    if not class_ids:
        return {}
    return dict(
        session.execute(
            select(ClassMember.class_id, func.count(ClassMember.id))
            .where(ClassMember.class_id.in_(class_ids))
            .group_by(ClassMember.class_id)
        ).all()
    )


def trainers_of(session: Session, training_class: TrainingClass) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(ClassTrainer, ClassTrainer.user_id == User.id)
            .where(ClassTrainer.class_id == training_class.id)
            .order_by(User.full_name)
        )
    )


def trainer_choices(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.TRAINER.value, User.is_active.is_(True))
            .order_by(User.full_name)
        )
    )


def _check(session: Session, actor: User, data: ClassData, class_id: int | None) -> ClassData:
    code = " ".join(data.code.split()).upper()
    title = " ".join(data.title.split())
    if not code or len(code) > 40:
        raise ValidationError("Mã lớp không được để trống và dài tối đa 40 ký tự.")
    if not title:
        raise ValidationError("Tên lớp không được để trống.")
    clash = session.scalar(select(TrainingClass.id).where(TrainingClass.code == code))
    if clash is not None and clash != class_id:
        raise ValidationError(f"Mã lớp {code} đã được dùng.")
    unit = session.get(OrgUnit, data.unit_id)
    if unit is None or not unit_in_scope(session, actor, unit):
        raise Forbidden("Đơn vị tổ chức nằm ngoài phạm vi quản lý của bạn.")
    if (data.course_id is None) == (data.programme_id is None):
        raise ValidationError("Hãy chọn một chuyên đề hoặc một chương trình.")
    if data.course_id is not None and session.get(Course, data.course_id) is None:
        raise ValidationError("Chuyên đề không tồn tại.")
    if data.programme_id is not None and session.get(Programme, data.programme_id) is None:
        raise ValidationError("Chương trình không tồn tại.")
    if data.funding_source not in FUNDING_SOURCES:
        raise ValidationError("Nguồn kinh phí không hợp lệ.")
    if data.end_date < data.start_date:
        raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise ValidationError("Sĩ số tối đa phải từ 1 đến 10.000.")
    trainers = {u.id for u in trainer_choices(session)}
    if any(t not in trainers for t in data.trainer_ids):
        raise ValidationError("Giảng viên không hợp lệ.")
    return ClassData(**{**vars(data), "code": code, "title": title, "completion_rule": _clean_rule(data)})


def _clean_rule(data: ClassData) -> dict:
    rule = {}
    for key, value in (data.completion_rule or {}).items():
        if value in (None, ""):
            continue
        if key == "online_modules":
            if means_all(value):
                rule[key] = ALL
            elif str(value).strip().isdecimal() and int(value) >= 1:
                rule[key] = int(value)
            else:
                raise ValidationError("Số học phần trực tuyến phải là «tất cả» hoặc một số dương.")
        elif key == "min_attendance":
            if not 0 < int(value) <= 100:
                raise ValidationError("Tỷ lệ chuyên cần phải từ 1 đến 100%.")
            rule[key] = int(value)
        elif key == "final_quiz_id":
            rule[key] = int(value)
        else:
            raise ValidationError(f"Điều kiện hoàn thành không hợp lệ: {key}.")
    return rule


def _apply(session: Session, training_class: TrainingClass, data: ClassData) -> None:
    for name in ("code", "title", "unit_id", "start_date", "end_date", "capacity", "funding_source"):
        setattr(training_class, name, getattr(data, name))
    training_class.course_id = data.course_id
    training_class.programme_id = data.programme_id
    training_class.completion_rule = data.completion_rule
    session.flush()
    current = {
        t.user_id: t
        for t in session.scalars(select(ClassTrainer).where(ClassTrainer.class_id == training_class.id))
    }
    for user_id, link in current.items():
        if user_id not in data.trainer_ids:
            session.delete(link)
    for user_id in data.trainer_ids:
        if user_id not in current:
            session.add(ClassTrainer(class_id=training_class.id, user_id=user_id))
    session.flush()


def create_class(session: Session, actor: User, data: ClassData) -> TrainingClass:
    require_role(actor, Role.STAFF, Role.ADMIN)
    data = _check(session, actor, data, None)
    training_class = TrainingClass(
        code=data.code,
        title=data.title,
        unit_id=data.unit_id,
        start_date=data.start_date,
        end_date=data.end_date,
        capacity=data.capacity,
    )
    session.add(training_class)
    _apply(session, training_class, data)
    record(session, actor, "class.create", "training_class", training_class.code)
    return training_class


def update_class(session: Session, actor: User, class_id: int, data: ClassData) -> TrainingClass:
    training_class = get_class(session, actor, class_id, manage=True)
    data = _check(session, actor, data, class_id)
    members = member_counts(session, [class_id]).get(class_id, 0)
    if data.capacity < members:
        raise ValidationError(f"Lớp đã có {members} học viên; sĩ số tối đa không thể nhỏ hơn.")
    before = (training_class.course_id, training_class.programme_id)
    _apply(session, training_class, data)
    if before != (data.course_id, data.programme_id):
        _enrol(
            session,
            training_class,
            list(session.scalars(select(ClassMember.officer_id).where(ClassMember.class_id == class_id))),
        )
    record(session, actor, "class.update", "training_class", training_class.code)
    return training_class


# --- members -------------------------------------------------------------------------------------


def member_scope(session: Session, actor: User, training_class: TrainingClass) -> OrgUnit | None:
    """Whose officers the actor may add: staff their subtree, admins anyone, trainers the organiser's."""
    if actor.has_role(Role.TRAINER):
        return training_class.unit
    return scope_root(session, actor)


def outside_scope(session: Session, root: OrgUnit | None, officer_ids: list[int], today: date) -> set[int]:
    """Officers without a current position in root's subtree."""
    if root is None:
        return set()
    inside = set(
        session.scalars(
            select(Position.officer_id)
            .join(OrgUnit, OrgUnit.id == Position.unit_id)
            .where(
                Position.officer_id.in_(officer_ids),
                in_subtree(root),
                Position.start_date <= today,
                or_(Position.end_date.is_(None), Position.end_date >= today),
            )
        )
    )
    return set(officer_ids) - inside


def member_ids(session: Session, class_id: int) -> set[int]:
    return set(session.scalars(select(ClassMember.officer_id).where(ClassMember.class_id == class_id)))


def add_members(session: Session, actor: User, class_id: int, officer_ids: list[int], *, today: date) -> int:
    """Adds officers (already-members are skipped); all or nothing. Returns how many were added."""
    training_class = get_class(session, actor, class_id)
    wanted = list(dict.fromkeys(officer_ids))
    known = set(session.scalars(select(Officer.id).where(Officer.id.in_(wanted)))) if wanted else set()
    if len(known) != len(wanted):
        raise NotFound("Không tìm thấy cán bộ.")
    if outside_scope(session, member_scope(session, actor, training_class), wanted, today):
        raise Forbidden("Có cán bộ không thuộc phạm vi quản lý của bạn.")
    existing = member_ids(session, class_id)
    new = [oid for oid in wanted if oid not in existing]
    free = training_class.capacity - len(existing)
    if len(new) > free:
        raise ValidationError(f"Lớp chỉ còn {max(free, 0)} chỗ; không thể thêm {len(new)} học viên.")
    for oid in new:
        session.add(ClassMember(class_id=class_id, officer_id=oid))
    session.flush()
    _enrol(session, training_class, new)
    if new:
        record(session, actor, "class.members_add", "training_class", training_class.code, count=len(new))
    session.flush()
    return len(new)


def add_members_by_filter(
    session: Session, actor: User, class_id: int, flt: OfficerFilter, *, today: date, limit: int = 500
) -> int:
    """Adds every officer the registry filter finds (staff and admin: the filter is scoped to them)."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    found = list_officers(session, actor, flt, today=today, page=1, per_page=limit)
    if found.total > limit:
        raise ValidationError(f"Bộ lọc tìm thấy {found.total} cán bộ; hãy lọc hẹp hơn (tối đa {limit}).")
    return add_members(session, actor, class_id, [o.id for o in found.items], today=today)


def remove_member(session: Session, actor: User, class_id: int, officer_id: int) -> None:
    training_class = get_class(session, actor, class_id)
    member = session.scalar(
        select(ClassMember).where(ClassMember.class_id == class_id, ClassMember.officer_id == officer_id)
    )
    if member is None:
        raise NotFound("Cán bộ không phải học viên của lớp.")
    session.delete(member)
    record(
        session, actor, "class.member_remove", "training_class", training_class.code, officer_id=officer_id
    )
    session.flush()


def _enrol(session: Session, training_class: TrainingClass, officer_ids: list[int]) -> None:
    """Class members are enrolled (source "class") in the class's course(s), so class-only lessons open."""
    if not officer_ids:
        return
    for course_id in class_course_ids(session, training_class):
        have = set(
            session.scalars(
                select(Enrolment.officer_id).where(
                    Enrolment.course_id == course_id, Enrolment.officer_id.in_(officer_ids)
                )
            )
        )
        for oid in officer_ids:
            if oid not in have:
                session.add(Enrolment(course_id=course_id, officer_id=oid, source="class"))
    session.flush()


def officer_classes(session: Session, officer_id: int) -> list[TrainingClass]:
    """The classes an officer belongs to, latest first (their home page)."""
    return list(
        session.scalars(
            select(TrainingClass)
            .join(ClassMember, ClassMember.class_id == TrainingClass.id)
            .where(ClassMember.officer_id == officer_id)
            .order_by(TrainingClass.start_date.desc())
        )
    )
