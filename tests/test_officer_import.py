"""Officer import: all-or-nothing, every bad row reported by number, idempotent, safe with hostile files."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from elearn.errors import Forbidden, ImportFailed
from elearn.officers.import_rows import COLUMNS
from elearn.officers.importer import import_officers, template_csv, template_xlsx
from elearn.officers.models import Officer, Position

HEADER = [h for _, h, _ in COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


GOOD = [
    [
        "CB-I-001",
        "Hoàng Thị Mai",
        "12/05/1984",
        "Nữ",
        "0901234567",
        "mai@example.vn",
        "TEST-A1",
        "Chủ tịch",
        "Có",
        "2025-2030",
        "01/07/2025",
        "",
    ],
    [
        "CB-I-001",
        "Hoàng Thị Mai",
        "12/05/1984",
        "Nữ",
        "0901234567",
        "mai@example.vn",
        "TEST-A1",
        "Ủy viên Ban Chấp hành",
        "Có",
        "2020-2025",
        "01/01/2020",
        "30/06/2025",
    ],
    [
        "CB-I-002",
        "Đặng Văn Hùng",
        "03/11/1979",
        "Nam",
        "",
        "",
        "TEST-A2",
        "Tổ trưởng công đoàn",
        "Không",
        "2025-2030",
        "15/08/2025",
        "",
    ],
    ["CB-I-003", "Bùi Ngọc Ánh", "", "", "", "", "", "UV_UBKT", "không", "2025-2030", "2025-09-01", ""],
]


def counts(db):
    return (
        db.scalar(select(func.count()).select_from(Officer)),
        db.scalar(select(func.count()).select_from(Position)),
    )


def test_import_xlsx_then_reimport_changes_nothing(db, world):
    data = xlsx(GOOD)
    first = import_officers(db, world.staff_a, world.a, "ds.xlsx", data)
    assert (first.officers_created, first.positions_created, first.unchanged) == (3, 4, 0)
    mai = db.scalar(select(Officer).where(Officer.code == "CB-I-001"))
    assert mai.full_name == "Hoàng Thị Mai" and mai.gender == "nu" and len(mai.positions) == 2
    anh = db.scalar(select(Officer).where(Officer.code == "CB-I-003"))
    assert anh.positions[0].unit.code == "TEST-A"  # empty unit column: the unit chosen for the import
    before = counts(db)
    again = import_officers(db, world.staff_a, world.a, "ds.xlsx", data)
    assert (again.changes, again.unchanged) == (0, 4)
    assert counts(db) == before


def test_import_csv_updates_changed_rows(db, world):
    import_officers(db, None, world.a, "ds.csv", csv_bytes(GOOD))
    changed = [list(r) for r in GOOD]
    changed[2][1] = "Đặng Văn Hùng Sửa"
    changed[2][8] = "Có"
    summary = import_officers(db, None, world.a, "ds.csv", csv_bytes(changed))
    assert (summary.officers_updated, summary.positions_updated, summary.unchanged) == (1, 1, 3)


def test_every_bad_row_is_reported_and_nothing_is_written(db, world):
    bad = [
        GOOD[0],
        ["", "Không Mã", "", "", "", "", "TEST-A1", "Chủ tịch", "Có", "2025-2030", "01/07/2025", ""],
        [
            "CB-I-010",
            "",
            "31/02/1980",
            "Khác",
            "",
            "thư-sai",
            "TEST-A1",
            "Chủ tịch",
            "Có",
            "2025-2030",
            "01/07/2025",
            "",
        ],
        [
            "CB-I-011",
            "Ngoài Phạm Vi",
            "",
            "",
            "",
            "",
            "TEST-B1",
            "Chủ tịch",
            "Có",
            "2025-2030",
            "01/07/2025",
            "",
        ],
        ["CB-I-012", "Sai Danh Mục", "", "", "", "", "KHONG-CO", "Giám đốc", "Có lẽ", "2099", "", ""],
        [
            "CB-I-013",
            "Ngày Ngược",
            "",
            "",
            "",
            "",
            "TEST-A1",
            "Chủ tịch",
            "Có",
            "2025-2030",
            "01/07/2026",
            "01/07/2025",
        ],
        GOOD[0],
        [
            "CB-I-001",
            "Hoàng Thị Mai Khác",
            "12/05/1984",
            "Nữ",
            "0901234567",
            "mai@example.vn",
            "TEST-A1",
            "Phó Chủ tịch",
            "Có",
            "2025-2030",
            "01/07/2025",
            "",
        ],
    ]
    before = counts(db)
    with pytest.raises(ImportFailed) as caught:
        import_officers(db, world.staff_a, world.a, "ds.xlsx", xlsx(bad))
    by_row = {}
    for error in caught.value.errors:
        by_row.setdefault(error.line, []).append(error.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9]
    assert by_row[3] == ["thiếu mã cán bộ."]
    assert {
        "thiếu họ và tên.",
        "ngày sinh 31/02/1980 không tồn tại (tháng 02/1980 chỉ có 29 ngày).",
        "giới tính “Khác” phải là Nam hoặc Nữ.",
        "email “thư-sai” không hợp lệ.",
    } == set(by_row[4])
    assert by_row[5] == ["đơn vị “TEST-B1” không thuộc Công đoàn Khu công nghiệp Thử Nghiệm."]
    assert len(by_row[6]) == 5  # unit, title, full-time, term, start date
    assert by_row[7] == ["ngày kết thúc trước ngày bắt đầu."]
    assert by_row[8] == ["trùng chức vụ với dòng 2."]
    assert by_row[9] == ["thông tin cá nhân của CB-I-001 khác với dòng 2."]
    assert counts(db) == before


def test_officer_of_another_union_cannot_be_overwritten(db, world):
    row = [
        "TB2CHAIR",
        "Đổi Tên Trộm",
        "",
        "",
        "",
        "",
        "TEST-A1",
        "Chủ tịch",
        "Có",
        "2025-2030",
        "01/07/2025",
        "",
    ]
    with pytest.raises(ImportFailed, match="lỗi") as caught:
        import_officers(db, world.staff_a, world.a, "x.xlsx", xlsx([row]))
    assert "đã có trong danh sách của đơn vị khác" in caught.value.errors[0].message


def test_staff_cannot_import_into_another_subtree(db, world):
    with pytest.raises(Forbidden):
        import_officers(db, world.staff_a, world.b, "x.xlsx", xlsx(GOOD))


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("ds.csv", csv_bytes(GOOD, encoding="utf-16"), "không phải UTF-8"),
        ("ds.xlsx", b"PK\x03\x04 not really a zip", "không phải là bảng tính Excel"),
        ("ds.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx hoặc .csv"),
        ("ds.csv", csv_bytes([], header=["Họ và tên", "Ngày sinh"]), "Thiếu cột bắt buộc: Mã cán bộ"),
        ("ds.csv", csv_bytes([]), "chỉ có dòng tiêu đề"),
    ],
)
def test_bad_files_are_refused_with_a_reason(db, world, filename, data, message):
    with pytest.raises(ImportFailed) as caught:
        import_officers(db, world.staff_a, world.a, filename, data)
    assert message in str(caught.value.errors[0])


def test_zip_bomb_is_refused_before_inflating(db, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    with pytest.raises(ImportFailed, match="lỗi") as caught:
        import_officers(db, world.staff_a, world.a, "bom.xlsx", buffer.getvalue())
    assert "quá lớn khi giải nén" in caught.value.errors[0].message


def test_too_many_rows(db, world):
    rows = [
        [f"CB-M-{i:04d}", "Tên", "", "", "", "", "", "Chủ tịch", "Có", "2025-2030", "01/07/2025", ""]
        for i in range(11)
    ]
    with pytest.raises(ImportFailed, match="lỗi") as caught:
        import_officers(db, world.staff_a, world.a, "x.csv", csv_bytes(rows), max_rows=10)
    assert "vượt giới hạn 10 dòng" in caught.value.errors[0].message


def test_templates_import_cleanly(db, world):
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in wb.active[1]][:2] == ["Mã cán bộ *", "Họ và tên *"]
    assert (
        import_officers(db, None, world.a1, "mau.xlsx", template_xlsx(), dry_run=True).officers_created == 2
    )
    assert import_officers(db, None, world.a1, "mau.csv", template_csv(), dry_run=True).officers_created == 2


def test_web_import_preview_then_confirm(auth, client, db, world):
    auth.login("staff-a@test.vn")
    page = client.get("/officers/import")
    assert page.status_code == 200
    from tests.conftest import csrf_from

    token = csrf_from(page.get_data(as_text=True))
    preview = client.post(
        "/officers/import",
        data={"csrf_token": token, "unit_id": str(world.a.id), "file": (io.BytesIO(xlsx(GOOD)), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Thêm mới 3 cán bộ" in html
    assert counts(db)[0] == 2  # the preview wrote nothing
    import_token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/officers/import/confirm", data={"csrf_token": token, "token": import_token})
    assert done.status_code == 302
    db.expire_all()
    assert counts(db)[0] == 5
    # a staged file can be confirmed once, and only by the user who uploaded it
    assert (
        client.post("/officers/import/confirm", data={"csrf_token": token, "token": import_token}).status_code
        == 404
    )


def test_web_import_shows_row_errors(auth, client, world):
    auth.login("staff-a@test.vn")
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/officers/import").get_data(as_text=True))
    bad = [["", "Không Mã", "", "", "", "", "", "Chủ tịch", "Có", "2025-2030", "01/07/2025", ""]]
    response = client.post(
        "/officers/import",
        data={
            "csrf_token": token,
            "unit_id": str(world.a.id),
            "file": (io.BytesIO(csv_bytes(bad)), "ds.csv"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td>2</td><td>thiếu mã cán bộ.</td>" in html


def test_web_import_shows_a_whole_file_error_without_a_line_number(auth, client, world):
    auth.login("staff-a@test.vn")
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/officers/import").get_data(as_text=True))
    response = client.post(
        "/officers/import",
        data={"csrf_token": token, "unit_id": str(world.a.id), "file": (io.BytesIO(b"%PDF-1.4"), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<p>Tệp: " in html and "<th>Dòng</th>" not in html and "Sửa tệp rồi tải lên lại." in html


def test_cli_import(app, db, world, tmp_path):
    good = tmp_path / "ds.xlsx"
    good.write_bytes(xlsx(GOOD))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["officers", "import", str(good), "--unit", "TEST-A", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Sẽ nhập 4 dòng: thêm 3 cán bộ" in result.output
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([GOOD[0], ["", "Không Mã"] + GOOD[0][2:]]))
    result = runner.invoke(args=["officers", "import", str(bad), "--unit", "TEST-A"])
    assert result.exit_code == 1
    assert "dòng 3: thiếu mã cán bộ." in result.output
    result = runner.invoke(args=["officers", "import", str(good), "--unit", "KHONG-CO"])
    assert result.exit_code == 2


def test_a_date_that_does_not_exist_is_told_apart_from_a_wrong_format(db, world):
    def with_dates(code, born, start):
        return [code, "Lê Văn Nam", born, "Nam", "", "", "TEST-A1", "Chủ tịch", "Có", "2025-2030", start, ""]

    rows = [
        GOOD[0],
        with_dates("CB-D-001", "31/02/1985", "01/07/2025"),
        with_dates("CB-D-002", "12/05/1984", "31/04/2025"),
        with_dates("CB-D-003", "1985/02/03", "01/13/2025"),
    ]
    with pytest.raises(ImportFailed) as caught:
        import_officers(db, world.staff_a, world.a, "ds.xlsx", xlsx(rows), dry_run=True)
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (3, "ngày sinh 31/02/1985 không tồn tại (tháng 02/1985 chỉ có 28 ngày)."),
        (4, "ngày bắt đầu 31/04/2025 không tồn tại (tháng 04/2025 chỉ có 30 ngày)."),
        (5, "ngày sinh “1985/02/03” không đúng dạng dd/mm/yyyy."),
        (5, "ngày bắt đầu 01/13/2025 không tồn tại (không có tháng 13)."),
    ]
