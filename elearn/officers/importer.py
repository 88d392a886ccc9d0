"""Officer import from XLSX/CSV: every bad row is reported, and nothing is written unless all rows are valid.

One row is one position of one officer; an officer with several positions has several rows with the same
officer code. The officer code is the stable key, so re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.audit.services import record
from elearn.authz import require_unit
from elearn.errors import ImportFailed, RowError
from elearn.officers.import_rows import COLUMNS, Lookups, Row, header_map, parse_row
from elearn.officers.models import Officer, Position
from elearn.orgs.models import OrgUnit
from elearn.uploads import file_error, read_rows

EXAMPLE_ROWS = [
    [
        "CB000001",
        "Nguyễn Thị Thanh Tùng",
        "15/03/1985",
        "Nữ",
        "0912345678",
        "tung.ntt@example.vn",
        "",
        "Chủ tịch",
        "Có",
        "2025-2030",
        "01/07/2025",
        "",
    ],
    [
        "CB000002",
        "Trần Văn Minh",
        "02/09/1979",
        "Nam",
        "",
        "",
        "",
        "Ủy viên Ban Chấp hành",
        "Không",
        "2025-2030",
        "01/07/2025",
        "",
    ],
]


@dataclass
class ImportSummary:
    rows: int = 0
    officers_created: int = 0
    officers_updated: int = 0
    positions_created: int = 0
    positions_updated: int = 0
    unchanged: int = 0
    touched_codes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.officers_created + self.officers_updated + self.positions_created + self.positions_updated


def template_xlsx() -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cán bộ"
    ws.append([h + (" *" if req else "") for _, h, req in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLE_ROWS:
        ws.append(row)
    for col, width in zip("ABCDEFGHIJKL", (12, 28, 12, 10, 14, 26, 14, 28, 12, 12, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    notes = wb.create_sheet("Hướng dẫn")
    for line in (
        "Mỗi dòng là một chức vụ của một cán bộ; cán bộ giữ nhiều chức vụ thì ghi nhiều dòng cùng mã cán bộ.",
        "Cột có dấu * là bắt buộc. Ngày ghi theo dạng dd/mm/yyyy.",
        "Mã đơn vị để trống: lấy đơn vị được chọn khi nhập.",
        "Chức danh ghi đúng tên trong danh mục (ví dụ: Chủ tịch, Phó Chủ tịch, Ủy viên Ban Chấp hành).",
        "Chuyên trách: Có hoặc Không. Nhiệm kỳ: mã nhiệm kỳ, ví dụ 2025-2030.",
        "Nhập lại cùng một tệp không tạo bản ghi trùng: mã cán bộ là khóa nhận diện.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for _, h, _ in COLUMNS])
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def parse_officer_file(
    session: Session,
    root: OrgUnit,
    filename: str,
    data: bytes,
    max_rows: int = 20000,
    today: date | None = None,
):
    """Checks the whole file and returns its rows, or raises ImportFailed listing every bad row. Birth
    dates are checked against `today` (Vietnam's date; the server's when None)."""
    rows = read_rows(filename, data)
    if not rows:
        raise file_error("Tệp trống.")
    header_number, header = rows[0]
    cols = header_map(header)
    body = rows[1:]
    if not body:
        raise file_error("Tệp chỉ có dòng tiêu đề, chưa có dữ liệu.")
    if len(body) > max_rows:
        raise file_error(f"Tệp có {len(body)} dòng, vượt giới hạn {max_rows} dòng mỗi lần nhập.")
    look = Lookups(session, root, today or date.today())
    errors: list[RowError] = []
    parsed: list[Row] = []
    for number, cells in body:
        row = parse_row(number, cells, cols, look, errors)
        if row is not None:
            parsed.append(row)
    first_seen: dict[str, Row] = {}
    keys: dict[tuple, int] = {}
    for row in parsed:
        earlier = first_seen.setdefault(row.code, row)
        if earlier is not row and earlier.person != row.person:
            errors.append(
                RowError(row.number, f"thông tin cá nhân của {row.code} khác với dòng {earlier.number}.")
            )
        key = (row.code, row.unit.id, row.title.id, row.term.id)
        if key in keys:
            errors.append(RowError(row.number, f"trùng chức vụ với dòng {keys[key]}."))
        keys.setdefault(key, row.number)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    return parsed


def import_officers(
    session: Session,
    actor: User | None,
    root: OrgUnit,
    filename: str,
    data: bytes,
    *,
    dry_run: bool = False,
    max_rows: int = 20000,
    today: date | None = None,
) -> ImportSummary:
    """Creates or updates officers and positions from a file. `actor` None means the trusted CLI."""
    if actor is not None:
        require_unit(session, actor, root)
    rows = parse_officer_file(session, root, filename, data, max_rows, today)
    codes = sorted({r.code for r in rows})
    existing = {}
    for chunk in range(0, len(codes), 500):
        part = codes[chunk : chunk + 500]
        existing.update({o.code: o for o in session.scalars(select(Officer).where(Officer.code.in_(part)))})
    summary = ImportSummary(rows=len(rows))
    officers: dict[str, Officer] = {}
    positions: dict[tuple, Position] = {}
    if existing:
        ids = [o.id for o in existing.values()]
        for chunk in range(0, len(ids), 500):
            for p in session.scalars(
                select(Position).where(Position.officer_id.in_(ids[chunk : chunk + 500]))
            ):
                positions[(p.officer_id, p.unit_id, p.title_id, p.term_id)] = p
    outside = {
        code
        for code, o in existing.items()
        if o.positions and not any(p.unit.path.startswith(root.path) for p in o.positions)
    }
    if outside:
        raise ImportFailed(
            [
                RowError(
                    r.number, f"cán bộ {r.code} đã có trong danh sách của đơn vị khác, ngoài {root.name}."
                )
                for r in rows
                if r.code in outside
            ]
        )
    for row in rows:
        officer = officers.get(row.code)
        if officer is None:
            officer = existing.get(row.code)
            if officer is None:
                officer = Officer(code=row.code, **row.person)
                summary.officers_created += 1
                if not dry_run:
                    session.add(officer)
                    session.flush()
            else:
                changed = {k: v for k, v in row.person.items() if getattr(officer, k) != v}
                if changed:
                    summary.officers_updated += 1
                    if not dry_run:
                        for k, v in changed.items():
                            setattr(officer, k, v)
            officers[row.code] = officer
        key = (officer.id, row.unit.id, row.title.id, row.term.id)
        position = positions.get(key) if officer.id else None
        wanted = {"full_time": row.full_time, "start_date": row.start_date, "end_date": row.end_date}
        if position is None:
            summary.positions_created += 1
            if not dry_run:
                session.add(
                    Position(
                        officer_id=officer.id,
                        unit_id=row.unit.id,
                        title_id=row.title.id,
                        term_id=row.term.id,
                        **wanted,
                    )
                )
        elif any(getattr(position, k) != v for k, v in wanted.items()):
            summary.positions_updated += 1
            if not dry_run:
                for k, v in wanted.items():
                    setattr(position, k, v)
        else:
            summary.unchanged += 1
    summary.touched_codes = codes
    if not dry_run:
        if summary.changes:
            record(
                session,
                actor,
                "officer.import",
                "org_unit",
                root.code,
                file=filename,
                rows=summary.rows,
                created=summary.officers_created,
                updated=summary.officers_updated,
                positions_created=summary.positions_created,
                positions_updated=summary.positions_updated,
            )
        session.flush()
    return summary
