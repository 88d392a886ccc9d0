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
