"""The officer import file's columns and the check of one row.

`parse_row` reports every problem of a row as a RowError and returns a `Row` only when the row is valid;
checks across rows and all writing stay in `importer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.errors import RowError
from elearn.officers.models import PositionTitle
from elearn.officers.rules import birth_date_problem, phone_problem
from elearn.orgs.models import OrgUnit, Term
from elearn.uploads import BadDate, file_error, fold, parse_date

COLUMNS = [  # (key, header, required)
    ("code", "Mã cán bộ", True),
    ("full_name", "Họ và tên", True),
    ("date_of_birth", "Ngày sinh", False),
    ("gender", "Giới tính", False),
    ("phone", "Điện thoại", False),
    ("email", "Email", False),
    ("unit", "Mã đơn vị", False),
    ("title", "Chức danh", True),
    ("full_time", "Chuyên trách", True),
    ("term", "Nhiệm kỳ", True),
    ("start_date", "Ngày bắt đầu", True),
    ("end_date", "Ngày kết thúc", False),
]
YES = {"có", "co", "x", "1", "true", "chuyên trách", "chuyen trach"}
NO = {"không", "khong", "0", "false", "kiêm nhiệm", "kiem nhiem", "không chuyên trách"}
GENDERS = {"nam": "nam", "nữ": "nu", "nu": "nu"}
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Row:
    number: int
    code: str
    person: dict
    unit: OrgUnit
    title: PositionTitle
    term: Term
    full_time: bool
    start_date: date
    end_date: date | None


def header_map(header: list) -> dict[str, int]:
    wanted = {fold(h): key for key, h, _ in COLUMNS}
    found = {}
    for index, cell in enumerate(header):
        key = wanted.get(fold(cell or ""))
        if key:
            found[key] = index
    missing = [h for key, h, req in COLUMNS if req and key not in found]
    if missing:
        raise file_error("Thiếu cột bắt buộc: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.")
    return found


class Lookups:
    def __init__(self, session: Session, root: OrgUnit, today: date):
        self.session = session
        self.root = root
        self.today = today  # birth dates are checked against it
        self.titles = {}
        for t in session.scalars(select(PositionTitle)):
            self.titles[fold(t.name)] = t
            self.titles[fold(t.code)] = t
        self.terms = {fold(t.code): t for t in session.scalars(select(Term))}
        self.units: dict[str, OrgUnit | None] = {}

    def unit(self, code: str) -> OrgUnit | None:
        code = code.strip().upper()
        if code not in self.units:
            self.units[code] = self.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        return self.units[code]


def _lower_first(message: str) -> str:
    """A rule's sentence as it reads after "dòng 5: "."""
    return message[:1].lower() + message[1:]


def parse_row(number: int, cells: list, cols: dict[str, int], look: Lookups, errors: list[RowError]):
    def get(key):
        i = cols.get(key)
        value = cells[i] if i is not None and i < len(cells) else None
        return "" if value is None else value

    before = len(errors)

    def bad(message):
        errors.append(RowError(number, message))

    code = str(get("code")).strip().upper()
    if not code:
        bad("thiếu mã cán bộ.")
    elif not CODE_RE.match(code):
        bad(f"mã cán bộ “{code}” chỉ được gồm chữ không dấu, số, dấu chấm, gạch ngang (tối đa 30 ký tự).")
    name = " ".join(str(get("full_name")).split())
    if not name:
        bad("thiếu họ và tên.")
    elif len(name) > 200:
        bad("họ và tên dài quá 200 ký tự.")
    dates = {}
    for key, label in (
        ("date_of_birth", "ngày sinh"),
        ("start_date", "ngày bắt đầu"),
        ("end_date", "ngày kết thúc"),
    ):
        try:
            dates[key] = parse_date(get(key))
        except BadDate as exc:
            bad(f"{label} {exc.reason}")
            dates[key] = None
    dob = dates["date_of_birth"]
    if dob is not None and (problem := birth_date_problem(dob, look.today)):
        bad(_lower_first(problem))
    gender_text = fold(get("gender"))
    gender = GENDERS.get(gender_text) if gender_text else None
    if gender_text and gender is None:
        bad(f"giới tính “{get('gender')}” phải là Nam hoặc Nữ.")
    email = str(get("email")).strip().lower() or None
    if email and not EMAIL_RE.match(email):
        bad(f"email “{email}” không hợp lệ.")
    phone = str(get("phone")).strip() or None
    if phone is not None and (problem := phone_problem(phone)):
        bad(f"điện thoại “{phone}”: {_lower_first(problem)}")
    unit_code = str(get("unit")).strip()
    unit = look.unit(unit_code) if unit_code else look.root
    if unit is None:
        bad(f"không có đơn vị mã “{unit_code}”.")
    elif not unit.path.startswith(look.root.path):
        bad(f"đơn vị “{unit.code}” không thuộc {look.root.name}.")
    title = look.titles.get(fold(get("title")))
    if title is None:
        bad(f"chức danh “{get('title')}” không có trong danh mục." if get("title") else "thiếu chức danh.")
    ft_text = fold(get("full_time"))
    full_time = True if ft_text in YES else False if ft_text in NO else None
    if full_time is None:
        bad(f"cột Chuyên trách “{get('full_time')}” phải là Có hoặc Không.")
    term = look.terms.get(fold(get("term")))
    if term is None:
        bad(f"nhiệm kỳ “{get('term')}” không có trong danh mục." if get("term") else "thiếu nhiệm kỳ.")
    start, end = dates["start_date"], dates["end_date"]
    if start is None and get("start_date") == "":
        bad("thiếu ngày bắt đầu.")
    if start and end and end < start:
        bad("ngày kết thúc trước ngày bắt đầu.")
    if len(errors) > before:
        return None
    person = {"full_name": name, "date_of_birth": dob, "gender": gender, "phone": phone, "email": email}
    return Row(number, code, person, unit, title, term, full_time, start, end)
