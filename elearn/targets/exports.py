"""Dashboard tables and the missing-officers list as XLSX (openpyxl) and CSV (UTF-8 with BOM).

Cells that a spreadsheet would read as a formula (starting with = + - @, or a tab / carriage return) are
prefixed with a single quote, so a crafted officer or unit name cannot run anything when the file is opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_xlsx(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], heading: str | None = None
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    if heading:
        sheet.append([neutralise(heading)])
        sheet["A1"].font = Font(bold=True)
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header))] + [len(str(c.value or "")) for c in list(column)[:200]])
        sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(headers: Sequence[str], rows: Iterable[Sequence], heading: str | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if heading:
        writer.writerow([neutralise(heading)])
    writer.writerow(list(headers))
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def render(fmt: str, title: str, headers: Sequence[str], rows: list, heading: str | None = None) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(title, headers, rows, heading)
    return to_csv(headers, rows, heading)


def pct(value: float | None):
    """A percentage cell: the number, or empty when there is nobody to count."""
    return "" if value is None else value


SUMMARY_HEADERS = [
    "Chỉ tiêu",
    "Đạt",
    "Tổng số",
    "Tỷ lệ (%)",
    "Yêu cầu (%)",
    "Còn thiếu (điểm %)",
    "Hạn",
    "Còn (ngày)",
]
BREAKDOWN_HEADERS = ["Mã đơn vị", "Đơn vị", "Đạt", "Tổng số", "Tỷ lệ (%)", "Còn thiếu (người)"]
MISSING_HEADERS = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Đơn vị", "Chức danh", "Còn thiếu"]
QUOTA_HEADERS = [
    "Đơn vị",
    "Lớp kế hoạch",
    "Lớp đã mở",
    "Học viên kế hoạch",
    "Học viên đã học",
    "Tỷ lệ học viên (%)",
]


def summary_rows(rows) -> list[list]:
    return [
        [
            r.target.name,
            r.figures.numerator,
            r.figures.denominator,
            pct(r.figures.percent),
            r.target.required_percent,
            r.gap,
            r.target.deadline.strftime("%d/%m/%Y"),
            r.days_left,
        ]
        for r in rows
    ]


def breakdown_rows(row) -> list[list]:
    out = [
        [
            c.unit.code,
            c.unit.name,
            c.figures.numerator,
            c.figures.denominator,
            pct(c.figures.percent),
            c.figures.missing,
        ]
        for c in row.children
    ]
    if row.own.denominator:
        out.append(
            [
                row.unit.code,
                f"Cán bộ của chính {row.unit.name}",
                row.own.numerator,
                row.own.denominator,
                pct(row.own.percent),
                row.own.missing,
            ]
        )
    f = row.figures
    out.append(["", "Tổng cộng", f.numerator, f.denominator, pct(f.percent), f.missing])
    return out


def missing_rows(page) -> list[list]:
    return [
        [
            m.officer.code,
            m.officer.full_name,
            m.officer.date_of_birth.strftime("%d/%m/%Y") if m.officer.date_of_birth else "",
            m.unit.name,
            m.title.name,
            m.lack,
        ]
        for m in page.items
    ]


def quota_rows(summary) -> list[list]:
    """The dashboard's class plan: each child's plan against its subtree, the classes the unit organised
    itself, then the unit's own plan against its whole subtree; note rows say why a part is empty."""
    unit, year = summary.unit, summary.year
    rows = [
        [
            u.name,
            p.planned_classes,
            p.delivered_classes,
            p.planned_learners,
            p.delivered_learners,
            pct(p.percent_learners),
        ]
        for u, p in summary.children
    ]
    if summary.children:
        t = summary.handed_down
        rows.append(
            [
                "Cộng các đơn vị trực thuộc",
                t.planned_classes,
                t.delivered_classes,
                t.planned_learners,
                t.delivered_learners,
                pct(t.percent_learners),
            ]
        )
    own_held = summary.held_by_unit
    if own_held.delivered_classes:
        rows.append(
            [
                f"Lớp do chính {unit.name} tổ chức (không thuộc kế hoạch giao cho đơn vị trực thuộc)",
                None,
                own_held.delivered_classes,
                None,
                own_held.delivered_learners,
                None,
            ]
        )
    own = summary.own
    rows.append(
        [
            f"Toàn hệ thống {unit.name} (kế hoạch do cấp trên giao)",
            own.planned_classes,
            own.delivered_classes,
            own.planned_learners,
            own.delivered_learners,
            pct(own.percent_learners),
        ]
    )
    if not summary.children:
        rows.append(
            [
                f"Ghi chú: năm {year} chưa giao kế hoạch lớp cho đơn vị trực thuộc nào "
                "và các đơn vị trực thuộc chưa mở lớp nào."
            ]
        )
    if not (own.planned_classes or own.planned_learners):
        rows.append([f"Ghi chú: cấp trên chưa giao kế hoạch lớp năm {year} cho {unit.name}."])
    return rows
