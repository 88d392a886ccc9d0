"""Plain factory functions and the small federation every test starts from.

TEST (city federation)
├── TEST-A  upper-level union (staff_a works here)
│   ├── TEST-A1  CĐCS, FDI, 1,500 members     ← officer@test.vn is its Phó Chủ tịch
│   └── TEST-A2  CĐCS, ngoài nhà nước, 50 members
└── TEST-B  upper-level union (staff_b works here)
    ├── TEST-B1  CĐCS, hành chính sự nghiệp
    └── TEST-B2  CĐCS, doanh nghiệp nhà nước
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts import services as account_services
from elearn.accounts.models import Role, User
from elearn.officers.models import Officer, Position, PositionTitle
from elearn.orgs.models import OrgUnit, Sector, Term, UnitKind
from elearn.orgs.services import create_unit
from elearn.reference import ensure_reference_data

_seq = {"officer": 0}


def kind(session: Session, code: str) -> UnitKind:
    return session.scalar(select(UnitKind).where(UnitKind.code == code))


def sector(session: Session, code: str) -> Sector:
    return session.scalar(select(Sector).where(Sector.code == code))


def title(session: Session, code: str) -> PositionTitle:
    return session.scalar(select(PositionTitle).where(PositionTitle.code == code))


def term(session: Session, code: str) -> Term:
    return session.scalar(select(Term).where(Term.code == code))


def unit(session: Session, code: str) -> OrgUnit:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def officer(
    session: Session,
    at: OrgUnit,
    *,
    name: str = "Trần Văn Bình",
    title_code: str = "UV_BCH",
    term_code: str = "2025-2030",
    full_time: bool = False,
    start: date | None = None,
    end: date | None = None,
    code: str | None = None,
    dob: date | None = date(1985, 5, 20),
) -> Officer:
    _seq["officer"] += 1
    t = term(session, term_code)
    person = Officer(code=code or f"T{_seq['officer']:06d}", full_name=name, date_of_birth=dob, gender="nam")
    session.add(person)
    session.flush()
    session.add(
        Position(
            officer_id=person.id,
            unit_id=at.id,
            title_id=title(session, title_code).id,
            term_id=t.id,
            full_time=full_time,
            start_date=start or t.start_date,
            end_date=end,
        )
    )
    session.flush()
    return person


def add_position(
    session, person, at, *, title_code="UV_BCH", term_code="2025-2030", full_time=False, start=None, end=None
) -> Position:
    t = term(session, term_code)
    position = Position(
        officer_id=person.id,
        unit_id=at.id,
        title_id=title(session, title_code).id,
        term_id=t.id,
        full_time=full_time,
        start_date=start or t.start_date,
        end_date=end,
    )
    session.add(position)
    session.flush()
    return position


def user(session: Session, email: str, role: Role, password: str, **kwargs) -> User:
    return account_services.create_user(
        session,
        None,
        email=email,
        full_name=kwargs.pop("full_name", email.split("@")[0]),
        role=role,
        password=password,
        must_change_password=False,
        **kwargs,
    )


def base_world(session: Session, password: str) -> None:
    account_services.HASH_METHOD["method"] = "scrypt:1024:8:1"
    ensure_reference_data(session)
    city = create_unit(
        session,
        code="TEST",
        name="Liên đoàn Lao động Thành phố Thử Nghiệm",
        kind=kind(session, "LDLD_TINH"),
        serial_prefix="TN",
    )
    a = create_unit(
        session,
        code="TEST-A",
        name="Công đoàn Khu công nghiệp Thử Nghiệm",
        kind=kind(session, "CD_KCN"),
        parent=city,
    )
    b = create_unit(
        session,
        code="TEST-B",
        name="Công đoàn ngành Giáo dục Thử Nghiệm",
        kind=kind(session, "CD_NGANH_DP"),
        parent=city,
    )
    a1 = create_unit(
        session,
        code="TEST-A1",
        name="Công đoàn Công ty TNHH Điện tử Sao Mai",
        kind=kind(session, "CDCS"),
        parent=a,
        sector=sector(session, "FDI"),
        member_count=1500,
    )
    create_unit(
        session,
        code="TEST-A2",
        name="Công đoàn Công ty Cổ phần May Hồng Hà",
        kind=kind(session, "CDCS"),
        parent=a,
        sector=sector(session, "NGOAI_NN"),
        member_count=50,
    )
    create_unit(
        session,
        code="TEST-B1",
        name="Công đoàn Trường THCS Kim Liên",
        kind=kind(session, "CDCS"),
        parent=b,
        sector=sector(session, "HCSN"),
        member_count=60,
    )
    b2 = create_unit(
        session,
        code="TEST-B2",
        name="Công đoàn Công ty Nước sạch Sông Đà",
        kind=kind(session, "CDCS"),
        parent=b,
        sector=sector(session, "DNNN"),
        member_count=400,
    )
    me = officer(session, a1, name="Nguyễn Thị Thanh Tùng", title_code="PCT", code="TOFFICER")
    officer(session, b2, name="Lê Văn Cường", title_code="CT", full_time=True, code="TB2CHAIR")
    user(session, "admin@test.vn", Role.ADMIN, password, full_name="Quản trị")
    user(session, "trainer@test.vn", Role.TRAINER, password, full_name="Giảng viên")
    user(session, "staff-a@test.vn", Role.STAFF, password, unit_id=a.id, full_name="Cán bộ A")
    user(session, "staff-b@test.vn", Role.STAFF, password, unit_id=b.id, full_name="Cán bộ B")
    user(
        session,
        "officer@test.vn",
        Role.OFFICER,
        password,
        officer_id=me.id,
        full_name="Nguyễn Thị Thanh Tùng",
    )
    session.flush()


@dataclass
class World:
    city: OrgUnit
    a: OrgUnit
    b: OrgUnit
    a1: OrgUnit
    a2: OrgUnit
    b1: OrgUnit
    b2: OrgUnit
    admin: User
    trainer: User
    staff_a: User
    staff_b: User
    officer_user: User

    @classmethod
    def load(cls, session: Session) -> World:
        def by_email(email):
            return session.scalar(select(User).where(User.email == email))

        return cls(
            city=unit(session, "TEST"),
            a=unit(session, "TEST-A"),
            b=unit(session, "TEST-B"),
            a1=unit(session, "TEST-A1"),
            a2=unit(session, "TEST-A2"),
            b1=unit(session, "TEST-B1"),
            b2=unit(session, "TEST-B2"),
            admin=by_email("admin@test.vn"),
            trainer=by_email("trainer@test.vn"),
            staff_a=by_email("staff-a@test.vn"),
            staff_b=by_email("staff-b@test.vn"),
            officer_user=by_email("officer@test.vn"),
        )

    def users_by_role(self) -> dict[str, User]:
        return {
            "officer": self.officer_user,
            "trainer": self.trainer,
            "staff": self.staff_a,
            "admin": self.admin,
        }


# --- courses ---------------------------------------------------------------------------------------------


def course(
    session: Session,
    code: str,
    *,
    enrolment: str = "open",
    owner: User | None = None,
    modules: tuple[int, ...] = (2, 1),
    rule: dict | None = None,
    body: str = "Nội dung bài học.\n\nĐoạn cuối của bài.",
):
    """A published course with len(modules) modules holding that many lessons each."""
    from elearn.courses.models import Course, Lesson, Module
    from elearn.html import render_markdown

    item = Course(
        code=code,
        title=f"Chuyên đề {code}",
        description="Mô tả chuyên đề.",
        enrolment=enrolment,
        completion_rule=rule or {"lessons": "all"},
        owner_id=owner.id if owner else None,
        is_published=True,
    )
    session.add(item)
    for m_index, count in enumerate(modules, start=1):
        module = Module(position=m_index, title=f"Module {m_index}")
        item.modules.append(module)
        for l_index in range(1, count + 1):
            module.lessons.append(
                Lesson(
                    position=l_index,
                    slug=f"bai-{m_index}-{l_index}",
                    title=f"Bài {m_index}.{l_index}",
                    body_md=body,
                    body_html=render_markdown(body),
                )
            )
    session.flush()
    return item


def course_lessons(course) -> list:
    return [lesson for module in course.modules for lesson in module.lessons]


def enrol(session: Session, officer_id: int, course, source: str = "self"):
    from elearn.courses.models import Enrolment

    enrolment = Enrolment(officer_id=officer_id, course_id=course.id, source=source)
    session.add(enrolment)
    session.flush()
    return enrolment


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attachment(session: Session, lesson, instance_path: str, filename: str = "tai-lieu.pdf"):
    """An attachment row and its stored file under instance_path/attachments/."""
    import secrets
    from pathlib import Path

    from elearn.courses.models import Attachment

    stored = f"{secrets.token_hex(16)}.pdf"
    folder = Path(instance_path) / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(PDF_BYTES)
    item = Attachment(
        lesson_id=lesson.id,
        filename=filename,
        stored_name=stored,
        mimetype="application/pdf",
        size=len(PDF_BYTES),
    )
    session.add(item)
    session.flush()
    return item


def course_samples(session: Session) -> dict:
    """URL values for the access matrix: an open course of trainer@test.vn that officer@test.vn is enrolled
    in, with a module, a lesson, an attachment and a programme (recreated if a route deleted them)."""
    from flask import current_app

    from elearn.courses.models import Course, Enrolment, Programme, ProgrammeCourse

    item = session.scalar(select(Course).where(Course.code == "SAMPLE"))
    if item is None:
        trainer = session.scalar(select(User).where(User.email == "trainer@test.vn"))
        item = course(session, "SAMPLE", owner=trainer, modules=(1,))
        officer_user = session.scalar(select(User).where(User.email == "officer@test.vn"))
        session.add(Enrolment(officer_id=officer_user.officer_id, course_id=item.id, source="self"))
        programme = Programme(code="SAMPLE-P", title="Chương trình mẫu")
        programme.items.append(ProgrammeCourse(course_id=item.id, position=1))
        session.add(programme)
        session.flush()
    lessons = course_lessons(item)
    if not lessons:  # the matrix deleted it: give the module a lesson again
        from elearn.courses.models import Lesson

        lessons = [
            Lesson(module_id=item.modules[0].id, position=1, slug="bai-moi", title="Bài mới", body_html="")
        ]
        session.add(lessons[0])
        session.flush()
    lesson = lessons[0]
    if not lesson.attachments:
        attachment(session, lesson, current_app.instance_path)
        session.refresh(lesson)
    programme = session.scalar(select(Programme).where(Programme.code == "SAMPLE-P"))
    return {
        "course_id": item.id,
        "module_id": lesson.module_id,
        "lesson_id": lesson.id,
        "attachment_id": lesson.attachments[0].id,
        "programme_id": programme.id,
    }


# --- question banks ------------------------------------------------------------------------------

SAMPLE_GIFT = """$CATEGORY: Luật Công đoàn/Kinh phí

