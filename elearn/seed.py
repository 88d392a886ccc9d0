"""`seed-demo`: a realistic, deterministic demo federation (same data on every machine).

One city federation, 20 upper-level unions of several kinds, 300 CĐCS across sectors and sizes, about 3,000
officers with positions in two terms, and one demo account per role (password demo12345).
"""

from __future__ import annotations

import importlib
import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role
from elearn.accounts.services import create_user
from elearn.officers.models import Officer, Position, PositionTitle
from elearn.orgs.models import OrgUnit, Sector, Term, UnitKind
from elearn.orgs.services import create_unit
from elearn.reference import ensure_reference_data
from elearn.seed_context import FEATURES, SeedContext
from elearn.seed_data import (
    CDCS_BOARD,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DNNN_NAMES,
    FDI_NAMES,
    GIVEN_F,
    GIVEN_M,
    HCSN_NAMES,
    MIDDLE_F,
    MIDDLE_M,
    PLACES,
    PRIVATE_NAMES,
    SECTOR_CODES,
    SURNAMES,
    UPPER_BOARD,
    UPPER_UNITS,
)
from elearn.web import today


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(OrgUnit))


def seed_demo(session: Session, *, only_if_empty: bool = True) -> bool:
    if only_if_empty and not is_empty(session):
        return False
    ensure_reference_data(session)
    ctx = _Builder(session).build()
    for feature in FEATURES:
        importlib.import_module(f"elearn.{feature}.seed").seed_demo(session, ctx)
        session.flush()
    return True


