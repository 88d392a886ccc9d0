"""Class rosters as spreadsheets: members from a list of officer codes, attendance from a sheet, XLSX export.

Imports are all or nothing, like the officer importer: every bad row is reported and nothing is written.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.classes import services
from elearn.classes.completion import class_statuses
from elearn.classes.models import Attendance, ClassSession, TrainingClass
from elearn.classes.sessions import get_session_for, set_attendance_many, to_local
from elearn.errors import ImportFailed, RowError
from elearn.officers.models import Officer
from elearn.uploads import file_error, fold, read_rows

CODE_HEADER = "mã cán bộ"
PRESENT_HEADER = "có mặt"
YES = {"có", "co", "x", "1", "true", "có mặt"}
NO = {"không", "khong", "0", "false", "vắng", "vang", "vắng mặt", ""}
MAX_ROWS = 2000


def _body(filename: str, data: bytes, wanted: list[str]) -> tuple[dict[str, int], list[tuple[int, list]]]:
    rows = read_rows(filename, data)
    if not rows:
        raise file_error("Tệp trống.")
    header = [fold(c or "") for c in rows[0][1]]
    cols = {}
    for name in wanted:
        if name not in header:
            raise file_error(f"Thiếu cột “{name.capitalize()}”. Hãy dùng tệp mẫu.")
        cols[name] = header.index(name)
    body = rows[1:]
    if not body:
        raise file_error("Tệp chỉ có dòng tiêu đề, chưa có dữ liệu.")
    if len(body) > MAX_ROWS:
        raise file_error(f"Tệp có {len(body)} dòng, vượt giới hạn {MAX_ROWS} dòng mỗi lần nhập.")
    return cols, body


def _cell(cells: list, index: int) -> str:
    value = cells[index] if index < len(cells) else None
    return "" if value is None else str(value).strip()


def _officers_by_code(session: Session, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(session.execute(select(Officer.code, Officer.id).where(Officer.code.in_(chunk))).all())
    return found


def import_members(
    session: Session, actor: User, class_id: int, filename: str, data: bytes, *, today: date
) -> int:
    """Adds the officers listed by code (column "Mã cán bộ"). Returns how many joined."""
    training_class = services.get_class(session, actor, class_id)
    cols, body = _body(filename, data, [CODE_HEADER])
    codes = {number: _cell(cells, cols[CODE_HEADER]).upper() for number, cells in body}
    ids = _officers_by_code(session, {c for c in codes.values() if c})
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, code in codes.items():
        if not code:
            errors.append(RowError(number, "thiếu mã cán bộ."))
        elif code not in ids:
            errors.append(RowError(number, f"không có cán bộ mã “{code}” trong danh sách."))
        elif code in seen:
            errors.append(RowError(number, f"trùng mã cán bộ với dòng {seen[code]}."))
        seen.setdefault(code, number)
    outside = services.outside_scope(
        session, services.member_scope(session, actor, training_class), list(ids.values()), today
    )
    for number, code in codes.items():
        if code in ids and ids[code] in outside and seen.get(code) == number:
            errors.append(RowError(number, f"cán bộ {code} không thuộc phạm vi quản lý của bạn."))
    already = services.member_ids(session, class_id)
    new = {ids[c] for c in seen if c in ids} - already
    free = training_class.capacity - len(already)
    if not errors and len(new) > free:
        errors.append(RowError(0, f"Lớp chỉ còn {max(free, 0)} chỗ; tệp có {len(new)} học viên mới."))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    return services.add_members(session, actor, class_id, [ids[c] for c in seen], today=today)


def import_attendance(
    session: Session, actor: User, session_id: int, filename: str, data: bytes, *, now: datetime
) -> int:
    """Marks from columns "Mã cán bộ" and "Có mặt" (Có/Không, x, 1/0). Returns how many marks changed."""
    row = get_session_for(session, actor, session_id)
    cols, body = _body(filename, data, [CODE_HEADER, PRESENT_HEADER])
    members = dict(
        session.execute(
            select(Officer.code, Officer.id).where(Officer.id.in_(services.member_ids(session, row.class_id)))
        ).all()
    )
    errors: list[RowError] = []
    marks: dict[int, bool] = {}
    seen: dict[str, int] = {}
    for number, cells in body:
        code = _cell(cells, cols[CODE_HEADER]).upper()
        answer = fold(_cell(cells, cols[PRESENT_HEADER]))
        if not code:
            errors.append(RowError(number, "thiếu mã cán bộ."))
            continue
        if code not in members:
            errors.append(RowError(number, f"cán bộ “{code}” không phải học viên của lớp."))
        elif code in seen:
            errors.append(RowError(number, f"trùng mã cán bộ với dòng {seen[code]}."))
        if answer not in YES and answer not in NO:
            errors.append(
                RowError(number, f"cột Có mặt “{_cell(cells, cols[PRESENT_HEADER])}” phải là Có hoặc Không.")
            )
        seen.setdefault(code, number)
        if code in members:
            marks[members[code]] = answer in YES
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    return set_attendance_many(session, actor, row, marks, now)


def _safe(value):
    """Spreadsheet cells never start a formula (CSV/XLSX injection): prefix such text with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_roster(session: Session, actor: User, class_id: int, now: datetime) -> bytes:
    """One row per member: code, name, modules, attendance per session, status and what is missing."""
    import openpyxl
    from openpyxl.styles import Font

    training_class: TrainingClass = services.get_class(session, actor, class_id)
    statuses = class_statuses(session, training_class, now)
    held: list[ClassSession] = list(training_class.sessions)
    marks = set(
        session.execute(
            select(Attendance.session_id, Attendance.officer_id).where(
                Attendance.session_id.in_([s.id for s in held] or [0]), Attendance.present.is_(True)
            )
        ).all()
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách lớp"
    ws.append([_safe(f"Lớp {training_class.code}: {training_class.title}")])
    header = ["STT", "Mã cán bộ", "Họ và tên", "Học phần đã xong", "Số buổi có mặt", "Chuyên cần (%)"]
    header += [f"Buổi {to_local(s.starts_at):%d/%m/%Y}" for s in held]
    header += ["Bài kiểm tra", "Hoàn thành", "Còn thiếu"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for number, st in enumerate(statuses, start=1):
        quiz = "" if st.quiz_passed is None else ("Đạt" if st.quiz_passed else "Chưa đạt")
        ws.append(
            [
                number,
                _safe(st.code),
                _safe(st.full_name),
                f"{st.modules_done}/{st.modules_total}",
                f"{st.sessions_attended}/{st.sessions_total}",
                st.attendance_percent,
            ]
            + ["x" if (s.id, st.officer_id) in marks else "" for s in held]
            + [quiz, "Có" if st.completed else "Chưa", _safe("; ".join(st.missing))]
        )
    for col, width in zip("ABCDEF", (6, 14, 30, 16, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_xlsx(kind: str) -> bytes:
    """Blank sheets for the two imports ("members" or "attendance")."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm danh" if kind == "attendance" else "Học viên"
    if kind == "attendance":
        ws.append(["Mã cán bộ", "Có mặt"])
        ws.append(["CB000001", "Có"])
        ws.append(["CB000002", "Không"])
    else:
        ws.append(["Mã cán bộ", "Họ và tên (không bắt buộc)"])
        ws.append(["CB000001", "Nguyễn Thị Thanh Tùng"])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