// [tag:kinh-phi] [tag:de]
::Mức đóng kinh phí::Mức đóng kinh phí công đoàn là bao nhiêu phần trăm quỹ tiền lương?{
=2%#Đúng.
~1%#Sai.
~3%#Sai.
####Luật Công đoàn quy định mức đóng 2% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội.
}
"""


def question_bank(session: Session, owner: User, code: str = "NH-TEST", gift: str | None = SAMPLE_GIFT):
    """A bank owned by `owner`, filled from GIFT text through the real importer."""
    from elearn.quizzes import bank_import, banks

    bank = banks.create_bank(session, owner, code, f"Ngân hàng {code}")
    if gift:
        bank_import.import_bank(session, owner, bank, "mau.gift", gift.encode("utf-8"))
    return bank


def bank_samples(session: Session) -> dict:
    """URL parameter values for the route matrix: a bank of trainer@test.vn and one of its questions."""
    from elearn.quizzes.models import Question, QuestionBank

    bank = session.scalar(select(QuestionBank).where(QuestionBank.code == "SAMPLE-BANK"))
    if bank is None:
        trainer = session.scalar(select(User).where(User.email == "trainer@test.vn"))
        bank = question_bank(session, trainer, "SAMPLE-BANK")
    question = session.scalar(select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
    return {"bank_id": bank.id, "question_id": question.id}


def sample_target(session: Session, world: World):
    """A target of TEST-A1 (every role's sample scope) for the route matrix; recreated once deleted."""
    from elearn.courses.models import Course
    from elearn.targets.models import Target

    found = session.scalar(select(Target).where(Target.name == "Chỉ tiêu mẫu A1"))
    if found:
        return found
    course = session.scalar(select(Course).where(Course.code == "SAMPLE-TARGET"))
    if course is None:
        course = Course(code="SAMPLE-TARGET", title="Chuyên đề mẫu")
        session.add(course)
        session.flush()
    target = Target(
        name="Chỉ tiêu mẫu A1",
        scope_unit_id=world.a1.id,
        measure="course",
        course_id=course.id,
        deadline=date(2026, 12, 31),
        required_percent=100,
        title_ids=[],
        sector_ids=[],
    )
    session.add(target)
    session.flush()
    return target


# --- certificates --------------------------------------------------------------------------------------


def certificate_samples(session: Session) -> dict:
    """URL values for the access matrix: a certificate of officer@test.vn from a class at TEST-A1 taught by
    trainer@test.vn, issued through the real service (recreated if a route revoked it)."""
    from flask import current_app

    from elearn.certificates.issuing import Issuer, issue
    from elearn.certificates.models import Certificate, CertificateType
    from elearn.classes.models import ClassMember, ClassTrainer, TrainingClass
    from elearn.db import utcnow
    from elearn.web import today

    world = World.load(session)
    ctype = session.scalar(select(CertificateType).where(CertificateType.code == "SAMPLE-CERT"))
    if ctype is None:
        item = course(session, "SAMPLE-CERT-C", modules=(1,))
        ctype = CertificateType(
            code="SAMPLE-CERT",
            name="Chứng chỉ mẫu",
            course_id=item.id,
            issuing_unit_id=world.city.id,
            signer_name="Trần Văn Hùng",
            signer_title="Chủ tịch",
            place="Hà Nội",
        )
        klass = TrainingClass(
            code="SAMPLE-CERT-K",
            title="Lớp mẫu",
            course_id=item.id,
            unit_id=world.a1.id,
            start_date=date(2026, 1, 5),
            end_date=date(2026, 1, 9),
            completion_rule={},
        )
        session.add_all([ctype, klass])
        session.flush()
        session.add(ClassMember(class_id=klass.id, officer_id=world.officer_user.officer_id))
        session.add(ClassTrainer(class_id=klass.id, user_id=world.trainer.id))
        session.flush()
    klass = session.scalar(select(TrainingClass).where(TrainingClass.code == "SAMPLE-CERT-K"))
    cert = session.scalar(
        select(Certificate).where(Certificate.class_id == klass.id, Certificate.status == "valid")
    )
    if cert is None:
        issuer = Issuer(current_app.instance_path, "https://lms.test", today(), utcnow())
        cert, _ = issue(
            session,
            None,
            type_id=ctype.id,
            officer_id=world.officer_user.officer_id,
            class_id=klass.id,
            issuer=issuer,
        )
    return {"serial": cert.serial, "cert_token": cert.token, "cls_id": klass.id, "cert_type_id": ctype.id}


# -- quizzes ----------------------------------------------------------------------------------
QUIZ_GIFT = """$CATEGORY: Luật Công đoàn

::Q1 quyền:: Công đoàn cơ sở có quyền đại diện cho người lao động trong thương lượng tập thể. {T#Đúng vậy.}

::Q2 chọn:: Cơ quan nào ban hành Luật Công đoàn? {=Quốc hội#Đúng. ~Chính phủ#Chưa đúng. ~Tổng LĐLĐ}

::Q3 nhiều:: Những nội dung nào thuộc thương lượng tập thể? {
~%50%Tiền lương
~%50%Thời giờ làm việc
~%-100%Bầu cử Quốc hội
}

$CATEGORY: Luật Công đoàn/Kinh phí

::Q4 số:: Kinh phí công đoàn đóng bằng bao nhiêu phần trăm quỹ lương? {#2:0}

::Q5 tự luận:: Nêu vai trò của công đoàn cơ sở. {}
"""


def bank_from_gift(session: Session, code: str, gift: str, *, owner=None, course=None):
    from elearn.quizzes.formats.gift import parse_gift
    from elearn.quizzes.models import (
        Question,
        QuestionBank,
        QuestionCategory,
        QuestionTag,
        QuestionVersion,
        Tag,
    )
    from elearn.quizzes.qtypes import data_from_parsed

    bank = QuestionBank(
        code=code,
        title=f"Ngân hàng {code}",
        owner_id=owner.id if owner else None,
        course_id=course.id if course else None,
    )
    session.add(bank)
    session.flush()
    categories: dict[str, QuestionCategory] = {}

    def category(path: str) -> QuestionCategory:
        path = path or "Mặc định"
        if path not in categories:
            parent_path, _, name = path.rpartition("/")
            parent = category(parent_path) if parent_path else None
            categories[path] = QuestionCategory(
                bank_id=bank.id, parent_id=parent.id if parent else None, name=name, path=path
            )
            session.add(categories[path])
            session.flush()
        return categories[path]

    for parsed in parse_gift(gift):
        qtype, data = data_from_parsed(parsed)
        q = Question(bank_id=bank.id, category_id=category(parsed.category).id)
        session.add(q)
        session.flush()
        v = QuestionVersion(question_id=q.id, version=1, qtype=qtype, name=parsed.name, data=data)
        session.add(v)
        session.flush()
        q.current_version_id = v.id
        for name in parsed.tags:
            tag = session.scalar(select(Tag).where(Tag.name == name)) or Tag(name=name)
            session.add(tag)
            session.flush()
            session.add(QuestionTag(question_id=q.id, tag_id=tag.id))
    session.flush()
    return bank


def quiz_course(session: Session, code: str, trainer: User, officers=()):
    from elearn.courses.models import Course, Enrolment

    course = Course(code=code, title=f"Chuyên đề {code}", owner_id=trainer.id)
    session.add(course)
    session.flush()
    for person_id in officers:
        session.add(Enrolment(course_id=course.id, officer_id=person_id))
    session.flush()
    return course


def sample_quiz(session: Session) -> dict:
    """A course of trainer@test.vn with a bank, a quiz of all five sample questions and an officer's attempt
    in progress; the same objects on every call within one transaction (used by the route matrix)."""
    import random
    from decimal import Decimal

    from elearn.db import utcnow
    from elearn.quizzes import attempts, quiz_services
    from elearn.quizzes.models import Question, QuestionBank
    from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt

    bank = session.scalar(select(QuestionBank).where(QuestionBank.code == "SAMPLE-QZ"))
    officer_user = session.scalar(select(User).where(User.email == "officer@test.vn"))
    if bank is None:
        trainer = session.scalar(select(User).where(User.email == "trainer@test.vn"))
        course = quiz_course(session, "SAMPLE-QZ", trainer, [officer_user.officer_id])
        bank = bank_from_gift(session, "SAMPLE-QZ", QUIZ_GIFT, owner=trainer, course=course)
        settings = quiz_services.QuizSettings(title="Kiểm tra mẫu", time_limit_minutes=30)
        quiz = quiz_services.create_quiz(session, trainer, settings, course_id=course.id)
        for q in session.scalars(select(Question).where(Question.bank_id == bank.id).order_by(Question.id)):
            quiz_services.add_fixed_slot(session, trainer, quiz.id, q.id, Decimal(1))
        attempts.start_attempt(session, officer_user, quiz.id, utcnow(), random.Random(1))
    quiz = session.scalar(select(Quiz).where(Quiz.title == "Kiểm tra mẫu"))
    attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id))
    essay = session.scalar(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(AttemptQuestion.id.desc())
    )
    return {"quiz_id": quiz.id, "attempt_id": attempt.id, "slot_id": quiz.slots[0].id, "aq_id": essay.id}