class _Builder:
    def __init__(self, session: Session):
        self.s = session
        self.rng = random.Random(20251122)
        self.kinds = {k.code: k for k in session.scalars(select(UnitKind))}
        self.sectors = {x.code: x for x in session.scalars(select(Sector))}
        self.titles = {t.code: t for t in session.scalars(select(PositionTitle))}
        self.terms = {t.code: t for t in session.scalars(select(Term))}
        self.officer_seq = 0
        self.used_unit_names: set[str] = set()
        self.pending: list[tuple[Officer, list[dict]]] = []

    def build(self) -> SeedContext:
        city = create_unit(
            self.s,
            code="HN",
            name="Liên đoàn Lao động Thành phố Hà Nội",
            kind=self.kinds["LDLD_TINH"],
            valid_from=date(1955, 1, 1),
            serial_prefix="HN",
        )
        self._board(city, UPPER_BOARD + ["UV_BTV", "UV_BCH"], full_time=True)
        demo_staff_unit = None
        cdcs_index = 0
        for code, name, kind, weights in UPPER_UNITS:
            upper = create_unit(
                self.s,
                code=code,
                name=name,
                kind=self.kinds[kind],
                parent=city,
                valid_from=date(2025, 7, 1),
                member_count=0,
            )
            self._board(upper, UPPER_BOARD, full_time=True)
            total_members = 0
            for _ in range(15):
                cdcs_index += 1
                sector = self.rng.choices(SECTOR_CODES, weights=weights)[0]
                members = self._members(sector)
                total_members += members
                unit = create_unit(
                    self.s,
                    code=f"{code}-{cdcs_index:03d}",
                    name=self._cdcs_name(sector),
                    kind=self.kinds["CDCS"],
                    parent=upper,
                    sector=self.sectors[sector],
                    member_count=members,
                    valid_from=date(2025, 7, 1),
                )
                self._board(unit, CDCS_BOARD[: 5 + min(7, members // 100)], full_time=members >= 1000)
            upper.member_count = total_members
            if code == "HN-KCN":
                demo_staff_unit = upper
        self._flush_officers()
        users, officer = self._accounts(demo_staff_unit)
        return SeedContext(
            today=today(), city=city, staff_unit=demo_staff_unit, users=users, demo_officer=officer
        )

    def _members(self, sector: str) -> int:
        low, high = {"HCSN": (15, 400), "DNNN": (40, 1500), "NGOAI_NN": (10, 1200), "FDI": (200, 9000)}[
            sector
        ]
        return int(round(low * (high / low) ** self.rng.random()))

    def _cdcs_name(self, sector: str) -> str:
        pool = {"HCSN": HCSN_NAMES, "DNNN": DNNN_NAMES, "NGOAI_NN": PRIVATE_NAMES, "FDI": FDI_NAMES}[sector]
        for _ in range(50):
            name = "Công đoàn " + self.rng.choice(pool).format(p=self.rng.choice(PLACES))
            if name not in self.used_unit_names:
                break
        else:
            name = f"{name} {len(self.used_unit_names)}"
        self.used_unit_names.add(name)
        return name

    def _person(self, female: bool | None = None) -> dict:
        female = self.rng.random() < 0.45 if female is None else female
        middle = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
        given = self.rng.choice(GIVEN_F if female else GIVEN_M)
        year = self.rng.randint(1966, 2000)
        return {
            "full_name": f"{self.rng.choice(SURNAMES)} {middle} {given}",
            "gender": "nu" if female else "nam",
            "date_of_birth": date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)),
            "phone": "09" + "".join(str(self.rng.randint(0, 9)) for _ in range(8)),
        }

    def _new_officer(self, person: dict) -> Officer:
        self.officer_seq += 1
        return Officer(code=f"CB{self.officer_seq:06d}", **person)

    def _board(self, unit: OrgUnit, titles: list[str], *, full_time: bool) -> None:
        """The unit's officers: the current term (2025-2030) and, for most of them, the previous one."""
        previous = self.terms["2020-2025"] if unit.kind.is_grassroots else self.terms["2018-2023"]
        current = self.terms["2025-2030"]
        chair_full_time = full_time
        for index, title in enumerate(["CT", *titles] if "CT" not in titles else titles):
            ft = chair_full_time if title == "CT" else full_time and unit.kind.level < 4
            officer = self._new_officer(self._person())
            positions = [
                dict(
                    unit_id=unit.id,
                    title_id=self.titles[title].id,
                    term_id=current.id,
                    full_time=ft,
                    start_date=current.start_date + _days(self.rng.randint(0, 60)),
                    end_date=None,
                )
            ]
            roll = self.rng.random()
            if roll < 0.65:  # re-elected: held a position in the previous term too
                old_title = title if self.rng.random() < 0.6 else "UV_BCH"
                positions.append(
                    dict(
                        unit_id=unit.id,
                        title_id=self.titles[old_title].id,
                        term_id=previous.id,
                        full_time=ft and old_title == title,
                        start_date=previous.start_date,
                        end_date=previous.end_date,
                    )
                )
            self.pending.append((officer, positions))
            if index < 2 and self.rng.random() < 0.35:  # someone who left at the end of the previous term
                leaver = self._new_officer(self._person())
                self.pending.append(
                    (
                        leaver,
                        [
                            dict(
                                unit_id=unit.id,
                                title_id=self.titles["UV_BCH"].id,
                                term_id=previous.id,
                                full_time=False,
                                start_date=previous.start_date,
                                end_date=previous.end_date,
                            )
                        ],
                    )
                )

    def _flush_officers(self) -> None:
        self.s.add_all([o for o, _ in self.pending])
        self.s.flush()
        self.s.add_all([Position(officer_id=o.id, **p) for o, positions in self.pending for p in positions])
        self.s.flush()

    def _accounts(self, staff_unit: OrgUnit) -> tuple[dict, Officer]:
        # The demo officer: chair of a large FDI grassroots union under the demo staff's union, re-elected.
        cdcs = self.s.scalars(
            select(OrgUnit).where(OrgUnit.parent_id == staff_unit.id).order_by(OrgUnit.member_count.desc())
        ).first()
        officer = self._new_officer(
            {
                "full_name": "Nguyễn Thị Thanh Tùng",
                "gender": "nu",
                "date_of_birth": date(1986, 3, 15),
                "phone": "0912345678",
                "email": "officer@demo.vn",
            }
        )
        self.s.add(officer)
        self.s.flush()
        current, previous = self.terms["2025-2030"], self.terms["2020-2025"]
        self.s.add_all(
            [
                Position(
                    officer_id=officer.id,
                    unit_id=cdcs.id,
                    title_id=self.titles["PCT"].id,
                    term_id=current.id,
                    full_time=False,
                    start_date=date(2025, 8, 15),
                ),
                Position(
                    officer_id=officer.id,
                    unit_id=cdcs.id,
                    title_id=self.titles["UV_BCH"].id,
                    term_id=previous.id,
                    full_time=False,
                    start_date=previous.start_date,
                    end_date=previous.end_date,
                ),
            ]
        )
        users = {}
        for email, name, role in DEMO_ACCOUNTS:
            users[role.value] = create_user(
                self.s,
                None,
                email=email,
                full_name=name,
                role=role,
                password=DEMO_PASSWORD,
                unit_id=staff_unit.id if role == Role.STAFF else None,
                officer_id=officer.id if role == Role.OFFICER else None,
                must_change_password=False,
            )
        self.s.flush()
        return users, officer


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def demo_logins() -> list[tuple[str, str, str]]:
    return [(email, DEMO_PASSWORD, Role(role).label) for email, _, role in DEMO_ACCOUNTS]
