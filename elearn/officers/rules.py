"""Rules on an officer's personal data, shared by the forms, the services and the file import.

Each check returns what is wrong, in Vietnamese, or None: the forms show it under the field, the services
raise it, the importer reports it with the row number.
"""

from __future__ import annotations

import re
from datetime import date

MIN_AGE = 15
MAX_AGE = 100
PHONE_RE = re.compile(r"\+?[0-9][0-9 .-]*")
PHONE_DIGITS = (7, 15)
PHONE_RULE = (
    "Số điện thoại gồm 7 đến 15 chữ số, có thể có dấu + ở đầu, khoảng trắng, dấu chấm hoặc gạch ngang."
)


def age_on(born: date, day: date) -> int:
    """Full years from `born` to `day` (someone born on 29 February is a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birth_date_problem(born: date, today: date) -> str | None:
    if born > today:
        return f"Ngày sinh {born:%d/%m/%Y} ở sau ngày hôm nay."
    age = age_on(born, today)
    if age < MIN_AGE:
        return f"Ngày sinh {born:%d/%m/%Y}: mới {age} tuổi; cán bộ phải đủ {MIN_AGE} tuổi trở lên."
    if age > MAX_AGE:
        return f"Ngày sinh {born:%d/%m/%Y}: đã {age} tuổi, quá {MAX_AGE} tuổi; hãy kiểm tra lại."
    return None


def phone_problem(phone: str) -> str | None:
    phone = phone.strip()
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_RE.fullmatch(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return PHONE_RULE
    return None