def quiz_setup(
    session: Session, gift: str = QUIZ_GIFT, *, code: str = "QZ", random_slot: bool = False, **settings
):
    """trainer@test.vn's course (officer@test.vn enrolled), a bank from `gift` and a quiz: one fixed slot per
    question, or one random slot drawing every question of the top category when `random_slot`."""
    from decimal import Decimal

    from sqlalchemy import func

    from elearn.quizzes import quiz_services
    from elearn.quizzes.models import Question, QuestionCategory

    trainer = session.scalar(select(User).where(User.email == "trainer@test.vn"))
    officer_user = session.scalar(select(User).where(User.email == "officer@test.vn"))
    course = quiz_course(session, code, trainer, [officer_user.officer_id])
    bank = bank_from_gift(session, code, gift, owner=trainer, course=course)
    settings.setdefault("title", f"Bài kiểm tra {code}")
    quiz_settings = quiz_services.QuizSettings(**settings)
    quiz = quiz_services.create_quiz(session, trainer, quiz_settings, course_id=course.id)
    if random_slot:
        top = session.scalar(
            select(QuestionCategory)
            .where(QuestionCategory.bank_id == bank.id, QuestionCategory.parent_id.is_(None))
            .order_by(QuestionCategory.id)
        )
        count = session.scalar(select(func.count()).where(Question.bank_id == bank.id))
        quiz_services.add_random_slot(
            session, trainer, quiz.id, category_id=top.id, count=count, mark=Decimal(1)
        )
    else:
        for q in session.scalars(select(Question).where(Question.bank_id == bank.id).order_by(Question.id)):
            quiz_services.add_fixed_slot(session, trainer, quiz.id, q.id, Decimal(1))
    return quiz, trainer, officer_user, bank
